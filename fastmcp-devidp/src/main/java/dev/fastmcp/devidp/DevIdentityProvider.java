package dev.fastmcp.devidp;

import dev.fastmcp.auth.jwt.RSAKeyPair;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.internal.Loopback;
import dev.fastmcp.internal.ServerLog;
import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>For development only.</b> A small local OAuth 2.0 / OpenID Connect server whose sign-in page lets anyone
 * type any user name and tick roles and scopes: an upstream identity provider for an {@link OAuthProxy} (or any
 * OAuth client) without creating an application at a real identity provider first.
 *
 * <pre>{@code
 * DevIdentityProvider idp = DevIdentityProvider.builder()
 *         .redirectUri("http://127.0.0.1:8080/oauth/callback")   // the proxy's callback
 *         .scopes("openid", "profile", "notes:write")
 *         .build()
 *         .start();
 * OAuthProxy proxy = idp.proxyBuilder().build();
 * FastMCP.builder("notes", "1.0.0").auth(proxy).build().start();
 * }</pre>
 *
 * <p>Endpoints: {@code /.well-known/openid-configuration} (also {@code /.well-known/oauth-authorization-server}),
 * {@code GET|POST /authorize} (the sign-in page), {@code POST /token} ({@code authorization_code} with PKCE S256,
 * {@code refresh_token}, rotated), {@code GET /jwks} and {@code GET /userinfo}. Access tokens and ID tokens are
 * RS256 JWTs carrying {@code sub} (the user name), {@code roles} and (access tokens) {@code scope}; ID tokens carry
 * the {@code nonce} of the request.
 *
 * <p>It keeps the rules that make a flow correct, so a client tested against it behaves against a real one:
 * one registered confidential client (secret compared in constant time, Basic or form), exact redirect URIs (a
 * loopback one matches on any port, as RFC 8252 allows native apps), PKCE S256 required, single-use codes (a
 * replayed code also revokes the refresh token it produced), a CSRF-protected sign-in form, bounded request
 * bodies, RFC 6749 JSON errors. Keys and state live in memory only.
 *
 * <p>It logs a warning when it starts, shows a banner on its page, and refuses to bind beyond loopback unless
 * {@link Builder#allowNonLoopback(boolean)} says so.
 */
public final class DevIdentityProvider implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DevIdentityProvider.class);

    private final DevIdpSettings config;
    private final RSAKeyPair keys = RSAKeyPair.generate();
    private volatile Undertow undertow;
    private volatile String issuer;
    private volatile DevIdpRoutes routes;

    private DevIdentityProvider(DevIdpSettings config) {
        this.config = config;
    }

    /** Starts a configuration; everything has a default except {@link Builder#redirectUri}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the port and serves; returns once it accepts connections.
     *
     * @throws IllegalStateException when already started, or the port is taken
     */
    public synchronized DevIdentityProvider start() {
        if (undertow != null) {
            throw new IllegalStateException("DevIdentityProvider is already running at " + issuer);
        }
        // Often the first Undertow of the process: its log must go where the MCP server's goes.
        ServerLog.undertowThroughSlf4j();
        Undertow server = Undertow.builder()
                .addHttpListener(config.port(), config.host())
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setHandler(new BlockingHandler(this::handle))
                .build();
        try {
            server.start();
        } catch (RuntimeException e) {
            if (e.getCause() instanceof BindException) {
                throw new IllegalStateException("DevIdentityProvider: port " + config.port() + " on " + config.host()
                        + " is already in use; choose another port, or port 0 for a free one", e);
            }
            throw e;
        }
        InetSocketAddress bound = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
        if (!config.allowNonLoopback() && !Loopback.isLoopbackAddress(bound.getAddress())) {
            // a localhost name is resolved by the system, which may not keep it on loopback
            server.stop();
            throw new IllegalStateException("DevIdentityProvider refuses to serve on " + bound.getAddress()
                    + ", where '" + config.host() + "' resolved: it signs anyone in as anyone. Bind a loopback "
                    + "address (127.0.0.1, ::1), or, on a development network you control, set allowNonLoopback(true)");
        }
        int port = bound.getPort();
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        issuer = config.issuer() != null ? config.issuer() : "http://" + host + ":" + port;
        routes = new DevIdpRoutes(new DevIdpTokens(keys, issuer, config), config, issuer);
        undertow = server;
        LOG.warn("DEVELOPMENT IDENTITY PROVIDER at {}: anyone who opens its sign-in page signs in as any user, "
                + "with any role. Use it on your own machine to try things out; never in production.", issuer);
        if (config.allowNonLoopback()) {
            LOG.warn("DevIdentityProvider: bound to {} (beyond loopback, allowNonLoopback(true)): every machine that "
                    + "reaches this address can sign in as anyone", config.host());
        }
        return this;
    }

    private void handle(HttpServerExchange exchange) {
        DevIdpRoutes r = routes;
        if (r == null) {
            exchange.setStatusCode(503); // bound, the issuer URL not known yet
            exchange.endExchange();
            return;
        }
        r.handle(exchange);
    }

    /** Stops serving; pending sign-ins, codes and tokens are forgotten. Does nothing when not running. */
    public synchronized void stop() {
        Undertow server = undertow;
        if (server != null) {
            server.stop();
            undertow = null;
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** The issuer URL, such as {@code http://127.0.0.1:41234}; the other endpoints hang under it. */
    public String issuer() {
        String i = issuer;
        if (i == null) {
            throw new IllegalStateException("DevIdentityProvider has not started: call start() first");
        }
        return i;
    }

    /** The bound port. */
    public int port() {
        return URI.create(issuer()).getPort();
    }

    /** {@code <issuer>/authorize}: the sign-in page. */
    public String authorizationEndpoint() {
        return issuer() + "/authorize";
    }

    /** {@code <issuer>/token}. */
    public String tokenEndpoint() {
        return issuer() + "/token";
    }

    /** {@code <issuer>/jwks}: the public key that signs ID and access tokens. */
    public String jwksUri() {
        return issuer() + "/jwks";
    }

    /** {@code <issuer>/userinfo}. */
    public String userinfoEndpoint() {
        return issuer() + "/userinfo";
    }

    /** {@code <issuer>/.well-known/openid-configuration}. */
    public String discoveryUrl() {
        return issuer() + "/.well-known/openid-configuration";
    }

    /** The client id of the one registered client. */
    public String clientId() {
        return config.clientId();
    }

    /** The client secret of the one registered client (generated when none was given). */
    public String clientSecret() {
        return config.clientSecret();
    }

    /** The scopes offered on the sign-in page. */
    public List<String> scopes() {
        return config.scopes();
    }

    /** The roles offered on the sign-in page. */
    public List<String> roles() {
        return config.roles();
    }

    /**
     * An {@link OAuthProxy} builder with this identity provider as its upstream: endpoints, client id and secret,
     * the issuer and JWKS for ID-token verification, and {@link #scopes()}. The proxy's callback
     * ({@code <server base URL>/oauth/callback}) must be one of this identity provider's redirect URIs.
     */
    public OAuthProxy.Builder proxyBuilder() {
        return OAuthProxy.builder(Upstream.of(authorizationEndpoint(), tokenEndpoint(), clientId(), clientSecret())
                        .upstreamIssuer(issuer())
                        .upstreamJwksUri(jwksUri())
                        .upstreamName("the development identity provider"))
                .options(o -> o.scopes(scopes()));
    }

    @Override
    public String toString() {
        return "DevIdentityProvider[" + (issuer == null ? "not started" : issuer) + ", client=" + config.clientId() + "]";
    }

    /** Configures a {@link DevIdentityProvider}; validation happens in {@link #build()}. */
    public static final class Builder {

        private String host = "127.0.0.1";
        private int port;
        private boolean allowNonLoopback;
        private String issuer;
        private String clientId = "fastmcp-dev-client";
        private String clientSecret;
        private final List<String> redirectUris = new ArrayList<>();
        private List<String> scopes = List.of("openid", "profile", "email");
        private List<String> roles = List.of("admin", "user");
        private Duration accessTokenTtl = Duration.ofHours(1);

        private Builder() {
        }

        /** The address to bind; default {@code 127.0.0.1}. Beyond loopback needs {@link #allowNonLoopback}. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** The port; default 0, a free one (read it back with {@link DevIdentityProvider#port()}). */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Lets it bind a non-loopback address, so that other machines can sign in as anyone. For a development
         * network you control only; a wildcard address also needs {@link #issuer}.
         */
        public Builder allowNonLoopback(boolean allow) {
            this.allowNonLoopback = allow;
            return this;
        }

        /** The issuer URL clients see; default {@code http://<host>:<bound port>}. */
        public Builder issuer(String issuer) {
            this.issuer = issuer;
            return this;
        }

        /** The client id of the one registered client; default {@code fastmcp-dev-client}. */
        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        /** The client secret; default a random one, read back with {@link DevIdentityProvider#clientSecret()}. */
        public Builder clientSecret(String clientSecret) {
            this.clientSecret = clientSecret;
            return this;
        }

        /**
         * Adds redirect URIs of the client (at least one). They match exactly, except that a loopback one
         * ({@code 127.0.0.1}, {@code [::1]}, {@code localhost}) matches on any port.
         */
        public Builder redirectUri(String... uris) {
            redirectUris.addAll(Arrays.asList(uris));
            return this;
        }

        /** The scopes offered (replacing the default {@code openid profile email}); {@code openid} gives ID tokens. */
        public Builder scopes(String... scopes) {
            this.scopes = Arrays.asList(scopes);
            return this;
        }

        /** The roles offered on the sign-in page (default {@code admin user}); they go to the {@code roles} claim. */
        public Builder roles(String... roles) {
            this.roles = Arrays.asList(roles);
            return this;
        }

        /** How long access and ID tokens live; default one hour. */
        public Builder accessTokenTtl(Duration ttl) {
            this.accessTokenTtl = ttl;
            return this;
        }

        /** Checks the configuration; each error names the value and the fix. */
        public DevIdentityProvider build() {
            Objects.requireNonNull(host, "host == null; use 127.0.0.1");
            if (!allowNonLoopback && !Loopback.isLoopbackHost(host)) {
                throw new IllegalArgumentException("DevIdentityProvider refuses to bind '" + host + "': it signs "
                        + "anyone in as anyone. Bind a loopback address (127.0.0.1, ::1, localhost), or, on a "
                        + "development network you control, set allowNonLoopback(true)");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0-65535 (0 for a free one), was " + port);
            }
            if (issuer != null) {
                URI u = DevIdpRedirects.parse(issuer);
                if (u == null || u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null
                        || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))
                        || !(u.getRawPath() == null || u.getRawPath().isEmpty())) {
                    throw new IllegalArgumentException("issuer must be an http(s) origin (no path, query or fragment; "
                            + "the endpoints are served at the root), such as http://192.168.1.20:9000, was '"
                            + issuer + "'");
                }
            } else if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
                throw new IllegalArgumentException("binding the wildcard address '" + host + "' needs issuer(...): "
                        + "the URL other machines reach this identity provider at");
            }
            requireToken("clientId", clientId);
            String secret = clientSecret != null ? clientSecret : DevIdpTokens.randomValue();
            if (secret.length() < 16) {
                throw new IllegalArgumentException("clientSecret must have at least 16 characters, had "
                        + secret.length() + "; leave it unset for a random one");
            }
            if (redirectUris.isEmpty()) {
                throw new IllegalArgumentException("DevIdentityProvider needs redirectUri(...): the client's "
                        + "callback, e.g. http://127.0.0.1:8080/oauth/callback for an OAuthProxy on port 8080");
            }
            for (String uri : redirectUris) {
                if (!DevIdpRedirects.isValidRegistration(uri)) {
                    throw new IllegalArgumentException("redirectUri '" + uri + "' must be an absolute http(s) URL "
                            + "without fragment or userinfo");
                }
            }
            List<String> scopes = distinct("scopes", this.scopes);
            List<String> roles = distinct("roles", this.roles);
            if (accessTokenTtl == null || accessTokenTtl.getSeconds() < 1) {
                throw new IllegalArgumentException("accessTokenTtl must be at least 1 second, was " + accessTokenTtl);
            }
            return new DevIdentityProvider(new DevIdpSettings(host, port, allowNonLoopback, issuer, clientId,
                    secret, List.copyOf(redirectUris), scopes, roles, accessTokenTtl));
        }

        private static List<String> distinct(String name, List<String> values) {
            for (String v : values) {
                requireToken(name, v);
            }
            return List.copyOf(new LinkedHashSet<>(values));
        }

        private static void requireToken(String name, String value) {
            if (value == null || !value.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]{1,100}")) {
                throw new IllegalArgumentException(name + ": '" + value + "' must be 1-100 printable ASCII characters "
                        + "without spaces, quotes or backslashes");
            }
        }
    }
}
