package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sign-in with a Keycloak realm: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * KeycloakProvider keycloak = KeycloakProvider.builder("https://sso.example.com/realms/main",
 *                 System.getenv("KEYCLOAK_CLIENT_ID"), System.getenv("KEYCLOAK_CLIENT_SECRET"))
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();
 * // in a tool:
 * KeycloakSession user = Auth.getAuthSession(ctx, KeycloakSession.class);
 * }</pre>
 *
 * <p><b>Endpoints.</b> Computed from the realm URL, not discovered: Keycloak serves every realm's OpenID Connect
 * endpoints at {@code <realm URL>/protocol/openid-connect/} followed by {@code auth}, {@code token}, {@code certs}
 * (the keys), {@code userinfo} and {@code revoke}, and the realm URL is the issuer of its tokens. Computing them
 * means that building needs no network, so a server starts while Keycloak is down, and a mistyped realm fails at
 * build with the URL to give rather than at the first sign-in. ({@link OIDCProvider} reads the same endpoints from
 * the discovery document.) Keycloak before version 17 served realms under {@code /auth/realms/...}; that prefix,
 * like any path of a reverse proxy, is part of the realm URL. The realm URL must be the issuer exactly as Keycloak
 * writes it, the {@code issuer} of {@code <realm URL>/.well-known/openid-configuration}, which follows Keycloak's
 * {@code hostname} setting.
 *
 * <p><b>Identity.</b> From the ID token, verified against the realm's keys (issuer = the realm URL, audience = the
 * client id, expiry, nonce); without the {@code openid} scope, from the userinfo endpoint. Keycloak's default
 * mappers put the roles ({@code realm_access}, {@code resource_access}) in the access token and not in the ID
 * token; the proxy keeps the claims of both tokens it received from the token endpoint, so
 * {@link KeycloakSession#roles()} has them either way (unless the client sends lightweight access tokens: then map
 * the roles into the ID token).
 *
 * <p><b>Scopes and refresh tokens.</b> It requests {@code openid profile email}. Keycloak answers with a refresh
 * token, which the proxy uses to renew the upstream access token (5 minutes by default) when it renews its own
 * tokens (every {@code accessTokenTtl}, one hour by default) or a tool asks for them. That refresh token lives only
 * as long as the user's SSO session, and the sign-in ends with it: signing out of Keycloak ends it here too, and so
 * does SSO Session Idle (30 minutes by default), so that a sign-in whose tools do not use Keycloak's tokens ends
 * after about an hour. Set the realm's SSO Session Idle above {@code accessTokenTtl} (Realm settings, Sessions), or
 * ask for an offline token with {@link Builder#offlineAccess(boolean)}, which outlives the session (Offline Session
 * Idle, 30 days by default).
 *
 * <p>In the Keycloak admin console create an OpenID Connect client in the realm with client authentication on and
 * the standard flow enabled, and add {@code <baseUrl>/oauth/callback} as a valid redirect URI.
 *
 * <p><b>What it sets.</b> The realm's authorization, token, revocation and userinfo endpoints, its issuer and
 * keys, the {@code upstreamName} "Keycloak" and the scopes {@code openid profile email}. The builder offers
 * {@code scopes}, {@code secret}, {@link Builder#offlineAccess}, extra parameters (Keycloak reads
 * {@code kc_idp_hint} to go straight to one identity provider of the realm, {@code login_hint}, {@code prompt},
 * {@code ui_locales}); any other option of the proxy through {@code proxyOptions(o -> ...)}.
 */
public final class KeycloakProvider extends ProxyPreset {

    private static final Pattern REALM_PATH = Pattern.compile("(.*/realms/[^/]+)(/.*)?");

    private KeycloakProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /**
     * Starts a configuration from the realm's URL ({@code https://sso.example.com/realms/main}) and the credentials
     * of this server's client in that realm.
     */
    public static Builder builder(String realmUrl, String clientId, String clientSecret) {
        return new Builder(realmUrl, clientId, clientSecret);
    }

    /** The endpoints of the realm at {@code realmUrl} (checked, without a trailing slash). */
    static EndpointLayout layout(String realmUrl) {
        String oidc = realmUrl + "/protocol/openid-connect";
        return new EndpointLayout(realmUrl, oidc + "/auth", oidc + "/token", oidc + "/certs", oidc + "/userinfo",
                oidc + "/revoke");
    }

    /** Configures a {@link KeycloakProvider}: the realm's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private final String realmUrl;
        private boolean offlineAccess;

        private Builder(String realmUrl, String clientId, String clientSecret) {
            super("KeycloakProvider", clientId, clientSecret);
            this.realmUrl = realmUrl;
            scopes("openid", "profile", "email");
        }

        /**
         * Whether to ask Keycloak for an offline token ({@code offline_access}, added upstream only), so that a
         * sign-in outlives the user's SSO session, up to the realm's Offline Session Idle and Max; default false.
         * The user needs the {@code offline_access} realm role (in the realm's default roles unless removed).
         */
        public Builder offlineAccess(boolean offlineAccess) {
            this.offlineAccess = offlineAccess;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public KeycloakProvider build() {
            requireCredentials("the Keycloak admin console (Clients > your client: Client ID, and Credentials)");
            EndpointLayout realm = layout();
            Upstream keycloak = realm.upstream(clientId(), clientSecret(), "Keycloak");
            OAuthProxy.Builder proxy = proxy(keycloak)
                    .upstreamIdentity(new UserInfo(realm.userInfoEndpoint(), "sub", false))
                    .sessionType(base -> new KeycloakSession(base, clientId()));
            if (offlineAccess) {
                proxy.upstreamScopes(EndpointLayout::withOfflineAccess);
            }
            return new KeycloakProvider(proxy.build());
        }

        /** The realm's endpoints, from its checked URL. */
        EndpointLayout layout() {
            return KeycloakProvider.layout(checkedRealmUrl());
        }

        /** The realm URL, which must end with {@code /realms/<name>}; a longer one gets a suggestion. */
        private String checkedRealmUrl() {
            String url = requireUrl("realmUrl", realmUrl);
            String hint = "KeycloakProvider: realmUrl must be the URL of one realm, <server>/realms/<realm name>, "
                    + "such as https://sso.example.com/realms/main (before Keycloak 17: "
                    + "https://sso.example.com/auth/realms/main), was " + quoted(realmUrl)
                    + ". It is the issuer that <realm URL>/.well-known/openid-configuration names";
            URI u;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException(hint, e);
            }
            Matcher m = REALM_PATH.matcher(u.getRawPath() == null ? "" : u.getRawPath());
            if (u.getRawQuery() != null || u.getRawFragment() != null || !m.matches()) {
                throw new IllegalArgumentException(hint);
            }
            if (m.group(2) != null) {
                String realm = u.getScheme() + "://" + u.getRawAuthority() + m.group(1);
                throw new IllegalArgumentException(hint + ". Did you mean '" + realm + "'?");
            }
            return url;
        }
    }
}
