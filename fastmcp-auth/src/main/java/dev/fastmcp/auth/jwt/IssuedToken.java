package dev.fastmcp.auth.jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A token just signed by {@link JWTIssuer}, with what the OAuth proxy needs to store alongside it. Its
 * {@link #toString()} leaves the token out, so logging an {@code IssuedToken} never leaks a credential.
 *
 * @param token     the compact JWS to hand to the client
 * @param jti       the token's unique id (the {@code jti} claim), a key for server-side mappings
 * @param issuedAt  the {@code iat} claim (whole seconds)
 * @param expiresAt the {@code exp} claim (whole seconds)
 */
public record IssuedToken(String token, String jti, Instant issuedAt, Instant expiresAt) {

    /** Checks that every field is set and the token expires after it is issued. */
    public IssuedToken {
        Objects.requireNonNull(token, "token == null");
        Objects.requireNonNull(jti, "jti == null");
        Objects.requireNonNull(issuedAt, "issuedAt == null");
        Objects.requireNonNull(expiresAt, "expiresAt == null");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("expiresAt " + expiresAt + " is not after issuedAt " + issuedAt);
        }
    }

    /** The lifetime, as OAuth's {@code expires_in} wants it ({@code expiresIn().toSeconds()}). */
    public Duration expiresIn() {
        return Duration.between(issuedAt, expiresAt);
    }

    /** The id and times, without the token. */
    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + "]";
    }
}
