package dev.fastmcp.auth;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.HttpRoute;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OAuth 2.1 authorization server for MCP clients in front of an upstream identity provider (Google, GitHub,
 * Azure, any OAuth 2.0 or OpenID Connect server) that knows nothing about MCP. Clients register dynamically
 * (RFC 7591), sign the user in through the provider after a consent page, and receive tokens this proxy issues;
 * the provider's tokens stay on the server, where tools reach them through {@link ProxySession} or
 * {@link #loadUpstreamTokens}.
 *
 * <pre>{@code
 * OAuthProxy proxy = OAuthProxy.builder()
 *         .upstreamAuthorizationEndpoint("https://provider.example/oauth/authorize")
 *         .upstreamTokenEndpoint("https://provider.example/oauth/token")
 *         .upstreamClientId(System.getenv("OAUTH_CLIENT_ID"))
 *         .upstreamClientSecret(System.getenv("OAUTH_CLIENT_SECRET"))
 *         .scopes("openid", "profile")
 *         .secret(System.getenv("FASTMCP_SECRET"))   // signing, storage and consent keys, the same on every instance
 *         .build();
 * FastMCP.builder("notes", "1.0.0").auth(proxy).baseUrl("https://mcp.example.com").build().start();
 * }</pre>
 *
 * <p>Endpoints, under the server's base path: {@code POST /oauth/register}, {@code GET /oauth/authorize},
 * {@code GET|POST /oauth/consent}, {@code GET /oauth/callback} (see {@link Builder#redirectPath}),
 * {@code POST /oauth/token} and {@code POST /oauth/revoke}; the server adds the RFC 8414 and RFC 9728 metadata.
 * Register {@code <baseUrl>/oauth/callback} as the redirect URI of the upstream OAuth application.
 *
 * <p>Security properties: PKCE S256 is required of clients; redirect URIs must match registered ones exactly;
 * consent is asked before any upstream redirect, CSRF-protected, and bound to the browser by a cookie the callback
 * checks; codes and upstream states are single use; a replayed code revokes what it issued; refresh tokens are
 * bound to their client and rotate; every piece of state lives in the {@link TokenStorage}, encrypted by default
 * and keyed by keyed hashes of secret values.
 */
public final class OAuthProxy implements AuthProvider {

    private final ProxySettings settings;
    private final ProxyStore store;
    private volatile Runtime runtime;

    /** The configured endpoints and services, once the server's URLs are known. */
    private record Runtime(ProxyContext ctx, ClientRegistry clients, AuthorizeEndpoint authorize,
            CallbackEndpoint callback, TokenEndpoint token, TokenService tokens) {
    }

    OAuthProxy(ProxySettings settings) {
        this.settings = settings;
        this.store = new ProxyStore(settings.storage(), settings.storageKeyHashKey());
    }

    /** Starts a configuration; see {@link Builder} for every option. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized void configure(ServerUrls urls) {
        if (settings.baseUrl() != null
                && !ProxyContext.normalize(settings.baseUrl()).equals(ProxyContext.normalize(urls.baseUrl()))) {
            throw new IllegalStateException("OAuthProxy baseUrl '" + settings.baseUrl() + "' differs from the server's "
                    + "base URL '" + urls.baseUrl() + "'; set the same URL on both, or leave it off the proxy");
        }
        ProxyContext ctx = new ProxyContext(settings, store, urls);
        ClientRegistry clients = new ClientRegistry(ctx);
        TokenService tokens = new TokenService(ctx);
        AuthorizeEndpoint authorize = new AuthorizeEndpoint(ctx, clients);
        runtime = new Runtime(ctx, clients, authorize, new CallbackEndpoint(ctx, authorize, tokens),
                new TokenEndpoint(ctx, clients, tokens), tokens);
    }

    private Runtime runtime() {
        Runtime r = runtime;
        if (r == null) {
            throw new IllegalStateException("OAuthProxy is not configured yet: pass it to FastMCP.builder(...).auth(...) "
                    + "and start the server first");
        }
        return r;
    }

    /**
     * Verifies the access tokens this proxy issued; refresh tokens, upstream tokens and revoked ones fail. With
     * {@code enableTokenSwap(false)} it is the configured {@code upstreamTokenVerifier}, and sessions are what
     * that verifier returns (not {@link ProxySession}s).
     */
    @Override
    public TokenVerifier tokenVerifier() {
        if (!settings.tokenSwap()) {
            return settings.upstreamTokenVerifier();
        }
        return token -> {
            Runtime r = runtime;
            return r == null ? TokenVerification.invalid("the OAuth proxy is not configured yet")
                    : r.tokens().verifyAccess(token);
        };
    }

    @Override
    public List<String> authorizationServers() {
        return List.of(runtime().ctx().baseUrl);
    }

    /**
     * The issuer URL: the server's base URL once configured, before that the {@code baseUrl} given to the
     * builder; without either the URLs are unknown.
     */
    private String issuerUrl() {
        Runtime r = runtime;
        if (r != null) {
            return r.ctx().baseUrl;
        }
        String base = settings.baseUrl();
        if (base == null) {
            throw new IllegalStateException("OAuthProxy metadata needs the server's public URL: give baseUrl(...) to "
                    + "OAuthProxy.builder() to read it before the server starts, or start the server first");
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    @Override
    public List<String> scopesSupported() {
        return settings.scopes();
    }

    /**
     * The RFC 8414 metadata, also served at the OpenID Connect discovery location. Available before the server
     * starts when {@code baseUrl} was given to the builder.
     *
     * @throws IllegalStateException when neither the server has started nor a {@code baseUrl} was given
     */
    @Override
    public Map<String, Object> authorizationServerMetadata() {
        String issuer = issuerUrl();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("authorization_endpoint", issuer + "/oauth/authorize");
        m.put("token_endpoint", issuer + "/oauth/token");
        m.put("registration_endpoint", issuer + "/oauth/register");
        m.put("revocation_endpoint", issuer + "/oauth/revoke");
        if (!settings.scopes().isEmpty()) {
            m.put("scopes_supported", settings.scopes());
        }
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        m.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("token_endpoint_auth_methods_supported", List.of("none", "client_secret_basic", "client_secret_post"));
        m.put("revocation_endpoint_auth_methods_supported", List.of("none", "client_secret_basic", "client_secret_post"));
        m.put("authorization_response_iss_parameter_supported", true);
        return m;
    }

    /** The seed's name for {@link #authorizationServerMetadata()}. */
    public Map<String, Object> getAuthorizationServerMetadata() {
        return authorizationServerMetadata();
    }

    @Override
    public List<HttpRoute> routes() {
        Runtime r = runtime();
        // Each endpoint declares the most it will ever accept, so that the server refuses anything larger while
        // receiving it rather than buffering up to its own (much larger) request limit first.
        long form = ProxyHttp.MAX_FORM_BYTES;
        return List.of(
                HttpRoute.publicCors("POST", "/oauth/register", r.clients()::register)
                        .withMaxBodyBytes(ClientMetadata.MAX_BODY_BYTES),
                new HttpRoute("GET", "/oauth/authorize", r.authorize()::authorize).withMaxBodyBytes(form),
                new HttpRoute("GET", "/oauth/consent", r.authorize()::showConsent).withMaxBodyBytes(form),
                new HttpRoute("POST", "/oauth/consent", r.authorize()::decide).withMaxBodyBytes(form),
                new HttpRoute("GET", settings.redirectPath(), r.callback()::callback).withMaxBodyBytes(form),
                HttpRoute.publicCors("POST", "/oauth/token", r.token()::token).withMaxBodyBytes(form),
                HttpRoute.publicCors("POST", "/oauth/revoke", r.token()::revoke).withMaxBodyBytes(form));
    }

    /**
     * The upstream tokens behind one of our access tokens (as received in the {@code Authorization} header,
     * without {@code Bearer }), refreshed upstream first when they expired; null for an invalid, expired or
     * revoked token. Inside a tool, {@code ((ProxySession) ctx.auth()).upstreamTokens()} does the same.
     */
    public UpstreamTokens loadUpstreamTokens(String clientAccessToken) {
        Runtime r = runtime;
        if (r == null || clientAccessToken == null) {
            return null;
        }
        TokenVerification v = r.tokens().verifyAccess(clientAccessToken);
        return v.isValid() && v.session() instanceof ProxySession s ? s.upstreamTokens() : null;
    }

    /** The storage holding the proxy's state (the encrypting wrapper when encryption is on). */
    TokenStorage storage() {
        return settings.storage();
    }

    @Override
    public String toString() {
        return "OAuthProxy[upstream=" + settings.upstreamAuthorizationEndpoint() + ", redirectPath="
                + settings.redirectPath() + "]";
    }

    /** Configures an {@link OAuthProxy}; the option names follow the OAuth proxy documentation. */
    public static final class Builder extends OAuthProxyOptions<Builder> {

        Builder() {
        }

        /** Checks the configuration (each error says what to change), resolves the keys and builds the proxy. */
        public OAuthProxy build() {
            return new OAuthProxy(resolve());
        }
    }
}
