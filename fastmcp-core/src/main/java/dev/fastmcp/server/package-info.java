/**
 * The MCP engine between the API and the SDK: the components and the one access decision over them, the
 * running of user code and the shaping of its results, the SDK server, the settings, and the JSON-RPC rules the
 * transports share.
 *
 * <p>Not API: its types are public only for {@code dev.fastmcp} and {@code dev.fastmcp.transport}, and may change
 * without notice.
 */
package dev.fastmcp.server;
