package dev.fastmcp;

import dev.fastmcp.server.Blueprint;
import dev.fastmcp.server.LiveComponents;
import dev.fastmcp.server.Settings;
import dev.fastmcp.server.ToolExecutors;
import dev.fastmcp.transport.Running;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * An MCP server: tools, resources and prompts served over Streamable HTTP (on an embedded Undertow server),
 * stateless HTTP or stdio.
 *
 * <pre>{@code
 * FastMCP server = FastMCP.builder("weather", "1.0.0")
 *     .addTool(Tool.builder("forecast")
 *         .description("Forecast for a city")
 *         .parameters(City.class)
 *         .execute((city, ctx) -> "Sunny in " + city.name())
 *         .build())
 *     .build();
 * server.start();   // http://127.0.0.1:8080/mcp
 * }</pre>
 *
 * <p>Components can be added and removed while the server runs; connected clients are told with the
 * matching {@code list_changed} notification.
 */
public final class FastMCP implements AutoCloseable {

    private final Settings settings;
    private final LiveComponents components;
    private final ExecutorService toolExecutor;
    private final boolean ownsExecutor;
    private volatile Running running;

    private FastMCP(Blueprint blueprint) {
        this.settings = blueprint.settings();
        this.ownsExecutor = settings.toolExecutor() == null;
        this.toolExecutor = ownsExecutor ? ToolExecutors.bounded(settings.toolThreads()) : settings.toolExecutor();
        this.components = new LiveComponents(blueprint.components(toolExecutor));
    }

    /** Starts a server description: its name and version are sent to clients in {@code initialize}. */
    public static Builder builder(String name, String version) {
        return new Builder(name, version);
    }

    /** The server's name. */
    public String name() {
        return settings.name();
    }

    /** Adds or replaces a tool; a running server tells its clients. */
    public FastMCP addTool(Tool tool) {
        components.add(tool);
        return this;
    }

    /** Removes a tool; returns whether there was one. */
    public boolean removeTool(String name) {
        return components.removeTool(name);
    }

    /** Adds or replaces a resource; a running server tells its clients. */
    public FastMCP addResource(Resource resource) {
        components.add(resource);
        return this;
    }

    /** Removes a resource; returns whether there was one. */
    public boolean removeResource(String uri) {
        return components.removeResource(uri);
    }

    /** Adds or replaces a resource template; a running server tells its clients. */
    public FastMCP addResourceTemplate(ResourceTemplate template) {
        components.add(template);
        return this;
    }

    /** Removes a resource template; returns whether there was one. */
    public boolean removeResourceTemplate(String uriTemplate) {
        return components.removeTemplate(uriTemplate);
    }

    /** Adds or replaces a prompt; a running server tells its clients. */
    public FastMCP addPrompt(Prompt prompt) {
        components.add(prompt);
        return this;
    }

    /** Removes a prompt; returns whether there was one. */
    public boolean removePrompt(String name) {
        return components.removePrompt(name);
    }

    /** Tells the sessions subscribed to {@code uri} that the resource changed ({@code resources/updated}). */
    public void notifyResourceUpdated(String uri) {
        components.notifyResourceUpdated(uri);
    }

    /** Starts the server as the environment says (by default HTTP on {@code 127.0.0.1:8080/mcp}). */
    public FastMCP start() {
        return start(StartOptions.fromEnvironment());
    }

    /**
     * Starts the server; returns once it listens (HTTP) or reads stdin (stdio).
     *
     * @throws IllegalStateException when already running, or when the port is taken
     */
    public synchronized FastMCP start(StartOptions options) {
        if (running != null) {
            throw new IllegalStateException("Server '" + settings.name() + "' is already running at " + url());
        }
        Running started = Running.start(settings, components.components(), options.resolve(System.getenv()));
        components.attach(started.sdk());
        running = started;
        return this;
    }

    /** Stops the server: sessions are closed, open streams ended, the port released. Idempotent. */
    public synchronized void stop() {
        Running r = running;
        running = null;
        components.detach();
        if (r != null) {
            r.stop();
        }
    }

    /** Stops the server and releases its threads; it cannot be started again. */
    @Override
    public void close() {
        stop();
        if (ownsExecutor) {
            toolExecutor.shutdownNow();
        }
    }

    /** Whether the server is running. */
    public boolean isRunning() {
        return running != null;
    }

    /** The HTTP port the server listens on (the real one when started on port 0). */
    public int port() {
        return overHttp().port();
    }

    /** The public URL of the MCP endpoint, such as {@code http://127.0.0.1:8080/mcp} (base URL plus endpoint). */
    public String url() {
        return overHttp().url();
    }

    private Running overHttp() {
        Running r = running;
        if (r == null || !r.overHttp()) {
            throw new IllegalStateException("Server '" + settings.name() + "' is not running over HTTP");
        }
        return r;
    }

    /** Builds a {@link FastMCP}. */
    public static final class Builder {
        private final Blueprint blueprint;

        private Builder(String name, String version) {
            this.blueprint = new Blueprint(name, version);
        }

