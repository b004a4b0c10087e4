package dev.fastmcp.transport;

import dev.fastmcp.SessionStore;
import dev.fastmcp.server.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of this instance as every instance of the deployment knows them, through a {@link SessionStore}: a
 * session is stored when it is created, stored again when its log level changes and, while it is used, before it
 * would expire there; a request for a session that another instance created makes it here from what was stored.
 */
final class SharedSessions {

    private static final Logger LOG = LoggerFactory.getLogger(SharedSessions.class);

    private final SessionStore store;
    private final Duration ttl;
    private final long refreshNanos;
    private final int perSubject;
    private final int perClient;

    /**
     * @param idleTimeout how long an unused session lives: its lifetime in the store
     * @param perSubject  the sessions one subject may hold at all instances together
     * @param perClient   the sessions one OAuth client may hold at all instances together
     */
    SharedSessions(SessionStore store, Duration idleTimeout, int perSubject, int perClient) {
        this.store = store;
        this.ttl = idleTimeout;
        this.refreshNanos = idleTimeout.toNanos() / 4;
        this.perSubject = perSubject;
        this.perClient = perClient;
    }

    /**
     * A session was initialized here: stored, and counted against its subject's and client's shares.
     *
     * @return the ids of the sessions it ended, beyond those shares, at every instance
     */
    List<String> created(SessionEntry entry, String protocolVersion, Object initializeParams) {
        Map<String, Object> init = Json.MAPPER.convertValue(initializeParams,
                new io.modelcontextprotocol.json.TypeRef<Map<String, Object>>() { });
        SessionStore.SharedSession session = new SessionStore.SharedSession(entry.id(), entry.subject,
                entry.clientId, protocolVersion, init, null);
        save(entry, session);
        List<String> ended = store.admit(session, perSubject, perClient);
        if (!ended.isEmpty()) {
            LOG.debug("{} sessions ended: their owner opened sessions beyond its share", ended.size());
        }
        return ended;
    }

    /** {@code logging/setLevel} arrived for the session: every instance filters its log messages the same way. */
    void levelSet(SessionEntry entry, Object params) {
        SessionStore.SharedSession known = entry.shared;
        Object level = params instanceof Map<?, ?> m ? m.get("level") : null;
        if (known != null && level instanceof String l) {
            save(entry, new SessionStore.SharedSession(known.id(), known.subject(), known.clientId(),
                    known.protocolVersion(), known.initialize(), l));
        }
    }

    /** A request of the session: stored again when a quarter of its lifetime in the store has passed. */
    void touched(SessionEntry entry) {
        SessionStore.SharedSession known = entry.shared;
        if (known != null && System.nanoTime() - entry.sharedAtNanos > refreshNanos) {
            save(entry, known);
        }
    }

    /** The client deleted the session. */
    void deleted(String id) {
        store.delete(id);
    }

    SessionStore.SharedSession find(String id) {
        return store.find(id);
    }

    /** The client's answer to a request another instance sent it: to that instance. */
    void forward(String sessionId, McpSchema.JSONRPCResponse response) {
        send(sessionId, Json.string(response), "A client's answer");
    }

    /** What the server sends the session outside any request, for the instance holding its GET stream. */
    void toStream(String sessionId, String message) {
        send(sessionId, message, "A message for the session's stream");
    }

    private void send(String sessionId, String message, String what) {
        try {
            store.forward(sessionId, message);
        } catch (RuntimeException e) {
            LOG.debug("{} could not be sent to the other instances: {}", what, e.toString());
        }
    }

    /**
     * What other instances send: the client's answers go to {@code answers}, as responses of their sessions, and
     * the messages for a session's GET stream to {@code streams}, as JSON.
     */
    void onForwarded(java.util.function.BiConsumer<String, McpSchema.JSONRPCResponse> answers,
            java.util.function.BiConsumer<String, String> streams) {
        store.onForwarded((sessionId, message) -> {
            McpSchema.JSONRPCMessage parsed;
            try {
                parsed = Json.parseMessage(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                LOG.debug("A forwarded message was not JSON-RPC: {}", e.getClass().getSimpleName());
                return;
            }
            if (parsed instanceof McpSchema.JSONRPCResponse response) {
                answers.accept(sessionId, response);
            } else {
                streams.accept(sessionId, message);
            }
        });
    }

    /** Gives a session made here from {@code known} its log level, and remembers what is stored. */
    static void apply(SessionStore.SharedSession known, SessionEntry entry) {
        entry.shared = known;
        entry.sharedAtNanos = System.nanoTime();
        if (known.logLevel() != null) {
            try {
                entry.sdk.setMinLoggingLevel(Json.MAPPER.convertValue(known.logLevel(), McpSchema.LoggingLevel.class));
            } catch (RuntimeException e) {
                LOG.debug("Stored log level {} of a session not understood; left at the default",
                        dev.fastmcp.server.LogValues.safe(known.logLevel()));
            }
        }
    }

    private void save(SessionEntry entry, SessionStore.SharedSession session) {
        entry.shared = session;
        entry.sharedAtNanos = System.nanoTime();
        store.save(session, ttl);
    }
}
