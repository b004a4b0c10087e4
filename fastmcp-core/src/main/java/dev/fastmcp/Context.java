package dev.fastmcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;

/**
 * What a tool, resource or prompt sees of the request it serves: the caller, the session, and the ways to
 * talk back to the client while it runs (logging, progress, elicitation, sampling).
 *
 * <p>In stateless mode there is no channel back to the client: logging and progress do nothing, and
 * {@link #elicit} and {@link #sample} throw {@link IllegalStateException}.
 *
 * <p>A request of MCP 2026-07-28 has no session either: what the client is and declares comes with the request,
 * progress goes on the request's own response, and log messages only when the request asks for a level. Input
 * from the client ({@link #elicit}, {@link #sample}, {@link #listRoots}, {@link #inputs}) is the same code on both
 * revisions: on 2026-07-28 a question the request does not answer yet ends the call with an "input required"
 * result; the client asks the user or its model and sends the request again with the answers, and the handler runs
 * again from the start, this time receiving them. A handler that asks for input should therefore do nothing it
 * must not repeat before its questions (or ask first), and must let the exception that ends the call pass (do not
 * catch {@code RuntimeException} around the questions).
 */
public interface Context {

    /** The caller's verified identity, or {@code null} when unauthenticated or no auth is configured. */
    AuthSession auth();

    /** The MCP session id, or {@code null} in stateless mode and on MCP 2026-07-28. */
    String sessionId();

    /** The JSON-RPC id of the request being served (a String or a Number). */
    Object requestId();

    /** The progress token the client sent in the request's {@code _meta}, or {@code null} when it wants none. */
    Object progressToken();

    /**
     * The client's name and version as sent in {@code initialize} (or with the request, on MCP 2026-07-28), or
     * {@code null} when unknown.
     */
    McpSchema.Implementation clientInfo();

    /** The client's declared capabilities, or {@code null} when unknown. */
    McpSchema.ClientCapabilities clientCapabilities();

    /**
     * The headers of the HTTP request that carried this call: names in lower case, the values of a header sent
     * several times joined with {@code ", "}; read-only. Empty over stdio, and when the call runs as a task. The
     * caller's credentials are left out ({@code Authorization}, {@code Proxy-Authorization}, {@code Cookie}), so that
     * they cannot be forwarded by mistake: the caller is {@link #auth()}, and the token to call the identity
     * provider's APIs is {@link AuthSession#accessToken()}.
     */
    default Map<String, String> headers() {
        return Map.of();
    }