        /** Guidance sent to clients in {@code initialize}, typically added to the model's context. */
        public Builder instructions(String instructions) {
            blueprint.instructions(instructions);
            return this;
        }

        /** Adds a tool. */
        public Builder addTool(Tool tool) {
            blueprint.addTool(tool);
            return this;
        }

        /** Adds a resource. */
        public Builder addResource(Resource resource) {
            blueprint.addResource(resource);
            return this;
        }

        /** Adds a resource template. */
        public Builder addResourceTemplate(ResourceTemplate template) {
            blueprint.addResourceTemplate(template);
            return this;
        }

        /** Adds a prompt. */
        public Builder addPrompt(Prompt prompt) {
            blueprint.addPrompt(prompt);
            return this;
        }

        /**
         * Authenticates every HTTP request to the MCP endpoint and to authenticated routes (API keys, custom schemes),
         * {@code server/discover} of MCP 2026-07-28 included.
         */
        public Builder authenticate(Authenticator authenticator) {
            blueprint.authenticate(authenticator);
            return this;
        }

        /**
         * Protects the server with OAuth: every request to the MCP endpoint needs a bearer token the auth provider
         * verifies, and the server serves the protected resource metadata (RFC 9728) pointing clients to its
         * authorization servers. With {@link #authenticate} also set, the hook decides instead.
         *
         * <p>That includes {@code server/discover} of MCP 2026-07-28: a server that requires a token for anything
         * requires one for discover too, and answers a request without one with the 401 challenge that starts the
         * client's authorization. Its answers to authenticated callers are marked {@code cacheScope: private}.
         */
        public Builder auth(AuthProvider provider) {
            blueprint.auth(provider);
            return this;
        }

        /**
         * The same as {@link #auth}, under the name of FastMCP's {@code oauth} option. The MCP endpoint is always
         * protected by the auth provider's tokens; there is no configuration in which the OAuth routes are served and
         * {@code /mcp} stays open.
         */
        public Builder oauth(AuthProvider provider) {
            return auth(provider);
        }

        /**
         * The public URL clients reach the server at (origin plus an optional path, e.g.
         * {@code https://mcp.example.com} or {@code https://example.com/api}); behind a proxy, the proxy's. The MCP
         * endpoint is served at its path plus the endpoint, and the resource identifier is this URL plus the
         * endpoint. Defaults to {@code http://<host>:<port>} for loopback servers; required otherwise with auth.
         */
        public Builder baseUrl(String url) {
            blueprint.baseUrl(url);
            return this;
        }

        /** Accepts a plain {@code http} base URL that is not loopback. Tokens then travel unencrypted. */
        public Builder allowInsecureHttpBaseUrl() {
            blueprint.allowInsecureHttpBaseUrl();
            return this;
        }

        /**
         * Trusts {@code X-Forwarded-For} and {@code X-Forwarded-Host}; only behind a reverse proxy that sets them.
         * The client's address is then the last {@code X-Forwarded-For} entry, the one the proxy appended (the
         * earlier ones come from the client and prove nothing).
         */
        public Builder trustForwardedHeaders() {
            blueprint.trustForwardedHeaders();
            return this;
        }

        /** Scopes every request's token must carry; a token without them gets 403 {@code insufficient_scope}. */
        public Builder requiredScopes(String... scopes) {
            blueprint.requiredScopes(scopes);
            return this;
        }

        /**
         * The server's scope hierarchy: a broader scope implies narrower ones, as MCP 2026-07-28 requires servers to
         * account for. Each key implies the scopes of its value, and what those imply in turn; an implied scope
         * ending in {@code *} stands for every scope starting with what precedes it. Calling it again adds to it.
         *
         * <pre>{@code
         * .scopeHierarchy(Map.of(
         *     "notes:write", Set.of("notes:read"),     // a writer may read
         *     "admin", Set.of("admin:*", "notes:write")))
         * }</pre>
         *
         * <p>{@link Auth#requireScopes} (also inside {@link Auth#requireAll} and {@link Auth#requireAny}) and
         * {@link #requiredScopes} honour it. A {@code canAccess} lambda reading {@link AuthSession#scopes()} or
         * {@link AuthSession#hasScope} sees the scopes granted only, as do tools.
         *
         * @throws IllegalArgumentException for a blank scope, or a {@code *} anywhere but at the end of an implied one
         */
        public Builder scopeHierarchy(Map<String, ? extends Collection<String>> implies) {
            blueprint.scopeHierarchy(implies);
            return this;
        }

        /**
         * The secret the {@code requestState} of multi-round-trip requests (MCP 2026-07-28) is sealed with: give
         * every instance behind a load balancer the same one, so that a client's retry may reach any of them.
         * Without it each process seals with a random key of its own (and says so in a warning at the first state
         * it seals). The secret must be random key material, at least 32 characters and an estimated 128 bits, such as
         * the output of {@code openssl rand -base64 32}; a passphrase is refused.
         *
         * @param secret   seals new state and opens it
         * @param previous secrets used before a rotation: they still open the state they sealed, until it expires
         * @throws IllegalArgumentException when a secret is too weak, saying what was measured and how to make one
         */
        public Builder requestStateSecret(String secret, String... previous) {
            blueprint.requestStateSecret(secret, previous);
            return this;
        }

