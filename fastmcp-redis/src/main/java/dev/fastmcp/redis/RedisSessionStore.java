package dev.fastmcp.redis;

import dev.fastmcp.SessionStore;
import java.time.Duration;
import java.util.Objects;

/**
 * The MCP sessions of a deployment (2025 protocol revisions, with {@code Mcp-Session-Id}) kept in the Redis of its
 * {@link RedisTokenStorage}, so that any instance serves any session:
 *
 * <pre>{@code
 * RedisTokenStorage redis = RedisTokenStorage.builder(System.getenv("REDIS_URL")).build();
 * FastMCP.builder("notes", "1.0.0")
 *         .auth(OAuthProxy.builder(upstream).keysAndStorage(k -> k.tokenStorage(redis)).build())
 *         .sessions(s -> s.store(RedisSessionStore.on(redis)))
 * }</pre>
 *
 * <p>Each request of a session reads it through the storage's instance cache ({@code getCached}), which drops it as
 * soon as any instance deletes it. Session ids are not stored in clear: the key is a SHA-256 of the id.
 */
public final class RedisSessionStore implements SessionStore {

    /** The topic of the client messages forwarded between instances. */
    private static final String TOPIC = "sessions";

    private final RedisTokenStorage storage;

    private RedisSessionStore(RedisTokenStorage storage) {
        this.storage = storage;
    }

    /** Sessions kept in {@code storage}'s Redis, under its key prefix. */
    public static RedisSessionStore on(RedisTokenStorage storage) {
        return new RedisSessionStore(Objects.requireNonNull(storage, "storage == null"));
    }

    @Override
    public void save(SharedSession session, Duration ttl) {
        storage.save(key(session.id()), session, Math.max(1, ttl.toSeconds()));
    }

    @Override
    public SharedSession find(String id) {
        return storage.getCached(key(id), SharedSession.class);
    }

    @Override
    public void delete(String id) {
        storage.delete(key(id));
    }

    /** To every instance through Redis: the one whose session sent the request takes it. */
    @Override
    public void forward(String sessionId, String message) {
        storage.broadcast(TOPIC, sessionId + "\n" + message);
    }

    @Override
    public void onForwarded(java.util.function.BiConsumer<String, String> receiver) {
        storage.onBroadcast(TOPIC, message -> {
            int newline = message.indexOf('\n');
            if (newline > 0) {
                receiver.accept(message.substring(0, newline), message.substring(newline + 1));
            }
        });
    }

    private static String key(String id) {
        return Keys.of("mcp-session", id);
    }
}
