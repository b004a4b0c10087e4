package dev.fastmcp.auth.proxy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A per-address token bucket, used for the rate limit of dynamic client registration and (with other settings) of
 * starting sign-ins at {@code /oauth/authorize}. For registration: each client address gets a token bucket of
 * {@code registrationsPerWindow} registrations that refills evenly over {@code window} (by default 10 per minute),
 * so a flood of registrations cannot fill the storage while a client that registers now and then never notices.
 *
 * <p>Addresses are grouped before counting: an IPv6 address counts by its /64 network (one host usually owns a whole
 * /64, so counting single IPv6 addresses would be no limit at all), an IPv4 address by itself, and any other text
 * (an unknown or missing address) as it is, with {@code null} and blank sharing one bucket.
 *
 * <p>Memory is bounded. A bucket that has refilled completely is forgotten, since it holds nothing a fresh bucket
 * would not; such idle buckets are swept once per window, and right away when {@code maxTrackedAddresses} is
 * reached. When the table is still full of active addresses, new addresses are refused until some go idle: during
 * a flood from that many addresses, registration from new addresses fails closed rather than growing without
 * bound or letting the flood reset the buckets of active addresses. Concurrent callers may overshoot the cap by at
 * most their number.
 *
 * <p>Thread-safe; each address is updated atomically.
 */
final class RegistrationLimiter {

    static final int DEFAULT_REGISTRATIONS_PER_WINDOW = 10;
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    static final int DEFAULT_MAX_TRACKED_ADDRESSES = 10_000;

    /** The least time between two sweeps forced by a full table, so a flood cannot make every call a full scan. */
    private static final long MIN_FORCED_SWEEP_INTERVAL_MILLIS = 1_000;

    private final int capacity;
    private final long windowMillis;
    private final int maxTrackedAddresses;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final AtomicLong lastSweep;

    /** 10 registrations per minute per address, at most 10,000 addresses tracked, on the system clock. */
    RegistrationLimiter() {
        this(DEFAULT_REGISTRATIONS_PER_WINDOW, DEFAULT_WINDOW, DEFAULT_MAX_TRACKED_ADDRESSES, Clock.systemUTC());
    }

    RegistrationLimiter(int registrationsPerWindow, Duration window, int maxTrackedAddresses, Clock clock) {
        if (registrationsPerWindow <= 0) {
            throw new IllegalArgumentException("registrationsPerWindow must be positive; got "
                    + registrationsPerWindow + ". The default is " + DEFAULT_REGISTRATIONS_PER_WINDOW);
        }
        Objects.requireNonNull(window, "window must not be null");
        if (window.isNegative() || window.toMillis() <= 0) {
            throw new IllegalArgumentException("window must be at least one millisecond; got " + window
                    + ". The default is " + DEFAULT_WINDOW);
        }
        if (maxTrackedAddresses <= 0) {
            throw new IllegalArgumentException("maxTrackedAddresses must be positive; got " + maxTrackedAddresses
                    + ". The default is " + DEFAULT_MAX_TRACKED_ADDRESSES);
        }
        this.capacity = registrationsPerWindow;
        this.windowMillis = window.toMillis();
        this.maxTrackedAddresses = maxTrackedAddresses;
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.lastSweep = new AtomicLong(clock.millis());
    }

    /** Takes one registration from the bucket of {@code address}; {@code false} means answer 429. */
    boolean tryAcquire(String address) {
        String key = key(address);
        long now = clock.millis();
        long last = lastSweep.get();
        if (now - last >= windowMillis && lastSweep.compareAndSet(last, now)) {
            sweep(now);
        }
        if (!buckets.containsKey(key) && buckets.size() >= maxTrackedAddresses) {
            if (now - last >= MIN_FORCED_SWEEP_INTERVAL_MILLIS && lastSweep.compareAndSet(last, now)) {
                sweep(now);
            }
            if (buckets.size() >= maxTrackedAddresses) {
                return false;
            }
        }
        boolean[] granted = new boolean[1];
        buckets.compute(key, (k, bucket) -> {
            Bucket b = bucket == null ? new Bucket(capacity, now) : bucket;
            b.refill(now, capacity, windowMillis);
            if (b.tokens >= 1) {
                b.tokens -= 1;
                granted[0] = true;
            }
            return b;
        });
        return granted[0];
    }

    /** How many addresses are tracked now (for tests and metrics). */
    int trackedAddresses() {
        return buckets.size();
    }

    private void sweep(long now) {
        for (String key : buckets.keySet()) {
            buckets.computeIfPresent(key, (k, b) -> {
                b.refill(now, capacity, windowMillis);
                return b.tokens >= capacity ? null : b;
            });
        }
    }

    /** The bucket an address counts against: IPv6 by /64, everything else as given. */
    static String key(String address) {
        if (address == null || address.isBlank()) {
            return "unknown";
        }
        String a = address.trim().toLowerCase(Locale.ROOT);
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        int zone = a.indexOf('%');
        if (zone >= 0) {
            a = a.substring(0, zone);
        }
        // Only a text made of hex digits, colons and dots with a colon is handed to InetAddress: it is then parsed
        // as an IPv6 literal and never looked up in DNS.
        if (a.indexOf(':') >= 0 && a.length() <= 45 && a.matches("[0-9a-f:.]+")) {
            try {
                InetAddress parsed = InetAddress.getByName(a);
                if (parsed instanceof Inet6Address) {
                    byte[] b = parsed.getAddress();
                    StringBuilder prefix = new StringBuilder("v6:");
                    for (int i = 0; i < 8; i += 2) {
                        prefix.append(Integer.toHexString(((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF))).append(':');
                    }
                    return prefix.append(":/64").toString();
                }
                return parsed.getHostAddress();
            } catch (UnknownHostException e) {
                return a;
            }
        }
        return a;
    }

    /** A token bucket; only read and written inside the map's atomic compute for its key. */
    private static final class Bucket {

        private double tokens;
        private long updated;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.updated = now;
        }

        void refill(long now, int capacity, long windowMillis) {
            long elapsed = now - updated;
            if (elapsed > 0) {
                tokens = Math.min(capacity, tokens + (double) elapsed * capacity / windowMillis);
                updated = now;
            }
        }
    }
}
