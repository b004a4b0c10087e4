package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.internal.ImmutableValue;
import dev.fastmcp.auth.storage.TokenStorage;
import dev.fastmcp.internal.Hmac;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;

/**
 * The OAuth proxy's state in a {@link TokenStorage}: registered clients, pending authorizations, codes, token
 * mappings and upstream token sets. Every secret value (code, transaction id, state, jti, upstream set id) is
 * looked up under an HMAC-SHA256 of itself with a key derived for this purpose, so neither file names nor
 * Redis keys reveal a usable value. Instances sharing the storage and the key find each other's entries.
 */
final class ProxyStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String PREFIX = "oauth-proxy:";

    private final TokenStorage storage;
    private final byte[] keyHashKey;
    /** One initialized MAC per thread: looking up and keying a MAC costs more than hashing a short value. */
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    ProxyStore(TokenStorage storage, byte[] keyHashKey) {
        this.storage = storage;
        this.keyHashKey = keyHashKey.clone();
    }

    TokenStorage storage() {
        return storage;
    }

    /** A random, URL-safe value of {@code bytes} random bytes. */
    static String randomValue(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** The keyed hash of a value, base64url: the storage key part and the stored form of secrets. */
    String hash(String value) {
        // doFinal leaves the MAC ready for the next value under the same key.
        return B64.encodeToString(macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac newMac() {
        return Hmac.sha256(keyHashKey);
    }

    String key(String kind, String secretValue) {
        return PREFIX + kind + ":" + hash(secretValue);
    }

    /**
     * Storage keys of the two records every authenticated request reads (the access mapping by {@code jti}, the
     * upstream set by its id), kept so the keyed hash is not computed again for each request of the same token.
     * Their inputs are identifiers, not secrets (a {@code jti} is readable in the token itself), so nothing is
     * kept here that the storage keys do not already stand for. Bounded: cleared when full.
     */
    private final Map<String, String> accessKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> upstreamKeys = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_READ_KEYS = 10_000;

    private String readKey(String kind, String value) {
        Map<String, String> keys = kind.equals(ACCESS) ? accessKeys : kind.equals(UPSTREAM) ? upstreamKeys : null;
        if (keys == null) {
            return key(kind, value);
        }
        String key = keys.get(value);
        if (key == null) {
            key = key(kind, value);
            if (keys.size() >= MAX_READ_KEYS) {
                keys.clear();
            }
            keys.put(value, key);
        }
        return key;
    }

    <T> T get(String kind, String value, Class<T> type) {
        return storage.get(readKey(kind, value), type);
    }

    /** {@link TokenStorage#getCached}: for the checks of every request, never for a decision on an atomic step. */
    <T> T getCached(String kind, String value, Class<T> type) {
        return storage.getCached(readKey(kind, value), type);
    }

    <T> T take(String kind, String value, Class<T> type) {
        return storage.take(key(kind, value), type);
    }

    void save(String kind, String value, Object record, long ttlSeconds) {
        storage.save(key(kind, value), record, Math.max(1, ttlSeconds));
    }

    boolean saveIfAbsent(String kind, String value, Object record, long ttlSeconds) {
        return storage.saveIfAbsent(key(kind, value), record, Math.max(1, ttlSeconds));
    }

    /** {@link TokenStorage#replace}: writes {@code record} only over a live {@code expected}, atomically. */
    boolean replace(String kind, String value, Object expected, Object record, long ttlSeconds) {
        return storage.replace(key(kind, value), expected, record, Math.max(1, ttlSeconds));
    }

    void delete(String kind, String value) {
        if (value != null) {
            storage.delete(key(kind, value));
        }
    }

    // ---- stored records -------------------------------------------------------------------------------------

    static final String CLIENT = "client";
    static final String TRANSACTION = "txn";
    static final String UPSTREAM_STATE = "ustate";
    static final String CODE = "code";
    static final String ACCESS = "at";
    static final String REFRESH = "rt";
    static final String UPSTREAM = "upstream";
    /** One grant's refresh tokens, by family id: {@link Family}. */
    static final String FAMILY = "family";
    /** The answer a family's last rotation gave, by family id, for the grace period: {@link GraceAnswer}. */
    static final String GRACE = "grace";
    /** With token swap off: our opaque refresh token (by keyed hash) to the upstream set it refreshes. */
    static final String PASS_REFRESH = "prt";
    /** A client assertion's {@code jti} (with its client id), claimed once until the assertion expires. */
    static final String ASSERTION = "assertion";

    /**
     * A registered client; the secret only as its keyed hash. {@code used} once a token was issued to it.
     * {@code responseTypes} is null in records stored before it was kept, which registration restricted to
     * {@code code} already.
     */
    record ClientRecord(String clientId, String secretHash, String authMethod, List<String> redirectUris,
            List<String> grantTypes, String scope, String clientName, long issuedAt, boolean used,
            List<String> responseTypes) {

        boolean isPublic() {
            return "none".equals(authMethod);
        }

        /** Whether it registered for the authorization code flow: the grant and the {@code code} response type. */
        boolean mayUseAuthorizationCode() {
            return (grantTypes == null || grantTypes.contains("authorization_code"))
                    && (responseTypes == null || responseTypes.contains("code"));
        }

        ClientRecord markUsed() {
            return new ClientRecord(clientId, secretHash, authMethod, redirectUris, grantTypes, scope, clientName,
                    issuedAt, true, responseTypes);
        }
    }

    /** An authorization request that passed validation, waiting for consent. */
    record PendingAuthorization(String clientId, String redirectUri, boolean redirectUriGiven, String codeChallenge,
            List<String> scopes, String state, long createdAt) {
    }

    /**
     * An authorization sent upstream: the pending request, our PKCE verifier, the browser binding and, for an
     * OpenID Connect sign-in, the {@code nonce} its ID token must carry.
     */
    record UpstreamTransaction(PendingAuthorization request, String codeVerifier, String bindingHash, String nonce) {
    }

    /**
     * One of our authorization codes; after use a tombstone remembering what it issued: the access token's jti, and
     * in {@code refreshJti} the refresh token family (the refresh token's jti in tombstones stored before families).
     */
    record CodeRecord(String clientId, String redirectUri, boolean redirectUriGiven, String codeChallenge,
            List<String> scopes, String upstreamId, String subject, boolean used, String accessJti,
            String refreshJti) {

        CodeRecord tombstone(String accessJti, String refreshJti) {
            return new CodeRecord(clientId, redirectUri, redirectUriGiven, codeChallenge, scopes, upstreamId, subject,
                    true, accessJti, refreshJti);
        }
    }

    /**
     * The upstream tokens of one sign-in, with the identity found in them: {@code claims} all that is known of the
     * user, {@code identityClaims} the part an {@link UpstreamIdentityResolver} gave (null without one).
     */
    record UpstreamRecord(String accessToken, String tokenType, String refreshToken, Long expiresAt, String scope,
            String idToken, String subject, Map<String, Object> claims, Map<String, Object> identityClaims)
            implements ImmutableValue {

        UpstreamRecord {
            claims = ImmutableValue.frozen(claims);
            identityClaims = identityClaims == null ? null : ImmutableValue.frozen(identityClaims);
        }

        UpstreamTokens tokens() {
            return new UpstreamTokens(accessToken, tokenType, refreshToken,
                    expiresAt == null ? null : java.time.Instant.ofEpochSecond(expiresAt), scope, idToken);
        }
    }

    /**
     * What one of our access tokens (by jti) stands for; {@code tokenHash} is the keyed hash of the token as issued
     * (see {@link TokenBinding}), null in mappings stored before it was kept.
     */
    record AccessMapping(String clientId, String upstreamId, String subject, List<String> scopes, String tokenHash)
            implements ImmutableValue {

        AccessMapping {
            scopes = scopes == null ? null : List.copyOf(scopes);
        }
    }

    /**
     * One grant's refresh tokens, the same record however often it is refreshed: each refresh token carries the
     * family id and its generation, and only the current generation ({@code refreshHash}: the keyed hash of that very
     * token) refreshes. An older one is a duplicate within the grace period ({@code duplicate}), else theft, which ends
     * the family. Every change is a {@code replace} of the whole record, so instances sharing the storage move it on
     * exactly once, and never bring back a family ended meanwhile.
     *
     * @param scopes the scopes of the current generation (a refresh may narrow them, never widen)
     * @param accessJti the access token issued with the current generation, revoked by the next refresh
     * @param rotatedAt when the current generation was issued, epoch milliseconds
     * @param duplicate who may repeat the refresh that issued the current generation, and until when; null for none
     * @param claim a refresh of the current generation under way; null when none
     */
    record Family(String clientId, String upstreamId, String subject, List<String> scopes, long generation,
            String refreshHash, String accessJti, long rotatedAt, Duplicate duplicate, Claim claim) {

        Family {
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }

        Family claimed(Claim c) {
            return new Family(clientId, upstreamId, subject, scopes, generation, refreshHash, accessJti, rotatedAt,
                    duplicate, c);
        }

        /** The next generation, unclaimed. */
        Family next(List<String> nextScopes, String nextRefreshHash, String nextAccessJti, long now, Duplicate d) {
            return new Family(clientId, upstreamId, subject, nextScopes, generation + 1, nextRefreshHash,
                    nextAccessJti, now, d, null);
        }
    }

    /**
     * Who may present the previous generation again within the grace period and get the same answer: the keyed
     * hash of the client address and the very token presented, and the {@code scope} parameter it was sent with.
     */
    record Duplicate(String requester, String requestedScope, long until) {
    }

    /** A refresh under way (its random id, epoch milliseconds until which others wait for it). */
    record Claim(String id, long until) {
    }

    /**
     * The answer of a family's last refresh, for duplicates within the grace period; stored apart from the family
     * for the grace period only, so that no token in clear outlives it.
     */
    record GraceAnswer(long generation, String refreshHash, Map<String, Object> body) {
    }

    /** A client assertion seen: its {@code jti} may not be used again by {@code clientId}. */
    record AssertionUse(String clientId) {
    }

    /** What an opaque refresh token handed out with token swap off stands for; single use. */
    record PassRefresh(String clientId, String upstreamId) {
    }

    /**
     * What one of our refresh tokens issued before families (by jti) stands for: {@code used} after a rotation
     * of that time, naming its successors; or, with {@code family}, the family it was moved into at its first
     * refresh since, as its generation 0.
     */
    record RefreshMapping(String clientId, String upstreamId, String subject, List<String> scopes, String accessJti,
            boolean used, String successorAccessJti, String successorRefreshJti, String family) {

        RefreshMapping movedTo(String familyId) {
            return new RefreshMapping(clientId, upstreamId, subject, scopes, accessJti, true, null, null, familyId);
        }
    }
}
