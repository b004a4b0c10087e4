package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sign-in with Auth0: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * Auth0Provider auth0 = Auth0Provider.builder("example.us.auth0.com", clientId, clientSecret)
 *         .audience("https://api.example.com")           // optional: an access token for your Auth0 API
 *         .rolesClaim("https://example.com/roles")       // optional: roles added to the tokens by an Action
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();
 * // in a tool:
 * Auth0Session user = Auth.getAuthSession(ctx, Auth0Session.class);
 * }</pre>
 *
 * <p><b>Domain.</b> The tenant's domain ({@code example.us.auth0.com}) or its custom domain
 * ({@code login.example.com}), a host name only. The endpoints are under it: {@code /authorize},
 * {@code /oauth/token}, {@code /userinfo}, {@code /oauth/revoke} and the keys at {@code /.well-known/jwks.json}.
 * Auth0's issuer is {@code https://<domain>/}, with a trailing slash, and ID tokens are checked against exactly that.
 * For tests and local emulators of Auth0, a loopback origin ({@code http://127.0.0.1:PORT} or
 * {@code http://localhost:PORT}) is accepted as the domain too: the endpoints and the issuer are then under it.
 *
 * <p><b>Audience.</b> Without {@link Builder#audience}, Auth0 returns an opaque access token that is only good for
 * its {@code /userinfo}. With the identifier of an API registered in Auth0, sent as the {@code audience}
 * authorization parameter, the access token is a JWT for that API, which tools can pass on to it, and which
 * carries the user's {@code permissions} when the API has RBAC with "Add Permissions in the Access Token".
 *
 * <p><b>Permissions are scopes.</b> Give the API's permissions as this server's scopes
 * ({@code scopes("openid", "profile", "email", "read:notes")}). With RBAC enabled on the API, Auth0 grants only the
 * requested permissions the user holds; the session keeps only the scopes Auth0 granted (its token answer's
 * {@code scope}, and the {@code scope} claim of its access token), so {@code requireScopes("read:notes")} checks
 * the client's grant and the user's permission at once. {@link Auth0Session#permissions()} lists all the user's
 * permissions for the API, requested or not.
 *
 * <p><b>Roles.</b> Auth0 puts no roles in tokens by itself; a post-login Action adds them as a custom claim, named
 * with a namespace URL. {@link Builder#rolesClaim} names that claim, and its values become the session's roles, for
 * {@code requireRole}.
 *
 * <p><b>Identity.</b> From the ID token, verified against the tenant's keys (issuer {@code https://<domain>/},
 * audience = the client id, expiry, nonce); without the {@code openid} scope, from {@code /userinfo}. The subject is
 * Auth0's user id, such as {@code auth0|64b0...} or {@code google-oauth2|1043...}.
 *
 * <p>In the Auth0 Dashboard create a "Regular Web Application", add {@code <baseUrl>/oauth/callback} to its
 * Allowed Callback URLs, and enable the Refresh Token grant (Advanced Settings, Grant Types). For an API's refresh
 * tokens, also "Allow Offline Access" in the API's settings.
 *
 * <p><b>What it sets.</b> The domain's authorization, token, revocation and userinfo endpoints, its issuer (with the
 * trailing slash) and JWKS, client credentials in the form (Auth0's default), {@code offline_access} added to the
 * upstream scopes (for a refresh token), the {@code audience} parameter when configured, the {@code upstreamName}
 * "Auth0" and the scopes {@code openid profile email}. The builder offers {@code scopes}, {@code secret},
 * {@code extraAuthorizationParams} (for {@code organization}, {@code connection}, {@code prompt}, ...),
 * {@code extraTokenParams}, {@link Builder#audience} and {@link Builder#rolesClaim}; any other option of the proxy
 * through {@code proxyOptions(o -> ...)}.
 */
public final class Auth0Provider extends ProxyPreset {

    private static final Pattern HOST = Pattern.compile(
            "(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]");

    /** A loopback origin with its port, accepted in place of a domain for tests and local emulators. */
    private static final Pattern LOOPBACK_ORIGIN = Pattern.compile(
            "http://(127\\.0\\.0\\.1|localhost):([1-9][0-9]{0,4})");

    private Auth0Provider(OAuthProxy proxy) {
        super(proxy);
    }

    /**
     * Starts a configuration with the tenant's domain ({@code example.us.auth0.com}, or a custom domain such as
     * {@code login.example.com}) and the credentials of the Auth0 application.
     */
    public static Builder builder(String domain, String clientId, String clientSecret) {
        return new Builder(domain, clientId, clientSecret);
    }

    /**
     * Auth0's endpoints under one domain.
     *
     * @param issuer the {@code iss} of its ID tokens: the origin with a trailing slash
     */
    record Endpoints(String authorization, String token, String userInfo, String revocation, String jwks,
            String issuer) {

        /** The endpoints under {@code origin} ({@code https://<domain>}, no trailing slash). */
        static Endpoints at(String origin) {
            return new Endpoints(origin + "/authorize", origin + "/oauth/token", origin + "/userinfo",
                    origin + "/oauth/revoke", origin + "/.well-known/jwks.json", origin + "/");
        }
    }

    /** Checks the domain: a host name, lower-cased; the error shows what to write instead. */
    static String domain(String domain) {
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException("Auth0Provider: the domain is missing (was "
                    + PresetBuilder.quoted(domain) + "). Pass your tenant's domain, such as 'example.us.auth0.com' "
                    + "(Auth0 Dashboard > Applications > your application > Settings > Domain), or your custom "
                    + "domain, to "
                    + "Auth0Provider.builder(domain, clientId, clientSecret)");
        }
        String d = domain.trim().toLowerCase(Locale.ROOT);
        if (HOST.matcher(d).matches()) {
            return d;
        }
        String host = d.replaceFirst("^[a-z][a-z0-9+.-]*://", "").replaceFirst("[/?#].*$", "")
                .replaceFirst(":\\d*$", "");
        String fix = HOST.matcher(host).matches() ? " Use '" + host + "'" : " Use the Domain shown in your "
                + "application's settings";
        throw new IllegalArgumentException("Auth0Provider: the domain '" + domain + "' is not a host name. Give the "
                + "host only, such as 'example.us.auth0.com' or 'login.example.com', without https://, a port or a "
                + "path: the preset adds https:// and Auth0's paths itself." + fix);
    }

    /**
     * The origin of Auth0's endpoints for {@code domain}: {@code https://<domain>} for a host name (checked by
     * {@link #domain}), or a loopback origin as given ({@code http://127.0.0.1:PORT}, {@code http://localhost:PORT}),
     * lower-cased, for tests and local emulators.
     */
    static String origin(String domain) {
        if (domain != null) {
            String d = domain.trim().toLowerCase(Locale.ROOT);
            Matcher loopback = LOOPBACK_ORIGIN.matcher(d);
            if (loopback.matches() && Integer.parseInt(loopback.group(2)) <= 65535) {
                return d;
            }
        }
        return "https://" + domain(domain);
    }

    /** The upstream scopes: the granted ones, plus {@code offline_access} for a refresh token. */
    static List<String> withOfflineAccess(List<String> granted) {
        List<String> out = new ArrayList<>(granted);
        if (!out.contains("offline_access")) {
            out.add("offline_access");
        }
        return out;
    }

    /** Configures an {@link Auth0Provider}: Auth0's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private final String domain;
        private String audience;
        private String rolesClaim;
        private String origin;

        private Builder(String domain, String clientId, String clientSecret) {
            super("Auth0Provider", clientId, clientSecret);
            this.domain = domain;
            scopes("openid", "profile", "email");
        }

        /**
         * The identifier of an API registered in Auth0 (Applications &gt; APIs), such as
         * {@code https://api.example.com}, sent as the {@code audience} authorization parameter: the access token
         * is then a JWT for that API, with the user's {@code permissions} when RBAC adds them. Without it, Auth0's
         * access token is opaque and only good for its {@code /userinfo}.
         */
        public Builder audience(String apiIdentifier) {
            this.audience = apiIdentifier;
            return this;
        }

        /**
         * The custom claim holding the user's roles, added to the tokens by a post-login Action, such as
         * {@code https://example.com/roles}: its values become {@link Auth0Session#roles()}.
         */
        public Builder rolesClaim(String claim) {
            this.rolesClaim = claim;
            return this;
        }

        /** Replaces {@code https://<domain>} as the origin of every endpoint and of the issuer. For tests. */
        Builder origin(String url) {
            this.origin = url;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public Auth0Provider build() {
            String domainOrigin = Auth0Provider.origin(domain);
            requireCredentials("the Auth0 Dashboard (Applications > your application > Settings)");
            if (audience != null && audience.isBlank()) {
                throw new IllegalArgumentException("Auth0Provider: audience is blank. Give the Identifier of your API "
                        + "(Auth0 Dashboard > Applications > APIs), such as 'https://api.example.com', or leave "
                        + "audience unset for an access token that is only good for /userinfo");
            }
            if (rolesClaim != null && rolesClaim.isBlank()) {
                throw new IllegalArgumentException("Auth0Provider: rolesClaim is blank. Give the name of the claim "
                        + "your Action adds, such as 'https://example.com/roles', or leave it unset");
            }
            Endpoints at = Endpoints.at(origin != null ? requireUrl("origin", origin) : domainOrigin);
            Upstream auth0 = Upstream.of(at.authorization(), at.token(), clientId(), clientSecret())
                    .upstreamTokenEndpointAuthMethod("post")
                    .upstreamRevocationEndpoint(at.revocation())
                    .upstreamIssuer(at.issuer())
                    .upstreamJwksUri(at.jwks())
                    .upstreamName("Auth0");
            if (audience != null) {
                auth0 = auth0.extraAuthorizationParams(Map.of("audience", audience.trim()));
            }
            String roles = rolesClaim == null ? null : rolesClaim.trim();
            return new Auth0Provider(proxy(auth0)
                    .upstreamScopes(Auth0Provider::withOfflineAccess)
                    .upstreamIdentity(new UserInfo(at.userInfo(), "sub", false))
                    .sessionType(base -> new Auth0Session(base, roles))
                    .build());
        }
    }
}
