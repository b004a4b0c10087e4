package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import java.util.Map;

/**
 * Sign-in with Google: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * FastMCP.builder("notes", "1.0.0")
 *         .auth(GoogleProvider.builder(System.getenv("GOOGLE_CLIENT_ID"), System.getenv("GOOGLE_CLIENT_SECRET"))
 *                 .secret(System.getenv("FASTMCP_SECRET"))
 *                 .build())
 *         .baseUrl("https://mcp.example.com")
 *         ...
 * // in a tool:
 * GoogleSession google = Auth.getAuthSession(ctx, GoogleSession.class);
 * String email = google.email();
 * }</pre>
 *
 * <p>It requests {@code openid email profile} (change with {@code scopes(...)}) with {@code access_type=offline}
 * and {@code prompt=consent}, so that Google returns a refresh token and the proxy can renew the upstream
 * access token for tools. The user is identified by Google's ID token, verified against Google's keys (issuer,
 * audience = the client id, expiry, nonce); without the {@code openid} scope, by Google's userinfo endpoint.
 *
 * <p>In Google Cloud Console (APIs &amp; Services, Credentials) create an OAuth client of type "Web application"
 * and add {@code <baseUrl>/oauth/callback} as an authorized redirect URI.
 *
 * <p><b>What it sets.</b> Google's authorization, token and revocation endpoints, its issuer and JWKS,
 * {@code access_type=offline} and {@code prompt=consent}, the {@code upstreamName} "Google", the scopes
 * {@code openid email profile}, and {@code limitScopesToUpstreamGrant(false)} (Google answers with URLs). The
 * builder offers {@code scopes}, {@code secret} and {@link Builder#userInfoEndpoint}; any other option of the
 * proxy through {@code proxyOptions(o -> ...)}.
 */
public final class GoogleProvider extends ProxyPreset {

    static final String AUTHORIZATION_ENDPOINT = "https://accounts.google.com/o/oauth2/v2/auth";
    static final String TOKEN_ENDPOINT = "https://oauth2.googleapis.com/token";
    static final String REVOCATION_ENDPOINT = "https://oauth2.googleapis.com/revoke";
    static final String ISSUER = "https://accounts.google.com";
    static final String JWKS_URI = "https://www.googleapis.com/oauth2/v3/certs";
    static final String USERINFO_ENDPOINT = "https://openidconnect.googleapis.com/v1/userinfo";

    private GoogleProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /** Starts a configuration with the credentials of the Google OAuth client. */
    public static Builder builder(String clientId, String clientSecret) {
        return new Builder(clientId, clientSecret);
    }

    /** Configures a {@link GoogleProvider}: Google's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private String userInfoEndpoint = USERINFO_ENDPOINT;

        private Builder(String clientId, String clientSecret) {
            super("GoogleProvider", clientId, clientSecret);
            scopes("openid", "email", "profile");
            // Google answers with URLs for email and profile
            proxyOptions(o -> o.claimsAndConsent(c -> c.limitScopesToUpstreamGrant(false)));
        }

        /** Google's OpenID Connect userinfo endpoint, which identifies users when no ID token is requested. */
        public Builder userInfoEndpoint(String url) {
            this.userInfoEndpoint = url;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public GoogleProvider build() {
            requireCredentials("Google Cloud Console (APIs & Services > Credentials)");
            Upstream google = Upstream.of(AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT, clientId(), clientSecret())
                    .upstreamRevocationEndpoint(REVOCATION_ENDPOINT)
                    .upstreamIssuer(ISSUER)
                    .upstreamJwksUri(JWKS_URI)
                    .extraAuthorizationParams(Map.of("access_type", "offline", "prompt", "consent"))
                    .upstreamName("Google");
            return new GoogleProvider(proxy(google)
                    .upstreamIdentity(new UserInfo(requireUrl("userInfoEndpoint", userInfoEndpoint), "sub", false))
                    .sessionType(GoogleSession::new)
                    .build());
        }
    }
}
