package dev.fastmcp.auth.jwt;

import dev.fastmcp.TokenVerification;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Successful verifications of bearer tokens, by the SHA-256 of the token, until the token expires: a client sends
 * the same token with every request, and parsing and checking it again (JSON, base64url, the signature) is most of
 * what verification costs. Tokens themselves are never kept, only their hashes.
 *
 * <p>Only valid results with an expiry are kept, and each is used until the earlier of the token's {@code exp}
 * (without clock leeway: past it, the token goes through full verification again) and {@code maxAge} after it was
 * verified. What can change while a token lives, such as a revoked {@code jti} or a deleted upstream grant, is not
 * part of a verification: callers check it on every request, after this cache.
 *
 * <p>Bounded: when full, expired entries are dropped, and if that frees nothing, everything is (the next request of
 * each client verifies once more). Thread-safe.
 */
final class VerifiedTokenCache {

    /** Entries kept at most unless configured. */
    static final int DEFAULT_MAX_ENTRIES = 10_000;

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    });

    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final int maxEntries;
    private final long maxAgeMillis;
    private final Clock clock;

    /**
     * @param maxEntries how many verified tokens to keep at most
     * @param maxAge     how long one verification is trusted at most, even if the token lives longer
     * @param clock      the clock the verifier checks {@code exp} with
     */
    VerifiedTokenCache(int maxEntries, Duration maxAge, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
    }

    /** The cached verification of {@code token}, else {@code verifier}'s, kept when valid. */
    TokenVerification verify(String token, Function<String, TokenVerification> verifier) {
        if (token == null || token.length() > JWTChecker.MAX_TOKEN_CHARS) {
            return verifier.apply(token);
        }
        Key key = Key.of(token);
        long now = clock.millis();
        Entry hit = entries.get(key);
        if (hit != null) {
            if (now < hit.validUntilMillis) {
                return hit.verification;
            }
            entries.remove(key, hit);
        }
        TokenVerification verification = verifier.apply(token);
        Instant expiresAt = verification.isValid() ? verification.session().expiresAt() : null;
        if (expiresAt != null) {
            long until = Math.min(expiresAt.toEpochMilli(), now + maxAgeMillis);
            if (until > now) {
                if (entries.size() >= maxEntries) {
                    makeRoom(now);
                }
                entries.put(key, new Entry(verification, until));
            }
        }
        return verification;
    }

    /** Forgets every verification (tests; a key change). */
    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    private void makeRoom(long now) {
        entries.values().removeIf(e -> e.validUntilMillis <= now);
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
    }

    private record Entry(TokenVerification verification, long validUntilMillis) {
    }

    /** The 256 bits of a token's SHA-256. */
    private record Key(long a, long b, long c, long d) {
        static Key of(String token) {
            MessageDigest sha = SHA256.get();
            ByteBuffer hash = ByteBuffer.wrap(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
            return new Key(hash.getLong(), hash.getLong(), hash.getLong(), hash.getLong());
        }
    }
}
