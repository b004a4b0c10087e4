package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.internal.VerifierClaims;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Ties each of our tokens to the mapping stored (by {@code jti}) when it was issued. A valid signature only shows
 * that the token was made with the signing key; whoever learnt the key (a leaked secret, a guessed one) could sign
 * any claims on a live {@code jti}: another user, another client, more scopes or roles. So a verified token must
 * also be the one issued: its {@code sub}, {@code client_id} and {@code scope} equal the mapping's, and an access
 * token is the very token issued (its keyed hash is in the mapping), which covers every other claim it carries
 * (roles passed through from the identity provider, expiry); so is the current refresh token of a family. A mismatch
 * is answered like an unknown token.
 */
final class TokenBinding {

    private TokenBinding() {
    }

    /** Whether a verified access token is the one its mapping was issued for. */
    static boolean matches(ProxyStore store, String token, Map<String, Object> claims, ProxyStore.AccessMapping m) {
        if (!matches(claims, m.clientId(), m.subject(), m.scopes())) {
            return false;
        }
        // Mappings stored before tokens were hashed have no hash; they expire within the access token lifetime.
        return m.tokenHash() == null || sameHash(m.tokenHash(), store.hash(token));
    }

    /**
     * Whether a verified refresh token issued before families carries the client, subject and scopes its mapping
     * was issued with.
     */
    static boolean matches(Map<String, Object> claims, ProxyStore.RefreshMapping m) {
        return matches(claims, m.clientId(), m.subject(), m.scopes());
    }

    /**
     * Whether a verified refresh token of a family names the client and subject of its grant. That is all an older
     * generation can be held to (a refresh may have narrowed the scopes since); the current one must moreover be the
     * very token issued ({@link #sameHash} with the family's).
     */
    static boolean sameGrant(Map<String, Object> claims, ProxyStore.Family f) {
        return Objects.equals(claims.get("client_id"), f.clientId()) && Objects.equals(claims.get("sub"), f.subject());
    }

    /** Whether two keyed hashes are equal, compared in constant time; false when either is missing. */
    static boolean sameHash(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII),
                b.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean matches(Map<String, Object> claims, String clientId, String subject, List<String> scopes) {
        return Objects.equals(claims.get("client_id"), clientId)
                && Objects.equals(claims.get("sub"), subject)
                && VerifierClaims.parseScope(claims.get("scope"))
                        .equals(scopes == null ? Set.of() : Set.copyOf(scopes));
    }
}
