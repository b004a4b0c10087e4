package dev.fastmcp.auth.proxy;

import java.util.Map;
import java.util.Objects;

/**
 * Who signed in at the upstream identity provider, as an {@link UpstreamIdentityResolver} found out: the stable
 * subject the proxy issues its tokens to, and the claims describing the user. The claims become
 * {@link ProxySession#upstreamClaims()} and feed {@link ClaimsPassthrough}.
 *
 * @param subject the identity provider's stable user id (for example GitHub's numeric id, not the login that can
 *                change)
 * @param claims  what the identity provider said about the user (name, e-mail, ...); copied, never null
 */
public record UpstreamIdentity(String subject, Map<String, Object> claims) {

    /** Checks the subject and copies the claims, dropping null values. */
    public UpstreamIdentity {
        Objects.requireNonNull(subject, "subject == null");
        if (subject.isBlank()) {
            throw new IllegalArgumentException("subject must not be blank");
        }
        Map<String, Object> copy = new java.util.LinkedHashMap<>();
        if (claims != null) {
            claims.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k, v);
                }
            });
        }
        claims = java.util.Collections.unmodifiableMap(copy);
    }
}
