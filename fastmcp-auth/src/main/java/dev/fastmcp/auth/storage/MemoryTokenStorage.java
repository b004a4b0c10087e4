package dev.fastmcp.auth.storage;

import dev.fastmcp.auth.internal.ImmutableValue;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link TokenStorage} in the memory of this process: for development, tests and single-instance servers whose
 * OAuth state may be lost at restart (clients then log in again).
 *
 * <p>Values are kept as JSON bytes, so saved and returned objects are never shared. {@link #take},
 * {@link #saveIfAbsent} and {@link #replace} are atomic through the map's own atomic operations. Expired entries
 * are never returned and are removed by a sweep on a daemon thread every {@code cleanupIntervalMs} (one minute by
 * default), which {@link #close()} stops.
 */
public final class MemoryTokenStorage implements TokenStorage {

    /** The default period of the expired-entry sweep: one minute. */
    public static final long DEFAULT_CLEANUP_INTERVAL_MS = 60_000;

    private static final class Entry {
        final byte[] json;
        final long expiresAtMillis;
        /**
         * The value decoded from {@code json} by the first read, kept only when it is immutable (a string or
         * an {@link ImmutableValue} record): then every read of these same bytes can share it. Racy by
         * design: two first reads may both decode, and either result is right.
         */
        private volatile Decoded decoded;

        Entry(byte[] json, long expiresAtMillis) {
            this.json = json;
            this.expiresAtMillis = expiresAtMillis;
        }

        boolean expiredAt(long nowMillis) {
            return nowMillis >= expiresAtMillis;
        }

        <T> T value(Class<T> type) {
            Decoded d = decoded;
            if (d != null && d.type == type) {
                return type.cast(d.value);
            }
            T value = StorageValues.fromJson(json, type);
            if (value instanceof String || value instanceof ImmutableValue) {
                decoded = new Decoded(type, value);
            }
            return value;
        }
    }

    /** A value decoded as {@code type} (the same bytes read as another type can decode differently). */
    private record Decoded(Class<?> type, Object value) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final StorageSweeper sweeper;
    private volatile boolean closed;

    /** A storage swept for expired entries every minute. */
    public MemoryTokenStorage() {
        this(DEFAULT_CLEANUP_INTERVAL_MS);
    }

    /**
     * A storage swept for expired entries every {@code cleanupIntervalMs} milliseconds.
     *
     * @param cleanupIntervalMs the sweep period; 0 turns the sweep off (expired entries are still never returned)
     * @throws IllegalArgumentException if {@code cleanupIntervalMs} is negative
     */
    public MemoryTokenStorage(long cleanupIntervalMs) {
        this(cleanupIntervalMs, Clock.systemUTC());
    }

    /**
     * A storage swept every {@code cleanupIntervalMs} milliseconds that reads the time from {@code clock}, so a
     * test can move time to expire entries.
     *
     * @param cleanupIntervalMs the sweep period; 0 turns the sweep off (expired entries are still never returned)
     * @param clock             the time entries expire by
     * @throws IllegalArgumentException if {@code cleanupIntervalMs} is negative
     */
    public MemoryTokenStorage(long cleanupIntervalMs, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sweeper = new StorageSweeper("memory-token-storage", cleanupIntervalMs, this::cleanup);
    }

    @Override
    public void save(String key, Object value, long ttlSeconds) {
        StorageValues.checkWrite(key, value, ttlSeconds);
        Entry entry = entry(value, ttlSeconds);
        checkOpen();
        entries.put(key, entry);
    }

    @Override
    public boolean saveIfAbsent(String key, Object value, long ttlSeconds) {
        StorageValues.checkWrite(key, value, ttlSeconds);
        Entry entry = entry(value, ttlSeconds);
        checkOpen();
        boolean[] wrote = {false};
        entries.compute(key, (k, existing) -> {
            if (existing != null && !existing.expiredAt(clock.millis())) {
                return existing;
            }
            wrote[0] = true;
            return entry;
        });
        return wrote[0];
    }

    @Override
    public boolean replace(String key, Object expected, Object value, long ttlSeconds) {
        StorageValues.checkReplace(key, expected, value, ttlSeconds);
        Entry entry = entry(value, ttlSeconds);
        checkOpen();
        boolean[] wrote = {false};
        entries.computeIfPresent(key, (k, existing) -> {
            if (existing.expiredAt(clock.millis()) || !StorageValues.sameJson(existing.json, expected)) {
                return existing;
            }
            wrote[0] = true;
            return entry;
        });
        return wrote[0];
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        StorageValues.checkKey(key);
        Objects.requireNonNull(type, "type");
        checkOpen();
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (entry.expiredAt(clock.millis())) {
            entries.remove(key, entry); // only this expired entry, never a newer one saved meanwhile
            return null;
        }
        return entry.value(type);
    }

    @Override
    public boolean delete(String key) {
        StorageValues.checkKey(key);
        checkOpen();
        Entry removed = entries.remove(key);
        return removed != null && !removed.expiredAt(clock.millis());
    }

    @Override
    public <T> T take(String key, Class<T> type) {
        StorageValues.checkKey(key);
        Objects.requireNonNull(type, "type");
        checkOpen();
        Entry removed = entries.remove(key); // atomic: of concurrent callers only one gets the entry
        if (removed == null || removed.expiredAt(clock.millis())) {
            return null;
        }
        return removed.value(type);
    }

    @Override
    public int cleanup() {
        checkOpen();
        long now = clock.millis();
        int removed = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue().expiredAt(now) && entries.remove(e.getKey(), e.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    @Override
    public int size() {
        checkOpen();
        long now = clock.millis();
        return (int) entries.values().stream().filter(e -> !e.expiredAt(now)).count();
    }

    /** The number of entries held, expired ones not yet removed included. */
    int heldEntries() {
        return entries.size();
    }

    /** Stops the sweep and drops every entry. Idempotent. */
    @Override
    public void close() {
        closed = true;
        sweeper.close();
        entries.clear();
    }

    @Override
    public String toString() {
        return "MemoryTokenStorage[" + entries.size() + " entries" + (closed ? ", closed]" : "]");
    }

    private Entry entry(Object value, long ttlSeconds) {
        return new Entry(StorageValues.toJson(value), StorageValues.expiresAt(clock.millis(), ttlSeconds));
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("This MemoryTokenStorage is closed; create a new one");
        }
    }
}
