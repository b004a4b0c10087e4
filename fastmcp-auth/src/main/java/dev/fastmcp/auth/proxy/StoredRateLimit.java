package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.internal.ImmutableValue;
import java.time.Clock;
import java.time.Duration;

/**
 * A per-address rate limit whose buckets live in the proxy's storage, for instances sharing it: a client address
 * gets the same budget however the load balancer spreads its requests. Each bucket holds {@code perWindow} tokens
 * refilling evenly over {@code window}, as {@link RegistrationLimiter} does on one instance (which stays in front of
 * this one, bounding what a flood of addresses can make this one store). A take is a compare-and-set of the stored
 * bucket ({@code TokenStorage.replace}), so that concurrent requests at several instances never spend one token
 * twice; a bucket fought over past a few attempts is a flood, and refused.
 */
final class StoredRateLimit {

    /** A stored bucket: tokens left, and when they were counted. */
    record Bucket(double tokens, long updatedMillis) implements ImmutableValue {
    }

    private static final int ATTEMPTS = 8;

    private final ProxyStore store;
    private final String kind;
    private final int perWindow;
    private final long windowMillis;
    private final Clock clock;

    StoredRateLimit(ProxyStore store, String name, int perWindow, Duration window, Clock clock) {
        this.store = store;
        this.kind = "rate-" + name;
        this.perWindow = perWindow;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Takes one token from the bucket of {@code address}; {@code false} means answer 429. */
    boolean tryAcquire(String address) {
        String id = RegistrationLimiter.key(address);
        long ttl = Math.max(1, (windowMillis + 999) / 1000); // a bucket untouched for a window is full: forgotten
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long now = clock.millis();
            Bucket stored = store.get(kind, id, Bucket.class);
            if (stored == null) {
                if (store.saveIfAbsent(kind, id, new Bucket(perWindow - 1, now), ttl)) {
                    return true;
                }
                continue;
            }
            double elapsed = Math.max(0, now - stored.updatedMillis());
            double tokens = Math.min(perWindow, stored.tokens() + elapsed * perWindow / windowMillis);
            if (tokens < 1) {
                return false;
            }
            if (store.replace(kind, id, stored, new Bucket(tokens - 1, Math.max(now, stored.updatedMillis())), ttl)) {
                return true;
            }
        }
        return false;
    }
}
