package dev.fastmcp.auth.storage;

/**
 * Key-value storage with expiry for OAuth state: transactions, authorization codes, client registrations and
 * the mapping from the tokens we issue to the upstream tokens. Every piece of state that must survive one HTTP
 * request lives here, so two server instances sharing one storage can finish each other's flows.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Keys</b> are non-empty strings of at most {@value #MAX_KEY_LENGTH} characters. Callers store secrets
 *       under a keyed hash of their value, never as a clear key; implementations still treat keys as
 *       sensitive and keep them out of file names and log messages.</li>
 *   <li><b>Values</b> are JSON-compatible: records, maps, lists, strings, numbers and booleans, never
 *       {@code null}. They are stored as JSON, so {@link #get} returns a copy: mutating a saved object or a
 *       returned one never changes the stored value. A value is read back with the type the caller names; a
 *       type that the stored JSON does not fit is an {@link IllegalArgumentException}.</li>
 *   <li><b>Every entry expires.</b> {@code ttlSeconds} must be positive; there are no eternal secrets. An
 *       expired entry is absent for every operation from the instant it expires, whether or not
 *       {@link #cleanup()} has removed it yet.</li>
 *   <li><b>Atomicity.</b> {@link #saveIfAbsent}, {@link #replace} and {@link #take} are atomic with respect to
 *       every other operation on the same storage, including operations of other server instances sharing it.
 *       They are what makes authorization codes single-use, and each refresh of a grant happen exactly once,
 *       across instances.</li>
 *   <li><b>Thread safety.</b> Implementations are safe for concurrent use. Operations on a closed storage throw
 *       {@link IllegalStateException}.</li>
 * </ul>
 *
 * <h2>Implementing it</h2>
 * <p>A shared implementation must provide the two atomic operations natively, not as a read followed by a write.
 * With Redis, for example: {@code save} is {@code SET key value PX ms}; {@code saveIfAbsent} is
 * {@code SET key value NX PX ms} (Redis itself treats an expired key as absent); {@code take} is {@code GETDEL}
 * (Redis 6.2+, or a Lua script doing {@code GET} then {@code DEL}); {@code replace} is a Lua script that
 * {@code GET}s the key, compares the JSON it holds with the expected value's and, when they are equal, does
 * {@code SET key value PX ms} (values written in the canonical form of {@link StorageJson#canonical}, members
 * sorted, so that equal values have equal texts and comparing the texts is enough); {@code delete} is
 * {@code DEL};
 * {@code cleanup} may return 0 because Redis expires keys itself. A SQL table would use
 * {@code INSERT ... ON CONFLICT} with an expiry condition, {@code UPDATE ... WHERE value = ?} and
 * {@code DELETE ... RETURNING}. {@code RedisTokenStorage} (module fastmcp-redis) is such a storage.
 *
 * @see MemoryTokenStorage
 * @see DiskStore
 * @see EncryptedTokenStorage
 */
public interface TokenStorage extends AutoCloseable {

    /** The longest key accepted, in characters. */
    int MAX_KEY_LENGTH = 512;

    /**
     * Stores {@code value} under {@code key}, replacing any previous value, for {@code ttlSeconds} seconds.
     *
     * @throws IllegalArgumentException if the key is empty or too long, {@code ttlSeconds <= 0}, or the value
     *                                  cannot be written as JSON
     * @throws NullPointerException     if the key or the value is {@code null}
     */
    void save(String key, Object value, long ttlSeconds);

    /**
     * Stores {@code value} under {@code key} only if the key holds no live entry (an expired entry counts as
     * absent), as one atomic step: of several concurrent callers for one key, exactly one gets {@code true}.
     *
     * @return {@code true} if this call wrote the value, {@code false} if a live entry was already there (it is
     *         left unchanged)
     * @throws IllegalArgumentException as for {@link #save}
     */
    boolean saveIfAbsent(String key, Object value, long ttlSeconds);

    /**
     * Replaces the value under {@code key} with {@code value}, for {@code ttlSeconds} seconds, only if the key holds
     * a live entry equal to {@code expected}, as one atomic step (compare-and-set): of several concurrent callers
     * expecting the same value, exactly one gets {@code true}, and a key deleted or taken meanwhile is never written
     * back. Values are equal when their JSON forms are (the same members with equal values; member order and
     * whitespace do not matter), so {@code expected} is best the value {@link #get} returned, read with the type it
     * was saved as. This is how a grant's refresh moves to its next generation exactly once across instances, and
     * never brings back a grant revoked meanwhile.
     *
     * @return {@code true} if this call wrote the value; {@code false} if the key was absent, had expired or held
     *         another value (it is left unchanged)
     * @throws IllegalArgumentException as for {@link #save}, or if {@code expected} cannot be written as JSON
     * @throws NullPointerException     if the key, {@code expected} or the value is {@code null}
     */
    boolean replace(String key, Object expected, Object value, long ttlSeconds);

    /**
     * Reads the value under {@code key} as {@code type}.
     *
     * @return a fresh copy of the value, or {@code null} if the key is absent or its entry has expired
     * @throws IllegalArgumentException if the stored JSON cannot be read as {@code type}
     */
    <T> T get(String key, Class<T> type);

    /**
     * {@link #get}, for reads repeated on every request (the check of an access token), which a storage shared by
     * several instances may answer from a copy kept on this instance, dropped as soon as any instance changes the
     * key: a change made elsewhere may be seen a few milliseconds late. Never use it for a read that an atomic step
     * ({@link #saveIfAbsent}, {@link #replace}, {@link #take}) or a security decision on its outcome depends on.
     * The default reads as {@link #get} does.
     */
    default <T> T getCached(String key, Class<T> type) {
        return get(key, type);
    }

    /**
     * Removes the entry under {@code key}.
     *
     * @return {@code true} if a live entry was removed, {@code false} if there was none (or it had expired)
     */
    boolean delete(String key);

    /**
     * Reads and removes the value under {@code key} as one atomic step: of several concurrent callers for one
     * key, exactly one gets the value and the others get {@code null}. This is how single-use values (codes,
     * transactions) are consumed. The entry is removed even if it then cannot be read as {@code type}.
     *
     * @return the value, or {@code null} if the key is absent or its entry has expired
     * @throws IllegalArgumentException if the stored JSON cannot be read as {@code type}
     */
    <T> T take(String key, Class<T> type);

    /**
     * Removes expired entries now. Implementations also run this periodically; callers never need it for
     * correctness, only to reclaim space.
     *
     * @return the number of expired entries removed by this call
     */
    int cleanup();

    /** The number of live (not expired) entries. It may be costly for persistent storage; use it for monitoring. */
    int size();

    /**
     * Whether other server instances may use this storage at the same time (a directory they share, a Redis). The
     * OAuth proxy then also keeps in it what must agree across instances beyond its state: its rate limits. Default
     * false; a storage only this process can reach keeps it so.
     */
    default boolean sharedAcrossInstances() {
        return false;
    }

    /** Stops background work and releases resources. Persistent storage keeps its entries. Idempotent. */
    @Override
    void close();
}
