package dev.fastmcp.transport;

import io.modelcontextprotocol.spec.McpSchema;

/** What a transport does with the MCP endpoint's requests once they passed the common checks. */
interface McpBackend {

    /** Handles one POSTed message. Runs on a worker thread and must not block. */
    void post(McpCall call, McpSchema.JSONRPCMessage message);

    /** Opens or resumes an SSE stream. */
    void get(McpCall call);

    /** Ends a session. */
    void delete(McpCall call);

    /** The value of the {@code Allow} header for this endpoint. */
    String allowedMethods();
}
