package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * Ends a call of MCP 2026-07-28 that asked its client a question the request does not answer: the call's response
 * is {@link #result()}, an "input required" result, instead of an error.
 */
final class InputRequired extends ClientRequestError {

    private final transient Map<String, Object> result;

    InputRequired(Map<String, Object> result) {
        super(McpSchema.ErrorCodes.INTERNAL_ERROR, "The call needs input from the client", null);
        this.result = result;
    }

    /** {@code {resultType: input_required, inputRequests, requestState}}. */
    Map<String, Object> result() {
        return result;
    }
}
