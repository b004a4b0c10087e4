package dev.fastmcp.providers;

import dev.fastmcp.TokenVerification;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import dev.fastmcp.auth.proxy.UpstreamApi;
import dev.fastmcp.auth.proxy.UpstreamApiException;
import dev.fastmcp.auth.proxy.UpstreamIdentity;
import dev.fastmcp.auth.proxy.UpstreamTokens;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verifies the two kinds of token of an Amazon Cognito user pool, against the pool's keys and issuer. They differ in
 * how they name the app client: an ID token has {@code aud} = the client id and {@code token_use: id}; an access
 * token has no {@code aud} but {@code client_id} = the client id, and {@code token_use: access}. Each is checked
 * for its own shape, so neither passes for the other, nor for another app client of the pool.
 */
final class CognitoTokens {

    private final JWKSVerifier keys;
    private final String clientId;

    CognitoTokens(String jwksUri, String issuer, String clientId, Duration timeout) {
        // The audience is checked below, per kind of token: access tokens have none.
        this.keys = JWKSVerifier.builder(jwksUri).issuer(issuer).skipAudienceCheck().timeout(timeout).build();
        this.clientId = clientId;
    }

    /** An ID token of this app client: signature, issuer, expiry, {@code token_use: id}, {@code aud}. */
    TokenVerification verifyIdToken(String token) {
        TokenVerification v = keys.verify(token);
        if (!v.isValid()) {
            return v;
        }
        Map<String, Object> claims = v.session().claims();
        if (!"id".equals(claims.get("token_use"))) {
            return TokenVerification.invalid("the ID token's token_use is not 'id'");
        }
        Object aud = claims.get("aud");
        if (!(clientId.equals(aud) || aud instanceof Collection<?> c && c.contains(clientId))) {
            return TokenVerification.invalid("the ID token's audience is not this app client");
        }
        return v;
    }

    /** The claims of an access token of this app client: signature, issuer, expiry, {@code token_use}, client. */
    Map<String, Object> verifyAccessToken(String token) throws UpstreamApiException {
        TokenVerification v = keys.verify(token);
        if (!v.isValid()) {
            throw new UpstreamApiException("the Cognito access token failed verification: " + v.error(), true);
        }
        Map<String, Object> claims = v.session().claims();
        if (!"access".equals(claims.get("token_use"))) {
            throw new UpstreamApiException("the Cognito access token's token_use is not 'access'", true);
        }
        if (!clientId.equals(claims.get("client_id"))) {
            throw new UpstreamApiException("the Cognito access token was issued to another app client", true);
        }
        return claims;
    }

    /**
     * The user: the verified access token, which every sign-in has (its {@code username}, {@code cognito:groups},
     * {@code scope}), with the verified ID token's profile over it when the {@code openid} scope brought one; both
     * must name the same {@code sub}.
     */
    UpstreamIdentity identity(UpstreamTokens tokens, Map<String, Object> idClaims, UpstreamApi api)
            throws UpstreamApiException {
        Map<String, Object> access = verifyAccessToken(tokens.accessToken());
        String subject = UpstreamApi.requireString(access, "sub");
        Map<String, Object> claims = new LinkedHashMap<>(access);
        if (idClaims != null) {
            if (!subject.equals(idClaims.get("sub"))) {
                throw new UpstreamApiException("the Cognito ID and access tokens name different users", false);
            }
            claims.putAll(idClaims);
        }
        return new UpstreamIdentity(subject, claims);
    }
}
