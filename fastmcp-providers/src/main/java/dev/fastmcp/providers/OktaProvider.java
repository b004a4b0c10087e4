package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sign-in with Okta: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * OktaProvider okta = OktaProvider.builder("https://dev-123.okta.com",
 *                 System.getenv("OKTA_CLIENT_ID"), System.getenv("OKTA_CLIENT_SECRET"))
 *         .authorizationServer("default")        // or leave it out: the org authorization server
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();
 * // in a tool:
 * OktaSession user = Auth.getAuthSession(ctx, OktaSession.class);
 * }</pre>
 *
 * <p><b>Authorization servers.</b> By default users sign in at the org authorization server, which every Okta org
 * has: endpoints {@code <domain>/oauth2/v1/...}, issuer {@code <domain>}. Its ID tokens identify users, which is
 * all the proxy needs; its access tokens are only for Okta's own APIs (userinfo, the management API). With
 * {@link Builder#authorizationServer(String)} users sign in at a custom authorization server instead (API Access
 * Management; developer orgs have one called {@code default}): endpoints {@code <domain>/oauth2/<id>/v1/...}, issuer
 * {@code <domain>/oauth2/<id>}. Choose it when tools call your own APIs with the user's Okta access token, whose
 * audience and scopes such a server defines. Either way the endpoints are computed, not discovered: building needs
 * no network, and the paths are fixed by Okta ({@code authorize}, {@code token}, {@code keys}, {@code userinfo},
 * {@code revoke} under {@code v1}).
 *
 * <p><b>Identity.</b> From the ID token, verified against the authorization server's keys (issuer, audience = the
 * client id, expiry, nonce); without the {@code openid} scope, from the userinfo endpoint. The {@code groups} of
 * {@link OktaSession} are there only when a groups claim is configured in Okta: for the org authorization server
 * a groups claim filter on the application (Sign On tab), the {@code groups} scope being asked for by the preset;
 * for a custom one a {@code groups} claim of the server, included in the ID token.
 *
 * <p><b>Scopes and refresh tokens.</b> Clients are offered {@code openid profile email}. Upstream it adds
 * {@code groups} at the org authorization server, and {@code offline_access}: without it Okta sends no refresh
 * token, and a sign-in would end with Okta's access token (one hour by default). Enable the Refresh Token grant
 * type of the application, or turn that off with {@link Builder#offlineAccess(boolean)}.
 *
 * <p>In the Okta Admin Console (Applications, Create App Integration) create an OIDC Web Application with the
 * Authorization Code and Refresh Token grant types and {@code <baseUrl>/oauth/callback} as a sign-in redirect URI,
 * and assign it to the users or groups who may sign in.
 *
 * <p><b>What it sets.</b> The authorization server's authorization, token, revocation and userinfo endpoints, its
 * issuer and keys, {@code groups} and {@code offline_access} upstream, the {@code upstreamName} "Okta" and the scopes
 * {@code openid profile email}. The builder offers {@code scopes}, {@code secret},
 * {@link Builder#authorizationServer}, {@link Builder#offlineAccess}, extra parameters (Okta reads {@code idp} to go
 * straight to one identity provider, {@code login_hint}, {@code prompt}); any other option of the proxy through
 * {@code proxyOptions(o -> ...)}.
 */
public final class OktaProvider extends ProxyPreset {

    private static final Pattern SERVER_ID = Pattern.compile("[A-Za-z0-9]+");
    private static final Pattern ISSUER_PATH = Pattern.compile("/oauth2/([A-Za-z0-9]+)(/.*)?");

    private OktaProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /**
     * Starts a configuration from the Okta domain ({@code https://dev-123.okta.com}, or a custom domain) and the
     * credentials of the Okta application.
     */
    public static Builder builder(String oktaDomain, String clientId, String clientSecret) {
        return new Builder(oktaDomain, clientId, clientSecret);
    }

    /**
     * The endpoints of the authorization server {@code serverId} of the org at {@code domain} (checked, without a
     * trailing slash); the org authorization server when {@code serverId} is null.
     */
    static EndpointLayout layout(String domain, String serverId) {
        String issuer = serverId == null ? domain : domain + "/oauth2/" + serverId;
        String v1 = (serverId == null ? domain + "/oauth2" : issuer) + "/v1";
        return new EndpointLayout(issuer, v1 + "/authorize", v1 + "/token", v1 + "/keys", v1 + "/userinfo",
                v1 + "/revoke");
    }

    /**
     * The scopes requested from Okta: those granted to the client, {@code groups} at the org authorization server
     * (which sends the groups claim only when asked for it), and {@code offline_access} for a refresh token.
     */
    static List<String> oktaScopes(List<String> granted, boolean orgServer, boolean offlineAccess) {
        List<String> scopes = new ArrayList<>(granted);
        if (orgServer && granted.contains("openid") && !scopes.contains("groups")) {
            scopes.add("groups");
        }
        return offlineAccess ? EndpointLayout.withOfflineAccess(scopes) : scopes;
    }

    /** Configures an {@link OktaProvider}: Okta's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private final String oktaDomain;
        private String authorizationServer;
        private boolean offlineAccess = true;

        private Builder(String oktaDomain, String clientId, String clientSecret) {
            super("OktaProvider", clientId, clientSecret);
            this.oktaDomain = oktaDomain;
            scopes("openid", "profile", "email");
        }

        /**
         * Signs users in at the custom authorization server with this id ({@code default}, or an id such as
         * {@code aus1a2b3c4d5e6f7g8h9} from Security, API, Authorization Servers) rather than the org
         * authorization server. See the class documentation for the difference.
         */
        public Builder authorizationServer(String id) {
            this.authorizationServer = id;
            return this;
        }

        /**
         * Whether to ask for {@code offline_access} upstream, so that Okta sends a refresh token and a sign-in
         * outlives Okta's access token; default true. It needs the Refresh Token grant type on the application.
         */
        public Builder offlineAccess(boolean offlineAccess) {
            this.offlineAccess = offlineAccess;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public OktaProvider build() {
            requireCredentials("the Okta Admin Console (Applications > your app > General: Client Credentials)");
            EndpointLayout okta = layout();
            OAuthProxy.Builder proxy = proxy(okta.upstream(clientId(), clientSecret(), "Okta"))
                    .upstreamIdentity(new UserInfo(okta.userInfoEndpoint(), "sub", false))
                    .sessionType(OktaSession::new);
            boolean orgServer = authorizationServer == null;
            boolean offline = offlineAccess;
            return new OktaProvider(proxy.upstreamScopes(granted -> oktaScopes(granted, orgServer, offline)).build());
        }

        /** The authorization server's endpoints, from the checked domain and id. */
        EndpointLayout layout() {
            return OktaProvider.layout(checkedDomain(), checkedServer());
        }

        /** The domain: an origin only, not the admin console's, not an issuer URL. */
        private String checkedDomain() {
            String url = requireUrl("oktaDomain", oktaDomain);
            String hint = "OktaProvider: oktaDomain must be your Okta domain alone, such as https://dev-123.okta.com "
                    + "(or your custom domain), was " + quoted(oktaDomain);
            URI u;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(hint, e);
            }
            String host = u.getHost().toLowerCase(Locale.ROOT);
            if (host.contains("-admin.okta")) {
                throw new IllegalArgumentException(hint + ". That is the Admin Console's address; users sign in at '"
                        + u.getScheme() + "://" + host.replace("-admin.okta", ".okta") + "'");
            }
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            Matcher issuer = ISSUER_PATH.matcher(path);
            if (issuer.matches() && !issuer.group(1).equals("v1")) {
                throw new IllegalArgumentException(hint + ". For the custom authorization server of that issuer, give "
                        + "the domain '" + u.getScheme() + "://" + u.getRawAuthority() + "' and .authorizationServer(\""
                        + issuer.group(1) + "\")");
            }
            if (!path.isEmpty() || u.getRawQuery() != null || u.getRawFragment() != null) {
                throw new IllegalArgumentException(hint + ". Give it without a path: '" + u.getScheme() + "://"
                        + u.getRawAuthority() + "'");
            }
            return url;
        }

        /** The custom authorization server's id, or null for the org authorization server. */
        private String checkedServer() {
            if (authorizationServer == null) {
                return null;
            }
            if (!SERVER_ID.matcher(authorizationServer).matches()) {
                throw new IllegalArgumentException("OktaProvider: authorizationServer must be the id of a custom "
                        + "authorization server, such as 'default' or 'aus1a2b3c4d5e6f7g8h9' (Security > API > "
                        + "Authorization Servers, the last part of its issuer URI), was " + quoted(authorizationServer)
                        + "; leave it unset for the org authorization server");
            }
            return authorizationServer;
        }
    }
}
