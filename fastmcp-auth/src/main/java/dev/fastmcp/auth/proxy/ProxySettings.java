package dev.fastmcp.auth.proxy;

import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configuration of an {@link OAuthProxy} as built: the upstream and the option groups as given (each group
 * keeps its own defaults), the preset's hooks, and what the build derived from them.
 *
 * @param upstream the identity provider
 * @param options the proxy's options
 * @param hooks how a preset adapts the proxy; its ID token verifier is resolved into {@link #idTokenVerifier}
 * @param keys the resolved keys and the (encrypting) storage
 * @param idTokenVerifier the verifier of the identity provider's ID tokens: the preset's, else one for the upstream
 *        issuer; null when ID tokens are not verified
 * @param upstreamTokenVerifier the verifier of the identity provider's access tokens at {@code /mcp}; null with
 *        token swap
 * @param documentTransport how client metadata documents are reached: the system's resolver and trust store, or a
 *        test's
 */
record ProxySettings(Upstream upstream, ProxyOptions options, PresetHooks hooks, ProxyKeys keys,
        TokenVerifier idTokenVerifier, TokenVerifier upstreamTokenVerifier,
        ClientIdDocuments.Transport documentTransport) {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthProxy.class);

    /** The lifetimes of sign-ins, codes, tokens and registrations. */
    Lifetimes lifetimes() {
        return options.lifetimes();
    }

    /** The limits and hardening against strangers. */
    Limits limits() {
        return options.limits();
    }

    /** The consent page and the claims of our tokens. */
    ClaimsAndConsent claimsAndConsent() {
        return options.claimsAndConsent();
    }

    /** How clients identify themselves: metadata documents and dynamic registration. */
    Clients clients() {
        return options.clients();
    }

    /** The {@code scope} of the upstream authorization request for the scopes a client was granted; null for none. */
    String upstreamScope(List<String> granted) {
        List<String> mapped = hooks.upstreamScopes() == null ? granted : hooks.upstreamScopes().apply(granted);
        return mapped == null || mapped.isEmpty() ? null : String.join(" ", mapped);
    }

    /** The session handed to tools: {@code base}, or the preset's typed session built from it. */
    ProxySession session(ProxySession base) {
        return hooks.sessionFactory() == null ? base : hooks.sessionFactory().apply(base);
    }

    /** Whether the upstream request for {@code scopes} is an OpenID Connect one whose ID token is verified. */
    boolean oidc(List<String> scopes) {
        return idTokenVerifier != null && scopes.contains("openid");
    }

    /** Token swap (the default): clients hold our tokens; off, they hold the identity provider's, checked upstream. */
    boolean tokenSwap() {
        return upstreamTokenVerifier == null;
    }

    /**
     * The settings of a proxy configured with these values, keys resolved. Every value was checked where it was
     * set; this checks only how they combine, and logs a warning for each protection turned off.
     */
    static ProxySettings resolve(Upstream up, ProxyOptions o, boolean tokenSwap, TokenVerifier upstreamTokenVerifier,
            PresetHooks hooks, ClientIdDocuments.Transport documentTransport) {
        if (!tokenSwap && upstreamTokenVerifier == null) {
            throw new IllegalArgumentException("enableTokenSwap(false) would hand the identity provider's tokens to "
                    + "MCP clients and accept them at /mcp. The MCP specification forbids this token passthrough: a "
                    + "token issued for another audience must not be accepted. Keep token swap on (the default) and "
                    + "read the identity provider's tokens in tools through ProxySession.upstreamTokens(), or, if the "
                    + "identity provider issues tokens for this server's MCP resource, give upstreamTokenVerifier(...) "
                    + "a verifier that requires that audience");
        }
        if (tokenSwap && upstreamTokenVerifier != null) {
            throw new IllegalArgumentException("upstreamTokenVerifier is only used with enableTokenSwap(false); "
                    + "with token swap on, /mcp accepts the proxy's own tokens only");
        }
        if (!tokenSwap) {
            LOG.warn("OAuthProxy: token swap is OFF. Clients receive the identity provider's tokens and /mcp accepts "
                    + "what the upstreamTokenVerifier accepts: it must require the audience to be this server's MCP "
                    + "resource URL, or tokens issued for other applications get in");
        }
        if (hooks.idTokenVerifier() != null && (up.upstreamIssuer() != null || up.upstreamJwksUri() != null)) {
            throw new IllegalArgumentException("upstreamIssuer cannot be set on this auth provider: it verifies the "
                    + "identity provider's ID tokens itself, with the issuer of each user's tenant; remove "
                    + "upstreamIssuer");
        }
        if (up.upstreamJwksUri() != null && up.upstreamIssuer() == null) {
            throw new IllegalArgumentException("upstreamJwksUri needs upstreamIssuer: ID tokens are verified "
                    + "against the identity provider's issuer");
        }
        if (up.upstreamIssuer() != null && up.upstreamJwksUri() == null) {
            Upstream.requireUrl("upstreamIssuer (discovered from, without upstreamJwksUri)", up.upstreamIssuer(), true);
        }
        if (!o.claimsAndConsent().consentRequired()) {
            LOG.warn("OAuthProxy: consentRequired(false). Any client that registers here can now get a user's "
                    + "authorization at the identity provider without the user seeing which client asks (the "
                    + "confused-deputy attack: this server uses one static client id upstream). The MCP "
                    + "specification requires consent per client for such proxies; turn it off only for trusted, "
                    + "single-client setups");
        }
        Clients clients = o.clients();
        if (!clients.dynamicClientRegistration() && !clients.clientIdMetadataDocuments()) {
            throw new IllegalArgumentException("dynamicClientRegistration(false) with clientIdMetadataDocuments(false) "
                    + "leaves new clients no way to identify themselves; keep one of them on");
        }
        if (!tokenSwap && !clients.machineClients().isEmpty()) {
            throw new IllegalArgumentException("clientCredentials(...) needs token swap: machine clients get this "
                    + "proxy's tokens, which /mcp does not accept with enableTokenSwap(false); keep token swap on, or "
                    + "give machine clients tokens of the identity provider instead");
        }
        if (clients.clientIdMetadataDocuments() && clients.insecureLoopbackMetadataDocuments()) {
            LOG.warn("OAuthProxy: INSECURE, for development only: client metadata documents are fetched from loopback "
                    + "hosts (localhost, 127.0.0.1, [::1]), over plain http too (insecureLoopbackMetadataDocuments, "
                    + "FASTMCP_DEV_INSECURE_CIMD in the examples). Anyone who can start a sign-in can make this "
                    + "server fetch from its own machine. Never turn it on for a server others can reach");
        }
        ProxyKeys keys = ProxyKeys.resolve(o.keysAndStorage());
        TokenVerifier idTokenVerifier = hooks.idTokenVerifier() != null ? hooks.idTokenVerifier()
                : up.upstreamIssuer() == null ? null : up.upstreamJwksUri() == null
                ? new DiscoveredIdTokenVerifier(up.upstreamIssuer(), up.upstreamClientId(), up.upstreamTimeout())
                : JWKSVerifier.builder(up.upstreamJwksUri()).issuer(up.upstreamIssuer())
                        .audience(up.upstreamClientId()).timeout(up.upstreamTimeout()).build();
        return new ProxySettings(up, o, hooks, keys, idTokenVerifier, upstreamTokenVerifier, documentTransport);
    }
}
