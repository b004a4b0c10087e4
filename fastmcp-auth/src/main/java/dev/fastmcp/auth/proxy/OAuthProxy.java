package dev.fastmcp.auth.proxy;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.HttpRoute;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.storage.TokenStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * An OAuth 2.1 authorization server for MCP clients in front of an upstream identity provider (Google, GitHub,
 * Azure, any OAuth 2.0 or OpenID Connect server) that knows nothing about MCP. Clients identify themselves with a
 * metadata document at an https URL (their {@code client_id}) or register dynamically (RFC 7591; see
 * {@link Clients}), sign the user in through the identity provider after a consent page, and receive tokens this proxy
 * issues; the identity provider's tokens stay on the server, where tools reach them through {@link ProxySession}
 * or {@link #loadUpstreamTokens}.
 *
 * <pre>{@code
 * OAuthProxy proxy = OAuthProxy.builder(Upstream.of("https://idp.example.com/oauth/authorize",
 *                 "https://idp.example.com/oauth/token",
 *                 System.getenv("OAUTH_CLIENT_ID"), System.getenv("OAUTH_CLIENT_SECRET")))
 *         .scopes("openid", "profile")
 *         .secret(System.getenv("FASTMCP_SECRET"))   // signing, storage and consent keys, the same on every instance
 *         .lifetimes(l -> l.accessTokenTtl(Duration.ofMinutes(15)))
 *         .build();
 * FastMCP.builder("notes", "1.0.0").auth(proxy).baseUrl("https://mcp.example.com").build().start();
 * }</pre>
 *
 * <p>Endpoints, under the server's base path: {@code POST /oauth/register}, {@code GET /oauth/authorize},
 * {@code GET|POST /oauth/consent}, {@code GET /oauth/callback} (see {@link ProxyOptions#redirectPath}),
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
        this.store = new ProxyStore(settings.keys().storage(), settings.keys().keyHash());
    }

    /** Starts a configuration with the identity provider's endpoints and credentials; {@link Builder} has the rest. */
    public static Builder builder(Upstream upstream) {
        return new Builder(upstream);
    }

    @Override
    public synchronized void configure(ServerUrls urls) {
        String baseUrl = settings.options().baseUrl();
        if (baseUrl != null && !ProxyContext.normalize(baseUrl).equals(ProxyContext.normalize(urls.baseUrl()))) {
            throw new IllegalStateException("OAuthProxy baseUrl '" + baseUrl + "' differs from the server's "
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
        String base = settings.options().baseUrl();
        if (base == null) {
            throw new IllegalStateException("OAuthProxy metadata needs the server's public URL: give baseUrl(...) to "
                    + "the proxy's options (options(o -> o.baseUrl(url))) to read it before the server starts, or "
                    + "start the server first");
        }
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return base;
    }

    @Override
    public List<String> scopesSupported() {
        return settings.options().scopes();
    }

    /**
     * The RFC 8414 metadata (not an OpenID Connect discovery document: the proxy issues no ID tokens, so the server
     * serves nothing at {@code /.well-known/openid-configuration}). Available before the server
     * starts when {@code baseUrl} was given to the builder.
     *
     * @throws IllegalStateException when neither the server has started nor a {@code baseUrl} was given
     */
    @Override
    public Map<String, Object> authorizationServerMetadata() {
        return ProxyMetadata.document(issuerUrl(), settings.options().scopes(), settings.clients());
    }

    /** The MCP extension id of the client-credentials grant, advertised when machine clients are configured. */
    public static final String CLIENT_CREDENTIALS_EXTENSION = "io.modelcontextprotocol/oauth-client-credentials";

    /** {@value #CLIENT_CREDENTIALS_EXTENSION} when machine clients are configured ({@link Clients#clientCredentials}). */
    @Override
    public Map<String, Object> extensions() {
        return settings.clients().machineClients().isEmpty() ? Map.of()
                : Map.of(CLIENT_CREDENTIALS_EXTENSION, Map.of());
    }

    /** Whether its storage is shared by several instances ({@code TokenStorage.sharedAcrossInstances}). */
    @Override
    public boolean sharedAcrossInstances() {
        return settings.keys().storage().sharedAcrossInstances();
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
        List<HttpRoute> routes = new ArrayList<>();
        if (settings.clients().dynamicClientRegistration()) {
            routes.add(HttpRoute.publicCors("POST", "/oauth/register", r.clients()::register)
                    .withMaxBodyBytes(ClientMetadata.MAX_BODY_BYTES));
        }
        routes.addAll(List.of(
                new HttpRoute("GET", "/oauth/authorize", r.authorize()::authorize).withMaxBodyBytes(form),
                new HttpRoute("GET", "/oauth/consent", r.authorize()::showConsent).withMaxBodyBytes(form),
                new HttpRoute("POST", "/oauth/consent", r.authorize()::decide).withMaxBodyBytes(form),
                new HttpRoute("GET", settings.options().redirectPath(), r.callback()::callback).withMaxBodyBytes(form),
                HttpRoute.publicCors("POST", "/oauth/token", r.token()::token).withMaxBodyBytes(form),
                HttpRoute.publicCors("POST", "/oauth/revoke", r.token()::revoke).withMaxBodyBytes(form)));
        return List.copyOf(routes);
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

    /** What the running proxy works with: its settings, keys, issuer and store. */
    ProxyContext context() {
        return runtime().ctx();
    }

    /** The storage holding the proxy's state (the encrypting wrapper when encryption is on). */
    TokenStorage storage() {
        return settings.keys().storage();
    }

    @Override
    public String toString() {
        return "OAuthProxy[upstream=" + settings.upstream().upstreamAuthorizationEndpoint() + ", redirectPath="
                + settings.options().redirectPath() + "]";
    }

    /**
     * Configures an {@link OAuthProxy}: the {@link Upstream} given to {@link OAuthProxy#builder(Upstream)}, the
     * {@link ProxyOptions} (each group with its defaults), token swap, and the hooks through which presets adapt
     * the proxy to their identity provider.
     */
    public static final class Builder {

        private Upstream upstream;
        private ProxyOptions options = ProxyOptions.defaults();
        private boolean enableTokenSwap = true;
        private TokenVerifier upstreamTokenVerifier;
        private UpstreamIdentityResolver identityResolver;
        private Function<ProxySession, ? extends ProxySession> sessionFactory;
        private TokenVerifier idTokenVerifier;
        private UnaryOperator<List<String>> upstreamScopes;
        private ClientIdDocuments.Transport documentTransport = ClientIdDocuments.Transport.SYSTEM;

        Builder(Upstream upstream) {
            this.upstream = Objects.requireNonNull(upstream,
                    "upstream == null; pass Upstream.of(authorizationEndpoint, "
                    + "tokenEndpoint, clientId, clientSecret)");
        }

        /** Changes the upstream's settings: {@code .upstream(u -> u.upstreamRevocationEndpoint(url))}. */
        public Builder upstream(UnaryOperator<Upstream> change) {
            this.upstream = Objects.requireNonNull(change.apply(upstream), "upstream == null");
            return this;
        }

        /** Replaces the proxy's options (default {@link ProxyOptions#defaults()}). */
        public Builder options(ProxyOptions options) {
            this.options = Objects.requireNonNull(options, "options == null");
            return this;
        }

        /** Changes the proxy's options: {@code .options(o -> o.baseUrl(url).scopes("openid"))}. */
        public Builder options(UnaryOperator<ProxyOptions> change) {
            return options(change.apply(options));
        }

        /** The scopes offered to clients and requested upstream; see {@link ProxyOptions#scopes(List)}. */
        public Builder scopes(String... scopes) {
            return options(options.scopes(scopes));
        }

        /** The scopes offered to clients and requested upstream; see {@link ProxyOptions#scopes(List)}. */
        public Builder scopes(List<String> scopes) {
            return options(options.scopes(scopes));
        }

        /** The one secret all keys derive from; see {@link KeysAndStorage#secret(String)}. */
        public Builder secret(String secret) {
            return options(options.keysAndStorage(k -> k.secret(secret)));
        }

        /** Changes the keys and the storage: {@code .keysAndStorage(k -> k.tokenStorage(new DiskStore(dir)))}. */
        public Builder keysAndStorage(UnaryOperator<KeysAndStorage> change) {
            return options(options.keysAndStorage(change));
        }

        /** Changes the lifetimes: {@code .lifetimes(l -> l.accessTokenTtl(Duration.ofMinutes(15)))}. */
        public Builder lifetimes(UnaryOperator<Lifetimes> change) {
            return options(options.lifetimes(change));
        }

        /** Changes the limits and hardening: {@code .limits(l -> l.registrationRateLimit(20))}. */
        public Builder limits(UnaryOperator<Limits> change) {
            return options(options.limits(change));
        }

        /** Changes the consent page and the claims: {@code .claimsAndConsent(c -> c.consentRequired(true))}. */
        public Builder claimsAndConsent(UnaryOperator<ClaimsAndConsent> change) {
            return options(options.claimsAndConsent(change));
        }

        /**
         * Changes how clients identify themselves (metadata documents and dynamic registration):
         * {@code .clients(c -> c.allowedMetadataDocuments("claude.ai").dynamicClientRegistration(false))}.
         */
        public Builder clients(UnaryOperator<Clients> change) {
            return options(options.clients(change));
        }

        /** Tests reach metadata documents on their own servers, under names and certificates of their own. */
        Builder documentTransport(ClientIdDocuments.Transport transport) {
            this.documentTransport = Objects.requireNonNull(transport, "transport == null");
            return this;
        }

        /**
         * Whether clients get this proxy's tokens instead of the identity provider's; default true. Passing the
         * identity provider's tokens through to clients is forbidden by the MCP specification unless they were
         * issued for this server, so false is refused at build unless {@link #upstreamTokenVerifier} is set (see
         * there): clients then get the identity provider's access token from our token endpoint, with an opaque
         * single-use refresh token of ours when the identity provider gave one (its refresh token stays here, since
         * refreshing needs this server's credentials), and {@code /mcp} accepts what that verifier accepts.
         */
        public Builder enableTokenSwap(boolean enableTokenSwap) {
            this.enableTokenSwap = enableTokenSwap;
            return this;
        }

        /**
         * The verifier of the identity provider's access tokens, required by {@code enableTokenSwap(false)}: clients
         * then receive the identity provider's tokens and {@code /mcp} accepts exactly what this verifier accepts.
         * It MUST require the token's audience to be this server's MCP resource URL (for example
         * {@code JWKSVerifier.builder(jwks).issuer(iss).audience("https://mcp.example.com/mcp")}); the proxy cannot
         * check that for you, and a verifier accepting tokens issued for other applications is the token
         * passthrough the MCP specification forbids.
         */
        public Builder upstreamTokenVerifier(TokenVerifier verifier) {
            this.upstreamTokenVerifier = verifier;
            return this;
        }

        /**
         * How the upstream tokens of a sign-in become an identity (see {@link UpstreamIdentityResolver}). Without
         * one, the subject and claims come from the verified ID token, else from the payloads of the upstream JWTs.
         */
        public Builder upstreamIdentity(UpstreamIdentityResolver resolver) {
            this.identityResolver = Objects.requireNonNull(resolver, "resolver == null");
            return this;
        }

        /**
         * The session tools receive: {@code factory} wraps each verified {@link ProxySession} into a typed session
         * (a subclass built with {@link ProxySession#ProxySession(ProxySession)}).
         */
        public Builder sessionType(Function<ProxySession, ? extends ProxySession> factory) {
            this.sessionFactory = Objects.requireNonNull(factory, "factory == null");
            return this;
        }

        /**
         * The verifier of the identity provider's ID tokens, for one whose issuer is not one fixed string (Azure's
         * multi-tenant endpoints name the user's tenant in it). It must check the signature, the audience (our
         * upstream client id) and the expiry; the proxy adds the {@code nonce}. It replaces the upstream's
         * {@code upstreamIssuer}, which may then not be set.
         */
        public Builder upstreamIdTokenVerifier(TokenVerifier verifier) {
            this.idTokenVerifier = Objects.requireNonNull(verifier, "verifier == null");
            return this;
        }

        /**
         * How the scopes granted to a client are spelled in the upstream authorization request (Azure prefixes its
         * API scopes with {@code api://<client id>/} and adds {@code offline_access}). Default: unchanged.
         */
        public Builder upstreamScopes(UnaryOperator<List<String>> mapping) {
            this.upstreamScopes = Objects.requireNonNull(mapping, "mapping == null");
            return this;
        }

        /** Checks how the options combine (each error says what to change), resolves the keys, builds the proxy. */
        public OAuthProxy build() {
            return new OAuthProxy(ProxySettings.resolve(upstream, options, enableTokenSwap, upstreamTokenVerifier,
                    new PresetHooks(identityResolver, sessionFactory, idTokenVerifier, upstreamScopes),
                    documentTransport));
        }
    }
}
