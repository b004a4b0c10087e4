package dev.fastmcp.redis;

import dev.fastmcp.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * How long an entry of a subject's or client's index counts, at most: sessions live on while used, so entries
     * are dropped when their session is found gone, and this only bounds what an abandoned index keeps.
     */
    private static final Duration INDEX_LIFETIME = Duration.ofDays(7);

    private final RedisTokenStorage storage;
    private final OwnerIndex owners;

    private RedisSessionStore(RedisTokenStorage storage) {
        this.storage = storage;
        this.owners = new OwnerIndex(storage);
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

    /**
     * Each subject and each client has an index of its sessions in Redis, oldest first, changed compare-and-set:
     * instances initializing sessions of one subject at once never leave it more than its share.
     */
    @Override
    public List<String> admit(SharedSession session, int perSubject, int perClient) {
        List<String> ended = new ArrayList<>();
        OwnerIndex.Entry entry = new OwnerIndex.Entry(session.id(), System.currentTimeMillis()
                + INDEX_LIFETIME.toMillis());
        if (session.subject() != null) {
            ended.addAll(owners.add(Keys.of("mcp-session-subject", session.subject()), entry, perSubject,
                    this::state));
        }
        if (session.clientId() != null) {
            owners.add(Keys.of("mcp-session-client", session.clientId()), entry, perClient, this::state).stream()
                    .filter(id -> !ended.contains(id)).forEach(ended::add);
        }
        ended.forEach(this::delete);
        return ended;
    }

    /** Whether a session of an index still exists: the oldest existing ones make room for a new one. */
    private OwnerIndex.State state(String id) {
        return storage.get(key(id), SharedSession.class) == null ? OwnerIndex.State.GONE
                : OwnerIndex.State.EVICTABLE;
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
