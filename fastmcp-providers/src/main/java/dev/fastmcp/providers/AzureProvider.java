package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.auth.proxy.UpstreamApi;
import dev.fastmcp.auth.proxy.UpstreamApiException;
import dev.fastmcp.auth.proxy.UpstreamIdentity;
import dev.fastmcp.auth.proxy.UpstreamTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sign-in with Microsoft Entra ID (Azure AD), v2.0 endpoints: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * AzureProvider azure = AzureProvider.builder(System.getenv("AZURE_CLIENT_ID"), System.getenv("AZURE_CLIENT_SECRET"))
 *         .tenant(System.getenv("AZURE_TENANT_ID"))      // or "organizations", "common", "consumers"
 *         .scopes("openid", "profile", "email", "notes.read")
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();
 * // in a tool:
 * AzureSession user = Auth.getAuthSession(ctx, AzureSession.class);
 * }</pre>
 *
 * <p><b>Scopes.</b> Clients see the scopes as configured; upstream, a scope of this application's own API
 * ({@code notes.read}) is sent as {@code <identifierUri>/notes.read} (default identifier URI
 * {@code api://<client id>}), OpenID scopes and full URIs as they are, plus {@code offline_access} (for a refresh
 * token) and any {@link Builder#additionalAuthorizeScopes}. No {@code resource} parameter is ever sent: the v2.0
 * endpoints refuse it (AADSTS901002).
 *
 * <p><b>Identity.</b> From the ID token, verified against the tenant's keys; its issuer is checked against the
 * token's own tenant ({@code <authority>/<tid>/v2.0}), so multi-tenant apps work, and the tenant against the
 * configured one (a tenant id admits only its users, {@code consumers} only personal accounts,
 * {@code organizations} none). Without the {@code openid} scope, from Microsoft Graph {@code /me}, which needs an
 * access token for Graph: request {@code additionalAuthorizeScopes("User.Read")} and no API scope. The access
 * token itself is never verified here: a token for Graph is not meant to be verified by anyone but Graph.
 *
 * <p>Register the application in the Entra admin center with {@code <baseUrl>/oauth/callback} as a Web redirect
 * URI.
 *
 * <p><b>What it sets.</b> The tenant's v2.0 authorization and token endpoints, its ID-token verifier, the
 * upstream spelling of scopes, the {@code upstreamName} "Microsoft", the scopes {@code openid profile email} and
 * {@code limitScopesToUpstreamGrant(false)}. The builder offers {@code scopes}, {@code secret},
 * {@link Builder#tenant}, {@link Builder#authorityBaseUrl} (national clouds), {@link Builder#graphBaseUrl},
 * {@link Builder#identifierUri} and {@link Builder#additionalAuthorizeScopes}; any other option of the proxy
 * through {@code proxyOptions(o -> ...)}.
 */
public final class AzureProvider extends ProxyPreset {

    static final String AUTHORITY = "https://login.microsoftonline.com";
    static final String GRAPH = "https://graph.microsoft.com/v1.0";
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "email", "offline_access");

    private AzureProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /** Starts a configuration with the credentials of the app registration; {@code tenant(...)} is required. */
    public static Builder builder(String clientId, String clientSecret) {
        return new Builder(clientId, clientSecret);
    }

    /** The upstream spelling of granted scopes (see the class documentation). */
    static List<String> azureScopes(List<String> granted, String identifierUri, List<String> additional) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : granted) {
            out.add(OIDC_SCOPES.contains(s) || s.contains("://") ? s : identifierUri + "/" + s);
        }
        out.add("offline_access");
        out.addAll(additional);
        return new ArrayList<>(out);
    }

    /** The user from the verified ID token, else from Graph {@code /me}. */
    static UpstreamIdentity identity(String graph, UpstreamTokens tokens, Map<String, Object> idClaims,
            UpstreamApi api) throws UpstreamApiException {
        if (idClaims != null) {
            Object oid = idClaims.get("oid");
            String subject = oid instanceof String s && !s.isBlank() ? s : UpstreamApi.requireString(idClaims, "sub");
            return new UpstreamIdentity(subject, idClaims);
        }
        Map<String, Object> me = api.getObject(graph + "/me", tokens.accessToken(), Map.of());
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("oid", me.get("id"));
        claims.put("upn", me.get("userPrincipalName"));
        claims.put("name", me.get("displayName"));
        claims.put("email", me.get("mail"));
        return new UpstreamIdentity(UpstreamApi.requireString(me, "id"), claims);
    }

    /** Configures an {@link AzureProvider}: Entra's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private String tenant;
        private String authorityBaseUrl = AUTHORITY;
        private String graphBaseUrl = GRAPH;
        private String identifierUri;
        private String jwksUri;
        private List<String> additionalAuthorizeScopes = List.of();

        private Builder(String clientId, String clientSecret) {
            super("AzureProvider", clientId, clientSecret);
            scopes("openid", "profile", "email");
            // Azure answers with api:// names, and only its resource's scopes
            proxyOptions(o -> o.claimsAndConsent(c -> c.limitScopesToUpstreamGrant(false)));
        }

        /**
         * Who may sign in: {@code common}, {@code organizations}, {@code consumers}, a directory (tenant) id or a
         * verified domain. Required; the tenant id of a single-tenant registration is the safe choice.
         */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** The login authority, default {@code https://login.microsoftonline.com} (others for national clouds). */
        public Builder authorityBaseUrl(String url) {
            this.authorityBaseUrl = url;
            return this;
        }

        /** Microsoft Graph's base URL, default {@code https://graph.microsoft.com/v1.0}. */
        public Builder graphBaseUrl(String url) {
            this.graphBaseUrl = url;
            return this;
        }

        /** The Application ID URI prefixed to this API's scopes upstream; default {@code api://<client id>}. */
        public Builder identifierUri(String uri) {
            this.identifierUri = uri;
            return this;
        }

        /** Scopes of other APIs requested upstream but not offered to clients, such as Graph's {@code User.Read}. */
        public Builder additionalAuthorizeScopes(String... scopes) {
            this.additionalAuthorizeScopes = List.copyOf(Arrays.asList(scopes));
            return this;
        }

        /** The keys of the ID tokens; default {@code <authority>/<tenant>/discovery/v2.0/keys}. For tests. */
        Builder jwksUri(String url) {
            this.jwksUri = url;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public AzureProvider build() {
            requireCredentials("the Entra admin center (App registrations > your app: Application (client) ID, "
                    + "Certificates & secrets)");
            AzureTenant t = AzureTenant.parse(tenant);
            String authority = requireUrl("authorityBaseUrl", authorityBaseUrl);
            String graph = requireUrl("graphBaseUrl", graphBaseUrl);
            String base = authority + "/" + t.value();
            Upstream azure = Upstream.of(base + "/oauth2/v2.0/authorize", base + "/oauth2/v2.0/token", clientId(),
                    clientSecret()).upstreamName("Microsoft");
            String keys = requireUrl("upstreamJwksUri", jwksUri != null ? jwksUri : base + "/discovery/v2.0/keys");
            String apiUri = identifierUri != null ? identifierUri : "api://" + clientId();
            List<String> additional = additionalAuthorizeScopes;
            return new AzureProvider(proxy(azure)
                    .upstreamScopes(granted -> azureScopes(granted, apiUri, additional))
                    .upstreamIdTokenVerifier(new AzureIdTokenVerifier(keys, authority, t, clientId(),
                            azure.upstreamTimeout()))
                    .upstreamIdentity((tokens, idClaims, api) -> identity(graph, tokens, idClaims, api))
                    .sessionType(AzureSession::new)
                    .build());
        }
    }
}
