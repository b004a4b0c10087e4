package dev.fastmcp.server;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;

/**
 * How the {@link dev.fastmcp.Context} of one call reaches its client: through the SDK session of the older
 * revisions ({@link SessionChannel}), or on the response of one 2026-07-28 request ({@link ModernChannel}).
 */
interface ClientChannel {

    /** The channel of a call served by the SDK: its session's exchange, or none in stateless mode (null). */
    static ClientChannel of(McpAsyncServerExchange exchange) {
        return new SessionChannel(exchange);
    }

    /** The session id, or null. */
    String sessionId();

    /** The client's name and version, or null when unknown. */
    McpSchema.Implementation clientInfo();

    /** The client's capabilities, or null when unknown. */
    McpSchema.ClientCapabilities clientCapabilities();

    /** Whether a log message at {@code level} can reach the client at all (so it is worth building). */
    boolean logs(McpSchema.LoggingLevel level);

    /** Sends a log message, if it can reach the client. */
    void log(McpSchema.LoggingMessageNotification message);

    /** Sends progress, if the client asked for it and it can reach the client. */
    void progress(McpSchema.ProgressNotification progress);

    /**
     * Asks the client {@code questions} and returns the answers by key, each as its type: one after the other over
     * a session; on 2026-07-28 from the request, or by ending the call with an "input required" result.
     */
    Map<String, Object> ask(List<InputRequest> questions);

    /** Where the handler says it is (a progress message), for a channel that keeps it (a task's status message). */
    default void status(String message) {
    }

    /** Continues the call as a task, when it can become one (see {@link dev.fastmcp.Context#runAsTask()}). */
    default void runAsTask() {
    }
}
