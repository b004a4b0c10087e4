package dev.fastmcp;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The plain {@link AuthSession}: a value holding what a verifier or an {@code authenticate} hook found.
 *
 * @param subject   who the caller is; required
 * @param clientId  the OAuth client, or null
 * @param scopes    granted scopes
 * @param claims    verified claims
 * @param expiresAt expiry, or null
 */
public record DefaultAuthSession(String subject, String clientId, Set<String> scopes, Map<String, Object> claims,
        Instant expiresAt) implements AuthSession {

    /** Validates the subject and copies the collections. */
    public DefaultAuthSession {
        Objects.requireNonNull(subject, "subject == null");
        scopes = scopes == null ? Set.of() : Set.copyOf(scopes);
        claims = claims == null ? Map.of() : Map.copyOf(claims);
    }
}