    /**
     * The header {@code name} (in any case) of the HTTP request that carried this call, as {@link #headers()} has it;
     * null when absent.
     */
    default String header(String name) {
        return headers().get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** Log messages sent to the client as {@code notifications/message}, honouring its {@code logging/setLevel}. */
    Log log();

    /**
     * Reports progress to the client, if it asked for progress with a {@code progressToken}; otherwise does
     * nothing. {@code total} and {@code message} may be null.
     */
    void reportProgress(double progress, Double total, String message);

    /** Reports progress without a total or message. */
    default void reportProgress(double progress) {
        reportProgress(progress, null, null);
    }

    /** Reports progress out of {@code total}: {@code ctx.reportProgress(i, n)}. */
    default void reportProgress(double progress, double total) {
        reportProgress(progress, Double.valueOf(total), null);
    }

    /** Reports progress out of {@code total}, with a message: {@code ctx.reportProgress(i, n, "step " + i)}. */
    default void reportProgress(double progress, double total, String message) {
        reportProgress(progress, Double.valueOf(total), message);
    }

    /**
     * Asks the user for input through the client (form-mode elicitation) and waits for the answer.
     *
     * @param message         what to ask
     * @param requestedSchema a flat JSON Schema object describing the fields wanted
     * @return the client's answer: accepted with content, declined or cancelled
     * @throws IllegalStateException if the client does not support elicitation, or in stateless mode
     */
    McpSchema.ElicitResult elicit(String message, Map<String, Object> requestedSchema);

    /**
     * Asks the client's model for a completion ({@code sampling/createMessage}) and waits for it.
     *
     * @throws IllegalStateException if the client does not support sampling, or in stateless mode
     */
    McpSchema.CreateMessageResult sample(McpSchema.CreateMessageRequest request);

    /** Samples one user message and returns the text of the reply (empty if the reply is not text). */
    default String sample(String prompt, int maxTokens) {
        McpSchema.CreateMessageResult result = sample(McpSchema.CreateMessageRequest.builder(
                java.util.List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER, new McpSchema.TextContent(prompt))),
                maxTokens).build());
        return result.content() instanceof McpSchema.TextContent text ? text.text() : "";
    }

    /**
     * Asks the client for its roots ({@code roots/list}) and waits for them.
     *
     * @throws IllegalStateException if the client does not support roots, or in stateless mode
     */
    McpSchema.ListRootsResult listRoots();

    /**
     * Several questions to the client, each under a key of the caller's choosing, answered together. On MCP
     * 2026-07-28 they go to the client in one "input required" result (and the keys are those the client sees);
     * on the older revisions they are asked one after the other over the session. The questions the client did not
     * declare the capability for end the call with an error (-32021 on 2026-07-28): check
     * {@link #clientCapabilities()} to ask only what it can answer.
     *
     * <pre>{@code
     * Context.Answers answers = ctx.inputs()
     *         .elicit("user_name", "Your name?", schema)
     *         .sample("greeting", request)
     *         .await();
     * String name = (String) answers.elicitation("user_name").content().get("name");
     * }</pre>
     *
     * <p>{@link #elicit}, {@link #sample} and {@link #listRoots} are one question each, keyed by their order in
     * the call ({@code input_1}, {@code input_2}, ...), so their keys are the same at every retry as long as the
     * handler asks the same questions in the same order.
     */
    Inputs inputs();

    /**
     * Ends the HTTP connection that carries this request's SSE stream while the call goes on (SSE polling):
     * the client reconnects with {@code Last-Event-ID} and receives the rest, including the result. Useful to
     * release connections during long waits. Does nothing over stdio or in stateless mode.
     */
    void closeSseStream();

    /**
     * Whether the client cancelled this request ({@code notifications/cancelled}), or, in a task, the task
     * ({@code tasks/cancel}). A cancelled call's result is not sent; long-running code should check this and stop
     * early. The thread is also interrupted.
     */
    boolean isCancelled();

    /**
     * Continues the call as a task, for a tool built with {@link Tool.Builder#startTaskInHandler()}: the request is
     * answered with a new task, and the handler runs again from the start as that task, receiving the answers
     * given so far; there this call returns at once. Does nothing when the call cannot be a task (the tool does not
     * support tasks, the client does not declare the extension, an older revision) or already is one: the handler
     * simply goes on. As with questions, let the exception that ends the request pass.
     */
    default void runAsTask() {
    }

    /**
     * Questions to the client, asked together by {@link #await()}. Keys are unique within the call: a key asked
     * twice in one call (the unkeyed questions included) is refused with {@link IllegalArgumentException}.
     */
    interface Inputs {

        /** Asks the user to fill in a form ({@code elicitation/create}, form mode). */
        Inputs elicit(String key, String message, Map<String, Object> requestedSchema);

        /** Asks the client's model for a completion ({@code sampling/createMessage}). */
        Inputs sample(String key, McpSchema.CreateMessageRequest request);

        /** Asks the client for its roots ({@code roots/list}). */
        Inputs listRoots(String key);

        /** Asks every question added and returns the answers; the questions are spent. */
        Answers await();
    }

    /** The answers to {@link Inputs}, by key. */
    interface Answers {

        /** The answer to the form asked under {@code key}. */
        McpSchema.ElicitResult elicitation(String key);

        /** The model's answer asked under {@code key}. */
        McpSchema.CreateMessageResult sampling(String key);

        /** The roots asked under {@code key}. */
        McpSchema.ListRootsResult roots(String key);
    }

    /** Log levels as MCP defines them, sent to the client as {@code notifications/message}. */
    interface Log {

        /** Sends a message at {@code level}, with optional structured {@code data} (may be null). */
        void log(McpSchema.LoggingLevel level, String message, Object data);

        /** Debug-level message. */
        default void debug(String message) {
            log(McpSchema.LoggingLevel.DEBUG, message, null);
        }

        /** Info-level message. */
        default void info(String message) {
            log(McpSchema.LoggingLevel.INFO, message, null);
        }

        /** Info-level message with structured data. */
        default void info(String message, Object data) {
            log(McpSchema.LoggingLevel.INFO, message, data);
        }

        /** Warning-level message. */
        default void warn(String message) {
            log(McpSchema.LoggingLevel.WARNING, message, null);
        }

        /** Error-level message. */
        default void error(String message) {
            log(McpSchema.LoggingLevel.ERROR, message, null);
        }

        /** Error-level message with structured data. */
        default void error(String message, Object data) {
            log(McpSchema.LoggingLevel.ERROR, message, data);
        }
    }
}
