package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;

/**
 * Sign-in with WorkOS AuthKit through the OAuth proxy: this server is the authorization server MCP clients see, and
 * AuthKit (a WorkOS Connect OAuth application) signs the users in behind it.
 *
 * <pre>{@code
 * WorkOSProvider workos = WorkOSProvider.builder(System.getenv("WORKOS_AUTHKIT_DOMAIN"),
 *                 System.getenv("WORKOS_CLIENT_ID"), System.getenv("WORKOS_CLIENT_SECRET"))
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();
 * // in a tool:
 * WorkOSSession user = Auth.getAuthSession(ctx, WorkOSSession.class);
 * }</pre>
 *
 * <p>AuthKit also lets MCP clients register and sign in with it directly; {@link AuthKitProvider} is that
 * variant, where this server only verifies AuthKit's tokens. Choose this one for what the proxy adds: its consent
 * page, tokens of its own (AuthKit's stay on the server, for tools to call APIs with), and clients that AuthKit
 * was not set up to admit.
 *
 * <p>It requests {@code openid profile email}, plus {@code offline_access} upstream so that AuthKit returns a
 * refresh token. The user is identified by AuthKit's ID token, verified against its keys (issuer = the AuthKit
 * domain, audience = the client id, expiry, nonce); without the {@code openid} scope, by AuthKit's userinfo
 * endpoint. The organization, role and permissions come from AuthKit's access token, a JWT received from its token
 * endpoint.
 *
 * <p>In the WorkOS dashboard, under Connect, create an OAuth application, create a client secret for it and add
 * {@code <baseUrl>/oauth/callback} as a redirect URI.
 *
 * <p><b>What it sets.</b> Under the AuthKit domain: {@code /oauth2/authorize}, {@code /oauth2/token} (client
 * credentials in the form, as WorkOS documents), {@code /oauth2/userinfo}, the issuer (the domain) and its keys
 * ({@code /oauth2/jwks}); {@code offline_access} upstream, the {@code upstreamName} "WorkOS" and the scopes
 * {@code openid profile email}. The builder offers {@code scopes} and {@code secret}; any other option of the proxy
 * through {@code proxyOptions(o -> ...)}.
 */
public final class WorkOSProvider extends ProxyPreset {

    private WorkOSProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /**
     * Starts a configuration with the AuthKit domain ({@code your-app.authkit.app}, or a custom domain) and the
     * credentials of the WorkOS OAuth application.
     */
    public static Builder builder(String authkitDomain, String clientId, String clientSecret) {
        return new Builder(authkitDomain, clientId, clientSecret);
    }

    /** AuthKit's endpoints for the OAuth application {@code clientId}, under {@code domain}. */
    static Upstream authKit(AuthKitDomain domain, String clientId, String clientSecret) {
        return domain.layout().upstream(clientId, clientSecret, "WorkOS").upstreamTokenEndpointAuthMethod("post");
    }

    /** Configures a {@link WorkOSProvider}: AuthKit's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private final String authkitDomain;

        private Builder(String authkitDomain, String clientId, String clientSecret) {
            super("WorkOSProvider", clientId, clientSecret);
            this.authkitDomain = authkitDomain;
            scopes("openid", "profile", "email");
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public WorkOSProvider build() {
            AuthKitDomain domain = AuthKitDomain.parse("WorkOSProvider", authkitDomain);
            requireCredentials("the WorkOS dashboard (your OAuth application under Connect)");
            return new WorkOSProvider(proxy(authKit(domain, clientId(), clientSecret()))
                    .upstreamScopes(EndpointLayout::withOfflineAccess)
                    .upstreamIdentity(new UserInfo(domain.endpoint("userinfo"), "sub", false))
                    .sessionType(WorkOSSession::new)
                    .build());
        }
    }
}
