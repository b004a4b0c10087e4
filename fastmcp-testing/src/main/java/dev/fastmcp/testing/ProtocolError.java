package dev.fastmcp.testing;

/**
 * A JSON-RPC error the server answered a request with, instead of a result: an unknown tool, arguments that do not
 * match its schema, a refused caller. (A tool that fails answers a result with {@code isError}; see
 * {@link ToolResult#isError()}.)
 *
 * @param code    the JSON-RPC error code, such as {@code -32602} (invalid params)
 * @param message its message
 * @param data    its data; null when none
 */
public record ProtocolError(int code, String message, Object data) {
}
