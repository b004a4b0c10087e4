package dev.fastmcp.auth.proxy;

import java.time.Clock;

/**
 * A rate limit per client address, per minute: the instance's own token buckets ({@link RegistrationLimiter},
 * bounded in memory) and, when the proxy's storage is shared by several instances, the buckets stored there
 * ({@link StoredRateLimit}), so that a client gets one budget however the load balancer spreads its requests.
 */
final class AddressLimit {

    private final RegistrationLimiter local;
    private final StoredRateLimit shared;

    private AddressLimit(RegistrationLimiter local, StoredRateLimit shared) {
        this.local = local;
        this.shared = shared;
    }

    /** The limit named {@code name} (one budget per name), or null when {@code perMinute} is 0 (off). */
    static AddressLimit perMinute(ProxyContext ctx, String name, int perMinute, Clock clock) {
        if (perMinute == 0) {
            return null;
        }
        RegistrationLimiter local = new RegistrationLimiter(perMinute, RegistrationLimiter.DEFAULT_WINDOW,
                RegistrationLimiter.DEFAULT_MAX_TRACKED_ADDRESSES, clock);
        StoredRateLimit shared = ctx.store.storage().sharedAcrossInstances()
                ? new StoredRateLimit(ctx.store, name, perMinute, RegistrationLimiter.DEFAULT_WINDOW, clock) : null;
        return new AddressLimit(local, shared);
    }

    /** Takes one request of {@code address}; {@code false} means answer 429. */
    boolean tryAcquire(String address) {
        return local.tryAcquire(address) && (shared == null || shared.tryAcquire(address));
    }
}
