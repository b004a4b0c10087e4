package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.storage.TokenStorage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bound on sign-ins stored but not finished: transactions waiting for consent, and upstream transactions
 * waiting for the identity provider to send the browser back. When a new one would pass {@code max}, the oldest
 * are deleted from the storage.
 *
 * <p><b>Why oldest-first, and not a share per client.</b> A client's {@code client_id} and redirect URI are public,
 * so anyone can start sign-ins for it; a cap per client lets a flood from many addresses, each under its own rate
 * limit, spend that client's allowance and refuse its real users for as long as the flood goes on. Here no one is
 * ever refused: a new sign-in always gets stored, and a flood evicts first the oldest entries, which during a flood
 * are the flood's own. What a flood costs a real user is time: an unfinished sign-in older than the last
 * {@code max} started is gone (the consent page, or the callback, says the sign-in expired; starting again works).
 * Sign-ins are started at most at the per-address rate ({@code authorizationRateLimit}, 60 per minute by
 * default), so with the default bound of 10,000 and a transaction TTL of 10 minutes, eviction starts only when
 * more than 1,000 sign-ins a minute are started (17 addresses at full rate); a flood from {@code A} addresses
 * then wraps the bound in 10,000 / (60·A) minutes: 100 seconds for 100 addresses, 10 seconds for 1,000.
 *
 * <p><b>Per instance.</b> The index is in this process; entries live in the (possibly shared) storage with their
 * TTL. Each instance bounds the sign-ins it stored, so a shared storage holds at most {@code max} per instance.
 * A sign-in finished on another instance stays in this index, taking one place, until it is evicted (deleting a
 * key that is already gone) or its TTL passes. Only the storage key (a keyed hash) is kept, never the secret
 * value it stands for. Thread-safe.
 */
final class PendingSignIns {

    static final int DEFAULT_MAX = 10_000;

    private final int max;
    private final long ttlMillis;
    private final TokenStorage storage;
    private final Clock clock;
    /** Storage key to the time it was stored, oldest first: all entries share one TTL, so also expiry order. */
    private final LinkedHashMap<String, Long> stored = new LinkedHashMap<>();

    PendingSignIns(int max, Duration ttl, TokenStorage storage, Clock clock) {
        if (max < 1) {
            throw new IllegalArgumentException("max must be at least 1, was " + max);
        }
        this.max = max;
        this.ttlMillis = ttl.toMillis();
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Records a sign-in just saved under {@code storageKey}; deletes the oldest ones beyond the bound. */
    void stored(String storageKey) {
        List<String> evicted = new ArrayList<>();
        synchronized (this) {
            long now = clock.millis();
            Iterator<Map.Entry<String, Long>> oldest = stored.entrySet().iterator();
            while (oldest.hasNext()) {
                Map.Entry<String, Long> e = oldest.next();
                if (now - e.getValue() < ttlMillis && stored.size() < max) {
                    break;
                }
                oldest.remove();
                if (now - e.getValue() < ttlMillis) {
                    evicted.add(e.getKey());
                }
            }
            stored.put(storageKey, now);
        }
        // outside the lock: a storage may be slow (disk, network)
        for (String key : evicted) {
            storage.delete(key);
        }
    }

    /** Forgets a sign-in whose entry was taken from the storage (used, or refused). */
    synchronized void ended(String storageKey) {
        stored.remove(storageKey);
    }

    /** How many sign-ins are counted now (expired ones included until the next {@link #stored}). */
    synchronized int size() {
        return stored.size();
    }
}
