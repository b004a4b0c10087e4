package dev.fastmcp.auth.proxy;

import java.time.Instant;

/**
 * The tokens the upstream identity provider issued for one sign-in. They stay on the server: MCP clients only
 * ever hold the proxy's own tokens, and tools read these through {@link OAuthProxy#loadUpstreamTokens} or
 * {@link ProxySession#upstreamTokens()} to call the identity provider's APIs on the user's behalf.
 *
 * @param accessToken  the upstream access token
 * @param tokenType    its type, usually {@code Bearer}
 * @param refreshToken the upstream refresh token, or null when the identity provider issued none
 * @param expiresAt    when the upstream access token expires, or null when the identity provider did not say
 * @param scope        the scopes the identity provider granted (space-separated), or null
 * @param idToken      the OpenID Connect ID token, or null
 */
public record UpstreamTokens(String accessToken, String tokenType, String refreshToken, Instant expiresAt,
        String scope, String idToken) {

    /** Whether the access token has expired, or expires within {@code skewSeconds}. */
    public boolean isExpired(Instant now, long skewSeconds) {
        return expiresAt != null && !now.plusSeconds(skewSeconds).isBefore(expiresAt);
    }

    /** Never prints the tokens themselves. */
    @Override
    public String toString() {
        return "UpstreamTokens[tokenType=" + tokenType + ", refreshToken=" + (refreshToken != null ? "present" : "none")
                + ", expiresAt=" + expiresAt + ", scope=" + scope + "]";
    }
}
