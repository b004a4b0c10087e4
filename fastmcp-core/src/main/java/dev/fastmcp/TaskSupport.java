package dev.fastmcp;

/**
 * Whether a call of a tool may run as a task of the MCP tasks extension ({@code io.modelcontextprotocol/tasks}, on
 * MCP 2026-07-28): instead of its result, the client gets a task at once and asks for the result later
 * ({@code tasks/get}), answering the tool's questions on the way ({@code tasks/update}) or cancelling it
 * ({@code tasks/cancel}). Only a client that declares the extension in its request gets a task; the older revisions
 * have no tasks, and there the tool runs as any other.
 *
 * @see Tool.Builder#taskSupport(TaskSupport)
 */
public enum TaskSupport {

    /** Never a task: the call answers with the tool's result (the default). */
    FORBIDDEN,

    /** A task for a client that declares the extension; for any other client the call answers with the result. */
    OPTIONAL,

    /**
     * Only as a task: a request of MCP 2026-07-28 that does not declare the extension is refused before the tool
     * runs (HTTP 400, error -32021 naming the extension).
     */
    REQUIRED
}
