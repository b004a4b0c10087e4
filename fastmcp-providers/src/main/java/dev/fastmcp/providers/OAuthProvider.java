package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import java.util.function.UnaryOperator;

/**
 * Sign-in with any OAuth 2.0 server (SAP, Okta, Auth0, Keycloak, ...) given its authorization and token
 * endpoints: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * OAuthProvider sso = OAuthProvider.builder("https://sso.example.com/oauth/authorize",
 *                 "https://sso.example.com/oauth/token", clientId, clientSecret)
 *         .userInfoEndpoint("https://sso.example.com/oauth/userinfo")
 *         .scopes("openid", "profile")
 *         .build();
 * }</pre>
 *
 * <p>How users are identified, in order: the {@link Builder#userInfoEndpoint} when given (its {@code sub}, or the
 * claim named by {@link Builder#userInfoSubjectClaim}; with a verified ID token too, both must name the same user);
 * else the ID token, verified when {@code upstreamIssuer} (and optionally {@code upstreamJwksUri}) is set through
 * {@link Builder#upstream}; else the
 * claims of the identity provider's JWT access token, read as received from its token endpoint. Sessions are
 * {@code ProxySession}s. For an issuer with OpenID Connect discovery, {@link OIDCProvider} needs less configuration.
 */
public final class OAuthProvider extends ProxyPreset {

    private OAuthProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /** Starts a configuration from the identity provider's two endpoints and this server's client credentials there. */
    public static Builder builder(String authorizationEndpoint, String tokenEndpoint, String clientId,
            String clientSecret) {
        return new Builder(authorizationEndpoint, tokenEndpoint, clientId, clientSecret);
    }

    /**
     * Configures an {@link OAuthProvider}: the identity provider's settings ({@link #upstream}), where identities
     * come from, {@code scopes}, {@code secret}, and the proxy's other options through {@code proxyOptions(o -> ...)}.
     */
    public static final class Builder extends PresetBuilder<Builder> {

        private final String authorizationEndpoint;
        private final String tokenEndpoint;
        private String userInfoEndpoint;
        private String userInfoSubjectClaim = "sub";

        private Builder(String authorizationEndpoint, String tokenEndpoint, String clientId, String clientSecret) {
            super("OAuthProvider", clientId, clientSecret);
            this.authorizationEndpoint = authorizationEndpoint;
            this.tokenEndpoint = tokenEndpoint;
        }

        /**
         * Changes the identity provider's other settings ({@code upstreamIssuer}, {@code upstreamJwksUri},
         * {@code upstreamRevocationEndpoint}, {@code upstreamTokenEndpointAuthMethod}, extra parameters...):
         * {@code .upstream(u -> u.upstreamIssuer("https://sso.example.com"))}.
         */
        @Override
        public Builder upstream(UnaryOperator<Upstream> change) {
            return super.upstream(change);
        }

        /** An endpoint answering the user's claims for the upstream access token (OpenID Connect userinfo). */
        public Builder userInfoEndpoint(String url) {
            this.userInfoEndpoint = url;
            return this;
        }

        /** The claim of the userinfo answer holding the user id; default {@code sub} ({@code id} for some APIs). */
        public Builder userInfoSubjectClaim(String claim) {
            this.userInfoSubjectClaim = claim;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public OAuthProvider build() {
            requireCredentials("your identity provider's application settings");
            OAuthProxy.Builder proxy = proxy(Upstream.of(authorizationEndpoint, tokenEndpoint, clientId(),
                    clientSecret()));
            if (userInfoEndpoint != null) {
                if (userInfoSubjectClaim == null || userInfoSubjectClaim.isBlank()) {
                    throw new IllegalArgumentException("OAuthProvider: userInfoSubjectClaim must name a claim, such "
                            + "as 'sub', was " + quoted(userInfoSubjectClaim));
                }
                proxy.upstreamIdentity(new UserInfo(requireUrl("userInfoEndpoint", userInfoEndpoint),
                        userInfoSubjectClaim, true));
            }
            return new OAuthProvider(proxy.build());
        }
    }
}
