/**
 * The transports serving the engine: Streamable HTTP and stateless HTTP on an embedded Undertow server (with its
 * custom routes, origin checks and authentication of requests), and stdio; and the start and stop of a server.
 *
 * <p>Not API: its types are public only for {@code dev.fastmcp}, and may change without notice.
 */
package dev.fastmcp.transport;
