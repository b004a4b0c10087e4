package dev.fastmcp.devidp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory state of the development identity provider: pending sign-ins, codes and refresh tokens. Every
 * entry expires, {@link Bucket#take} is atomic (codes and refresh tokens are single use), and each bucket is
 * bounded so that a flood of requests cannot exhaust memory.
 */
final class DevIdpStore {

    static final int MAX_ENTRIES = 10_000;
    static final Duration SIGN_IN_TTL = Duration.ofMinutes(10);
    static final Duration CODE_TTL = Duration.ofMinutes(5);
    static final Duration REFRESH_TTL = Duration.ofDays(1);

    /** An authorization request waiting on the sign-in page; {@code csrfToken} is also in the browser's cookie. */
    record PendingSignIn(String redirectUri, String state, String nonce, String codeChallenge, List<String> scopes,
            String csrfToken) {
        PendingSignIn {
            scopes = List.copyOf(scopes);
        }
    }

    /** Who signed in, with what: the content of codes and refresh tokens. */
    record Grant(String subject, List<String> roles, List<String> scopes) {
        Grant {
            roles = List.copyOf(roles);
            scopes = List.copyOf(scopes);
        }
    }

    /** An authorization code: the grant, bound to its redirect URI, PKCE challenge and nonce. */
    record Code(Grant grant, String redirectUri, String codeChallenge, String nonce) {
    }

    final Bucket<PendingSignIn> signIns = new Bucket<>(SIGN_IN_TTL);
    final Bucket<Code> codes = new Bucket<>(CODE_TTL);
    final Bucket<Grant> refreshTokens = new Bucket<>(REFRESH_TTL);
    /** Used codes, mapped to the refresh token they produced, so that a replay can revoke it. */
    final Bucket<String> usedCodes = new Bucket<>(CODE_TTL);

    /** A bounded map whose entries expire. */
    static final class Bucket<V> {

        private record Entry<V>(V value, long expiresAtMillis) {
        }

        private final Map<String, Entry<V>> entries = new ConcurrentHashMap<>();
        private final long ttlMillis;

        Bucket(Duration ttl) {
            this.ttlMillis = ttl.toMillis();
        }

        /** Stores {@code value}; false when the bucket is full of live entries. */
        boolean put(String key, V value) {
            if (entries.size() >= MAX_ENTRIES) {
                long now = System.currentTimeMillis();
                entries.values().removeIf(e -> e.expiresAtMillis() <= now);
                if (entries.size() >= MAX_ENTRIES) {
                    return false;
                }
            }
            entries.put(key, new Entry<>(value, System.currentTimeMillis() + ttlMillis));
            return true;
        }

        /** The live value, or null. */
        V get(String key) {
            Entry<V> e = key == null ? null : entries.get(key);
            return e == null || e.expiresAtMillis() <= System.currentTimeMillis() ? null : e.value();
        }

        /** Removes and returns the live value, or null; only one caller ever gets a given entry. */
        V take(String key) {
            Entry<V> e = key == null ? null : entries.remove(key);
            return e == null || e.expiresAtMillis() <= System.currentTimeMillis() ? null : e.value();
        }
    }
}
