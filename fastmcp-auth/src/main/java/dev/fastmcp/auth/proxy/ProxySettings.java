package dev.fastmcp.auth.proxy;

import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import dev.fastmcp.auth.storage.TokenStorage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger LOG = LoggerFactory.getLogger(OAuthProxy.class);

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

    /**
     * The settings of a proxy configured with these values, keys resolved. Every value was checked where it was
     * set; this checks only how they combine, and logs a warning for each protection turned off.
     */
    static ProxySettings resolve(Upstream up, ProxyOptions o, boolean tokenSwap, TokenVerifier upstreamTokenVerifier,
            PresetHooks hooks) {
        if (!tokenSwap && upstreamTokenVerifier == null) {
            throw new IllegalArgumentException("enableTokenSwap(false) would hand the provider's tokens to MCP clients "
                    + "and accept them at /mcp. The MCP specification forbids this token passthrough: a token issued "
                    + "for another audience must not be accepted. Keep token swap on (the default) and read the "
                    + "provider's tokens in tools through ProxySession.upstreamTokens(), or, if the provider issues "
                    + "tokens for this server's MCP resource, give upstreamTokenVerifier(...) a verifier that "
                    + "requires that audience");
        }
        if (tokenSwap && upstreamTokenVerifier != null) {
            throw new IllegalArgumentException("upstreamTokenVerifier is only used with enableTokenSwap(false); "
                    + "with token swap on, /mcp accepts the proxy's own tokens only");
        }
        if (!tokenSwap) {
            LOG.warn("OAuthProxy: token swap is OFF. Clients receive the provider's tokens and /mcp accepts what "
                    + "the upstreamTokenVerifier accepts: it must require the audience to be this server's MCP "
                    + "resource URL, or tokens issued for other applications get in");
        }
        if (hooks.idTokenVerifier() != null && (up.upstreamIssuer() != null || up.upstreamJwksUri() != null)) {
            throw new IllegalArgumentException("upstreamIssuer cannot be set on this provider: it verifies the "
                    + "provider's ID tokens itself, with the issuer of each user's tenant; remove upstreamIssuer");
        }
        if (up.upstreamJwksUri() != null && up.upstreamIssuer() == null) {
            throw new IllegalArgumentException("upstreamJwksUri needs upstreamIssuer: ID tokens are verified "
                    + "against the provider's issuer");
        }
        if (up.upstreamIssuer() != null && up.upstreamJwksUri() == null) {
            Upstream.requireUrl("upstreamIssuer (discovered from, without upstreamJwksUri)", up.upstreamIssuer(), true);
        }
        ClaimsAndConsent cc = o.claimsAndConsent();
        if (!cc.consentRequired()) {
            LOG.warn("OAuthProxy: consentRequired(false). Any client that registers here can now get a user's "
                    + "authorization at the provider without the user seeing which client asks (the confused-deputy "
                    + "attack: this server uses one static client id upstream). The MCP specification requires "
                    + "consent per client for such proxies; turn it off only for trusted, single-client setups");
        }
        ProxyKeys keys = ProxyKeys.resolve(o.keysAndStorage());
        TokenVerifier idTokenVerifier = hooks.idTokenVerifier() != null ? hooks.idTokenVerifier()
                : up.upstreamIssuer() == null ? null : up.upstreamJwksUri() == null
                ? new DiscoveredIdTokenVerifier(up.upstreamIssuer(), up.upstreamClientId(), up.upstreamTimeout())
                : JWKSVerifier.builder(up.upstreamJwksUri()).issuer(up.upstreamIssuer())
                        .audience(up.upstreamClientId()).timeout(up.upstreamTimeout()).build();
        Lifetimes l = o.lifetimes();
        Limits lim = o.limits();
        return new ProxySettings(up.upstreamAuthorizationEndpoint(), up.upstreamTokenEndpoint(),
                up.upstreamClientId(), up.upstreamClientSecret(), up.basicAuth(), up.upstreamRevocationEndpoint(),
                o.baseUrl(), o.redirectPath(), o.scopes(), up.forwardPkce(), cc.consentRequired(), keys.signing(),
                keys.consent(), keys.keyHash(), keys.storage(), l.transactionTtl(), l.authorizationCodeTtl(),
                l.accessTokenTtl(), l.refreshTokenTtl(), l.registrationTtl(), up.upstreamTimeout(),
                up.extraAuthorizationParams(), up.extraTokenParams(), l.refreshGracePeriod(),
                lim.allowedRedirectUriPatterns(), cc.customClaimsPassthrough(), lim.registrationRateLimit(),
                lim.maxUnusedRegistrations(), lim.authorizationRateLimit(), lim.maxPendingAuthorizations(),
                up.forwardResource(), cc.limitScopesToUpstreamGrant(), up.providerName(), idTokenVerifier,
                tokenSwap ? null : upstreamTokenVerifier, hooks.identityResolver(), hooks.sessionFactory(),
                hooks.upstreamScopes());
    }
}
