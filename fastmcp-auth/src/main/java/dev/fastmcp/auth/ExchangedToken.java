package dev.fastmcp.auth;

import java.time.Instant;
import java.util.Set;

/**
 * A token obtained for a downstream API on a caller's behalf ({@link TokenExchange}, {@link OnBehalfOf}). It is for
 * this server to send to that API; never hand it to the client.
 *
 * @param accessToken     the token
 * @param tokenType       its type for the {@code Authorization} header, usually {@code Bearer}
 * @param issuedTokenType what it is (RFC 8693 {@code issued_token_type}); null when the server did not say
 * @param expiresAt       when it expires; null when the server did not say
 * @param scopes          the scopes granted; empty when the server did not say
 */
public record ExchangedToken(String accessToken, String tokenType, String issuedTokenType, Instant expiresAt,
        Set<String> scopes) {

    /** Never shows the token. */
    @Override
    public String toString() {
        return "ExchangedToken[tokenType=" + tokenType + ", issuedTokenType=" + issuedTokenType + ", expiresAt="
                + expiresAt + ", scopes=" + scopes + "]";
    }
}