        /** How long a sealed {@code requestState} is accepted (default 5 minutes). */
        public Builder requestStateTtl(Duration ttl) {
            blueprint.requestStateTtl(ttl);
            return this;
        }

        /** Serves a custom route, public, such as {@code addRoute("GET", "/users/{id}", handler)}. */
        public Builder addRoute(String method, String path, RouteHandler handler) {
            blueprint.route(method, path, handler, false);
            return this;
        }

        /** Serves a custom route that needs the same authentication as the MCP endpoint. */
        public Builder addAuthenticatedRoute(String method, String path, RouteHandler handler) {
            blueprint.route(method, path, handler, true);
            return this;
        }

        /**
         * How long the server waits for the client to answer its requests (elicitation, sampling); default 10
         * minutes, since a person may be typing the answer.
         */
        public Builder clientRequestTimeout(Duration timeout) {
            blueprint.clientRequestTimeout(timeout);
            return this;
        }

        /** The executor tool, resource and prompt code runs on (for example virtual threads on Java 21+). */
        public Builder toolExecutor(ExecutorService executor) {
            blueprint.toolExecutor(executor);
            return this;
        }

        /** The size of the default tool executor: how many calls run at once (default 64). */
        public Builder toolThreads(int threads) {
            blueprint.toolThreads(threads);
            return this;
        }

        /** The most sessions kept at once (default 10,000); {@code initialize} beyond it gets 503. */
        public Builder maxSessions(int max) {
            blueprint.maxSessions(max);
            return this;
        }

        /**
         * The most sessions one subject (the authenticated user) holds at once; default a tenth of
         * {@link #maxSessions}, at most 100. A user at this share who opens one more session loses the least
         * recently used of its idle sessions (whose client then gets 404 and initializes again, as clients do);
         * only when all of them are busy (a request in progress or a stream open) is {@code initialize} refused
         * with 503. So no user can take every session and lock the others out. Must be below {@code maxSessions}.
         * Sessions without authentication have no subject and count against {@code maxSessions} only.
         */
        public Builder maxSessionsPerSubject(int max) {
            blueprint.maxSessionsPerSubject(max);
            return this;
        }

        /**
         * The most sessions one OAuth client (the {@code client_id} of the tokens) holds at once, across all its
         * users; default half of {@link #maxSessions}. Past it, the client's least recently used idle session is
         * closed as for {@link #maxSessionsPerSubject}, and {@code initialize} is refused with 503 when all are
         * busy. Must be below {@code maxSessions}. Tokens without a client id are not counted here.
         */
        public Builder maxSessionsPerClient(int max) {
            blueprint.maxSessionsPerClient(max);
            return this;
        }

        /** How long a session without requests or open streams lives (default 30 minutes). */
        public Builder sessionIdleTimeout(Duration timeout) {
            blueprint.sessionIdleTimeout(timeout);
            return this;
        }

        /** The largest request body accepted (default 4 MiB); larger ones get 413. */
        public Builder maxRequestBytes(long bytes) {
            blueprint.maxRequestBytes(bytes);
            return this;
        }

        /** How many SSE events per session are kept for clients resuming with Last-Event-ID (default 256). */
        public Builder eventStoreSize(int events) {
            blueprint.eventStoreSize(events);
            return this;
        }

        /** How often idle SSE streams get a keep-alive comment (default 25 seconds). */
        public Builder keepAliveInterval(Duration interval) {
            blueprint.keepAliveInterval(interval);
            return this;
        }

        /**
         * How long clients of MCP 2026-07-28 may reuse a list of tools, resources, templates or prompts, a resource
         * read and {@code server/discover} ({@code ttlMs} in those results); default one minute, zero for not at
         * all. Clients that keep a {@code subscriptions/listen} stream open learn of changes at once anyway.
         */
        public Builder cacheTtl(Duration ttl) {
            blueprint.cacheTtl(ttl);
            return this;
        }

        /** Browser origins allowed besides loopback and same-origin ones, e.g. {@code https://app.example.com}; {@code *} allows all. */
        public Builder allowedOrigins(String... origins) {
            blueprint.allowedOrigins(origins);
            return this;
        }

        /** Host names accepted in the {@code Host} header besides loopback ones (when bound to loopback). */
        public Builder allowedHosts(String... hosts) {
            blueprint.allowedHosts(hosts);
            return this;
        }

        /** Turns off Host and Origin validation. Only behind a proxy that validates them itself. */
        public Builder disableDnsRebindingProtection() {
            blueprint.disableDnsRebindingProtection();
            return this;
        }

        /** Turns CORS headers on (default) or off. */
        public Builder cors(boolean enabled) {
            blueprint.cors(enabled);
            return this;
        }

        /** Validates and builds the server (not started). */
        public FastMCP build() {
            blueprint.validate();
            return new FastMCP(blueprint);
        }

        /** What this builder collected, for tests that serve it without starting a server. */
        Blueprint blueprint() {
            return blueprint;
        }
    }
}
