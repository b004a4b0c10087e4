package dev.fastmcp;

import java.time.Duration;
import java.util.Map;

/**
 * Where the MCP sessions of the 2025 protocol revisions (those with an {@code Mcp-Session-Id}) are known to every
 * instance of a deployment, so that a request reaching another instance than the one that created its session is
 * served there, not answered 404. What is kept is what a session is beyond its streams: who it belongs to, the
 * protocol version and capabilities it was initialized with, and its log level. Streams stay where they are: a
 * stream opened at one instance is read there, and resuming it ({@code Last-Event-ID}) at another opens a new one.
 *
 * <pre>{@code
 * FastMCP.builder("notes", "1.0.0").sessions(s -> s.store(RedisSessionStore.on(redisTokenStorage)))
 * }</pre>
 *
 * <p>Implementations are thread-safe; {@link #find} is called on every request of a session that an instance did not
 * create, and may be answered from a copy on the instance that is dropped when any instance changes or deletes the
 * session.
 */
public interface SessionStore {

    /**
     * A session as every instance knows it.
     *
     * @param id              the {@code Mcp-Session-Id}
     * @param subject         who it belongs to (the authenticated subject); null without authentication
     * @param clientId        the OAuth client it came through; null when unknown
     * @param protocolVersion the negotiated protocol version
     * @param initialize      the params of its {@code initialize} request (capabilities, client info), as JSON values
     * @param logLevel        the level set by {@code logging/setLevel}; null when never set
     */
    record SharedSession(String id, String subject, String clientId, String protocolVersion,
            Map<String, Object> initialize, String logLevel) {
    }

    /** Stores or replaces {@code session}, forgotten after {@code ttl} unless stored again. */
    void save(SharedSession session, Duration ttl);

    /** The session of {@code id}; null when unknown or expired. */
    SharedSession find(String id);

    /**
     * Counts a new session against the shares of its subject and of its client at every instance together, once
     * it is {@link #save saved}: the oldest sessions of the subject beyond {@code perSubject}, and of the client
     * beyond {@code perClient}, are deleted, and end at every instance. Which of them is busy at another instance
     * is not known here, so the oldest go, busy or not. Default: nothing counted; each instance keeps the shares
     * among the sessions it holds, and the store holds what they hold together.
     *
     * @return the ids of the sessions deleted
     */
    default java.util.List<String> admit(SharedSession session, int perSubject, int perClient) {
        return java.util.List.of();
    }

    /** Forgets the session of {@code id} (the client deleted it): no instance serves it any more. */
    void delete(String id);

    /**
     * Sends a message of the client to the other instances: its answer to a request that another instance sent it
     * (an elicitation, a sampling request) and that is waiting there. Default: sent nowhere, so such answers must
     * reach the instance that asked (routing by {@code Mcp-Session-Id}).
     *
     * @param sessionId the session the message belongs to
     * @param message   the JSON-RPC response, as JSON text
     */
    default void forward(String sessionId, String message) {
    }

    /**
     * Receives what the other instances {@link #forward}: {@code receiver} is called with the session id and the
     * message, on a thread of the store. Called once, when the server starts. Default: nothing is received.
     */
    default void onForwarded(java.util.function.BiConsumer<String, String> receiver) {
    }
}
