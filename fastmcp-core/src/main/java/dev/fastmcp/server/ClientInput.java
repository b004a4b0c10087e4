package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * Where a call on the 2026-07-28 path gets input from its client (elicitation, sampling), once the client has
 * declared the capability. That revision has no requests from server to client: the input comes back with a retry
 * of the request. Until that round trip is built, {@link #UNSUPPORTED} answers with a clear error.
 */
interface ClientInput {

    /** Says, as a JSON-RPC error, that tools cannot ask the client on this revision yet. */
    ClientInput UNSUPPORTED = new ClientInput() {
        @Override
        public McpSchema.ElicitResult elicit(ModernRequest request, String message, Map<String, Object> schema) {
            throw unsupported("elicit");
        }

        @Override
        public McpSchema.CreateMessageResult sample(ModernRequest request, McpSchema.CreateMessageRequest sampling) {
            throw unsupported("sample");
        }

        private ClientRequestError unsupported(String what) {
            return new ClientRequestError(McpSchema.ErrorCodes.INTERNAL_ERROR, what + "() is not yet supported on "
                    + "MCP " + ModernProtocol.VERSION + "; clients of earlier revisions (with a session) can answer it",
                    null);
        }
    };

    /** The user's answer to a form for the call of {@code request}. */
    McpSchema.ElicitResult elicit(ModernRequest request, String message, Map<String, Object> requestedSchema);

    /** The client model's answer for the call of {@code request}. */
    McpSchema.CreateMessageResult sample(ModernRequest request, McpSchema.CreateMessageRequest sampling);
}
