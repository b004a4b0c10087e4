package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * A request to the client (elicitation, sampling) that a call cannot make: the call ends with this JSON-RPC
 * error instead of a tool result, so the client learns what it lacks.
 */
class ClientRequestError extends McpError {

    ClientRequestError(int code, String message, Object data) {
        super(new McpSchema.JSONRPCResponse.JSONRPCError(code, message, data));
    }
}
