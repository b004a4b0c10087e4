package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import java.net.URI;
import java.util.Locale;

/**
 * Sign-in with an Amazon Cognito user pool: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * CognitoProvider cognito = CognitoProvider.builder("https://myapp.auth.eu-west-1.amazoncognito.com",
 *                 clientId, clientSecret)
 *         .userPool("eu-west-1", "eu-west-1_AbCdEf123")
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();
 * // in a tool:
 * CognitoSession user = Auth.getAuthSession(ctx, CognitoSession.class);
 * }</pre>
 *
 * <p><b>Two hosts.</b> The sign-in pages and the token endpoint are on the pool's domain, a Cognito prefix domain
 * ({@code https://<prefix>.auth.<region>.amazoncognito.com}) or a custom one: {@code /oauth2/authorize},
 * {@code /oauth2/token}, {@code /oauth2/revoke}. The tokens are issued by
 * {@code https://cognito-idp.<region>.amazonaws.com/<user pool id>}, whose keys are at
 * {@code <issuer>/.well-known/jwks.json}; hence {@link Builder#userPool} (required), whose region must be the one
 * the pool id starts with.
 *
 * <p><b>Tokens.</b> Cognito's ID token names this app client in {@code aud} and says {@code token_use: id}; its
 * access token has no {@code aud}, but {@code client_id} and {@code token_use: access}. Both are verified for
 * their own shape (signature, issuer, expiry, kind, app client) at every sign-in, and must name the same user.
 *
 * <p><b>Identity.</b> The subject is the user's {@code sub}, which never changes. The session's roles are the user's
 * groups ({@code cognito:groups}), for {@code requireRole}; the profile comes from the ID token (with the
 * {@code openid} scope), which carries the attributes the app client may read, so {@code /oauth2/userInfo} is not
 * called.
 *
 * <p>In the Amazon Cognito console, give the user pool a domain, and create an app client with a client secret
 * (a "Traditional web application"), {@code <baseUrl>/oauth/callback} as an allowed callback URL, the
 * authorization code grant, and the scopes {@code openid email profile} (and any of your resource servers).
 *
 * <p><b>What it sets.</b> The domain's authorization, token and revocation endpoints, the pool's issuer and keys
 * with the verification of both kinds of token, the {@code upstreamName} "Amazon Cognito" and the scopes
 * {@code openid email profile}. The builder offers {@code scopes}, {@code secret}, {@code extraAuthorizationParams}
 * (for {@code identity_provider}, {@code idp_identifier}, {@code lang}, ...), {@code extraTokenParams} and
 * {@link Builder#userPool}; any other option of the proxy through {@code proxyOptions(o -> ...)}.
 */
public final class CognitoProvider extends ProxyPreset {

    private CognitoProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /**
     * Starts a configuration with the user pool's domain ({@code https://myapp.auth.eu-west-1.amazoncognito.com},
     * or a custom domain such as {@code https://auth.example.com}) and the credentials of the app client;
     * {@code userPool(region, userPoolId)} is required.
     */
    public static Builder builder(String domain, String clientId, String clientSecret) {
        return new Builder(domain, clientId, clientSecret);
    }

    /**
     * The endpoints of a pool: those of the sign-in on its domain, the issuer and keys at AWS.
     *
     * @param issuer the {@code iss} of the pool's tokens
     */
    record Endpoints(String authorization, String token, String revocation, String issuer, String jwks) {

        /** The endpoints of the pool whose domain is {@code origin} and whose tokens' issuer is {@code issuer}. */
        static Endpoints of(String origin, String issuer) {
            return new Endpoints(origin + "/oauth2/authorize", origin + "/oauth2/token", origin + "/oauth2/revoke",
                    issuer, issuer + "/.well-known/jwks.json");
        }
    }

    /** Configures a {@link CognitoProvider}: Cognito's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private final String domain;
        private String region;
        private String userPoolId;
        private String issuerBase;

        private Builder(String domain, String clientId, String clientSecret) {
            super("CognitoProvider", clientId, clientSecret);
            this.domain = domain;
            scopes("openid", "email", "profile");
        }

        /**
         * The user pool: its AWS region ({@code eu-west-1}) and its id ({@code eu-west-1_AbCdEf123}, which starts
         * with the region). Required: the pool's tokens are issued by
         * {@code https://cognito-idp.<region>.amazonaws.com/<userPoolId>}.
         */
        public Builder userPool(String region, String userPoolId) {
            this.region = region;
            this.userPoolId = userPoolId;
            return this;
        }

        /** Replaces {@code https://cognito-idp.<region>.amazonaws.com}, where the issuer is. For tests. */
        Builder issuerBase(String url) {
            this.issuerBase = url;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public CognitoProvider build() {
            String origin = origin(domain);
            CognitoUserPool pool = CognitoUserPool.parse(region, userPoolId);
            pool.requireDomainRegion(URI.create(origin).getHost());
            requireCredentials("the Amazon Cognito console (User pools > your pool > App clients)");
            String issuer = pool.issuer(issuerBase != null ? requireUrl("issuerBase", issuerBase) : pool.issuerBase());
            Endpoints at = Endpoints.of(origin, issuer);
            Upstream cognito = Upstream.of(at.authorization(), at.token(), clientId(), clientSecret())
                    .upstreamRevocationEndpoint(at.revocation())
                    .upstreamName("Amazon Cognito");
            CognitoTokens tokens = new CognitoTokens(at.jwks(), at.issuer(), clientId(), cognito.upstreamTimeout());
            return new CognitoProvider(proxy(cognito)
                    .upstreamIdTokenVerifier(tokens::verifyIdToken)
                    .upstreamIdentity(tokens::identity)
                    .sessionType(CognitoSession::new)
                    .build());
        }

        /** The domain as an origin: an https URL without a path, lower-cased. */
        private String origin(String domain) {
            if (domain == null || domain.isBlank()) {
                throw new IllegalArgumentException("CognitoProvider: the domain is missing (was " + quoted(domain)
                        + "). Pass the user pool's domain, such as 'https://myapp.auth.eu-west-1.amazoncognito.com' "
                        + "or your custom domain 'https://auth.example.com', to "
                        + "CognitoProvider.builder(domain, clientId, clientSecret)");
            }
            String d = domain.trim();
            if (!d.contains("://")) {
                throw new IllegalArgumentException("CognitoProvider: the domain '" + domain + "' must be an https URL. "
                        + "Use 'https://" + d.replaceFirst("/.*$", "") + "'");
            }
            String origin = requireUrl("domain", d);
            URI u = URI.create(origin);
            if (u.getRawPath() != null && !u.getRawPath().isEmpty() || u.getRawQuery() != null
                    || u.getRawFragment() != null) {
                throw new IllegalArgumentException("CognitoProvider: the domain '" + domain + "' must have no path: "
                        + "the preset adds Cognito's /oauth2/... paths itself. Use '" + u.getScheme() + "://"
                        + u.getRawAuthority() + "'");
            }
            return u.getScheme().toLowerCase(Locale.ROOT) + "://"
                    + u.getRawAuthority().toLowerCase(Locale.ROOT);
        }
    }
}
