package dev.fastmcp.providers;

import dev.fastmcp.auth.DiscoveryDocumentCache;
import dev.fastmcp.auth.DiscoveryException;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import java.util.List;
import java.util.Map;

/**
 * Sign-in with any OpenID Connect identity provider, configured from its issuer's discovery document: an
 * {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * OIDCProvider keycloak = OIDCProvider.builder("https://sso.example.com/realms/main", clientId, clientSecret)
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();   // reads https://sso.example.com/realms/main/.well-known/openid-configuration
 * }</pre>
 *
 * <p>{@link Builder#build()} fetches {@code <issuer>/.well-known/openid-configuration} (or, for an identity
 * provider without one, its RFC 8414 metadata: {@link DiscoveryDocumentCache#forIssuer}) and takes from it the
 * authorization, token, revocation and userinfo endpoints and the JWKS; the document's {@code issuer} must be the
 * configured one exactly. It requests {@code openid profile email}; users are identified by the ID token, verified
 * against the JWKS (issuer, audience = the client id, expiry, nonce), or by the userinfo endpoint when no ID
 * token came back. Sessions are {@code ProxySession}s.
 *
 * <p><b>What it sets.</b> From the discovery document: the authorization, token and revocation endpoints, the
 * JWKS, the userinfo endpoint, and client credentials in the form when the identity provider supports only that; the
 * scopes {@code openid profile email}. The builder offers {@code scopes}, {@code secret} and
 * {@link Builder#discoveryCache}; any other option of the proxy through {@code proxyOptions(o -> ...)}.
 */
public final class OIDCProvider extends ProxyPreset {

    private OIDCProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /** Starts a configuration from the issuer URL and this server's client credentials there. */
    public static Builder builder(String issuer, String clientId, String clientSecret) {
        return new Builder(issuer, clientId, clientSecret);
    }

    /** Configures an {@link OIDCProvider}: discovered endpoints, the proxy's options through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private final String issuer;
        private DiscoveryDocumentCache discovery;

        private Builder(String issuer, String clientId, String clientSecret) {
            super("OIDCProvider", clientId, clientSecret);
            this.issuer = issuer;
            scopes("openid", "profile", "email");
        }

        /** The cache to read the discovery document through; default a new one (one hour, 10 s timeout). */
        public Builder discoveryCache(DiscoveryDocumentCache cache) {
            this.discovery = cache;
            return this;
        }

        /**
         * Reads the discovery document, checks the configuration (each error says what to change) and builds the
         * preset.
         *
         * @throws IllegalArgumentException also when the discovery document cannot be read or does not fit
         */
        public OIDCProvider build() {
            requireCredentials("your identity provider's client settings");
            String iss = requireUrl("issuer", issuer);
            Map<String, Object> doc = discover(iss);
            Upstream oidc = Upstream.of(required(doc, "authorization_endpoint"), required(doc, "token_endpoint"),
                    clientId(), clientSecret())
                    .upstreamIssuer(issuer)
                    .upstreamJwksUri(required(doc, "jwks_uri"));
            if (doc.get("revocation_endpoint") instanceof String r) {
                oidc = oidc.upstreamRevocationEndpoint(r);
            }
            if (doc.get("token_endpoint_auth_methods_supported") instanceof List<?> methods
                    && !methods.contains("client_secret_basic") && methods.contains("client_secret_post")) {
                oidc = oidc.upstreamTokenEndpointAuthMethod("post");
            }
            String userInfo = doc.get("userinfo_endpoint") instanceof String u ? requireUrl("userinfo_endpoint", u)
                    : null;
            return new OIDCProvider(proxy(oidc).upstreamIdentity(new UserInfo(userInfo, "sub", false)).build());
        }

        private Map<String, Object> discover(String iss) {
            DiscoveryDocumentCache.IssuerMetadata found;
            try {
                found = (discovery != null ? discovery : new DiscoveryDocumentCache()).forIssuer(iss);
            } catch (DiscoveryException e) {
                throw new IllegalArgumentException("OIDCProvider: OpenID Connect discovery of issuer '" + issuer
                        + "' failed (" + e.getMessage() + "). Check the issuer URL: " + iss + "/.well-known/"
                        + "openid-configuration (or its RFC 8414 metadata) must answer the identity provider's "
                        + "configuration, and be reachable from this server", e);
            }
            Map<String, Object> doc = found.document();
            if (!issuer.equals(doc.get("issuer"))) {
                throw new IllegalArgumentException("OIDCProvider: the discovery document at " + found.url()
                        + " names issuer " + quoted(String.valueOf(doc.get("issuer"))) + ", not '" + issuer
                        + "'. Configure the issuer exactly as the identity provider writes it (a trailing slash "
                        + "matters)");
            }
            return doc;
        }

        private String required(Map<String, Object> doc, String field) {
            if (!(doc.get(field) instanceof String value) || value.isBlank()) {
                throw new IllegalArgumentException("OIDCProvider: the discovery document of '" + issuer + "' has no "
                        + field + "; this preset needs it, or configure the endpoint on the builder");
            }
            return requireUrl(field, value);
        }
    }
}
