package dev.fastmcp.auth;

import dev.fastmcp.TokenVerifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** The checked configuration of an {@link OAuthProxy}, keys resolved. */
record ProxySettings(
        String upstreamAuthorizationEndpoint,
        String upstreamTokenEndpoint,
        String upstreamClientId,
        String upstreamClientSecret,
        boolean upstreamBasicAuth,
        String upstreamRevocationEndpoint,
        String baseUrl,
        String redirectPath,
        List<String> scopes,
        boolean forwardPkce,
        boolean consentRequired,
        byte[] jwtSigningKey,
        byte[] consentSigningKey,
        byte[] storageKeyHashKey,
        TokenStorage storage,
        Duration transactionTtl,
        Duration authorizationCodeTtl,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Duration registrationTtl,
        Duration upstreamTimeout,
        Map<String, String> extraAuthorizationParams,
        Map<String, String> extraTokenParams,
        Duration refreshGracePeriod,
        List<String> allowedRedirectUriPatterns,
        ClaimsPassthrough claimsPassthrough,
        int registrationRateLimit,
        int maxUnusedRegistrations,
        int authorizationRateLimit,
        int maxPendingAuthorizations,
        boolean forwardResource,
        boolean limitScopesToUpstreamGrant,
        String providerName,
        TokenVerifier idTokenVerifier,
        TokenVerifier upstreamTokenVerifier,
        UpstreamIdentityResolver identityResolver,
        Function<ProxySession, ? extends ProxySession> sessionFactory,
        UnaryOperator<List<String>> upstreamScopes) {

    /** The {@code scope} of the upstream authorization request for the scopes a client was granted; null for none. */
    String upstreamScope(List<String> granted) {
        List<String> mapped = upstreamScopes == null ? granted : upstreamScopes.apply(granted);
        return mapped == null || mapped.isEmpty() ? null : String.join(" ", mapped);
    }

    /** The session handed to tools: {@code base}, or the preset's typed session built from it. */
    ProxySession session(ProxySession base) {
        return sessionFactory == null ? base : sessionFactory.apply(base);
    }

    /** Whether the upstream request for {@code scopes} is an OpenID Connect one whose ID token is verified. */
    boolean oidc(List<String> scopes) {
        return idTokenVerifier != null && scopes.contains("openid");
    }

    /** Token swap (the default): clients hold our tokens; off, they hold the provider's, checked upstream. */
    boolean tokenSwap() {
        return upstreamTokenVerifier == null;
    }

    /** Parameters the proxy itself sets on the upstream authorization request; extras cannot replace them. */
    static final List<String> RESERVED_AUTHORIZATION_PARAMS = List.of("client_id", "redirect_uri", "response_type",
            "state", "scope", "code_challenge", "code_challenge_method");
    /** Parameters the proxy itself sets on upstream token requests. */
    static final List<String> RESERVED_TOKEN_PARAMS = List.of("grant_type", "code", "redirect_uri", "code_verifier",
            "refresh_token", "client_id", "client_secret");
}
