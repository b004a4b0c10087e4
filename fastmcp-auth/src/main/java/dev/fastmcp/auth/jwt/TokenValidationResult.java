package dev.fastmcp.auth.jwt;

import java.util.Map;
import java.util.Objects;

/**
 * The outcome of {@link JWTIssuer#verify} and its typed variants: the verified claims, or why the token was
 * refused.
 *
 * @param valid  whether the token was accepted
 * @param claims the verified claims, as parsed from JSON (numbers are {@code Long} or {@code Double}, arrays
 *               are lists, objects are maps; all unmodifiable); empty when invalid
 * @param error  why the token was refused, short and safe to log or return to a client (it never quotes the
 *               token); null when valid
 */
public record TokenValidationResult(boolean valid, Map<String, Object> claims, String error) {

    /** Checks that a valid result has claims and no error, and an invalid one an error and no claims. */
    public TokenValidationResult {
        if (valid) {
            Objects.requireNonNull(claims, "a valid result needs its claims");
            if (error != null) {
                throw new IllegalArgumentException("a valid result has no error, but got: " + error);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> copy = (Map<String, Object>) JWTClaimRules.freeze(claims);
            claims = copy;
        } else {
            if (error == null || error.isBlank()) {
                throw new IllegalArgumentException("an invalid result needs an error saying why");
            }
            if (claims != null && !claims.isEmpty()) {
                throw new IllegalArgumentException("an invalid result carries no claims; pass an empty map or null");
            }
            claims = Map.of();
        }
    }

    /** An accepted token with its verified {@code claims}. */
    public static TokenValidationResult valid(Map<String, Object> claims) {
        return new TokenValidationResult(true, claims, null);
    }

    /** A refused token, with the reason; the reason must not contain the token. */
    public static TokenValidationResult invalid(String error) {
        return new TokenValidationResult(false, Map.of(), error);
    }
}
