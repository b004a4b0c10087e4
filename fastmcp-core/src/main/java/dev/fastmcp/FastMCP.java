package dev.fastmcp;

import dev.fastmcp.server.AnnotatedTools;
import dev.fastmcp.server.Blueprint;
import dev.fastmcp.server.LiveComponents;
import dev.fastmcp.server.Settings;
import dev.fastmcp.server.ToolExecutors;
import dev.fastmcp.transport.Running;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.UnaryOperator;

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
        dev.fastmcp.server.Warmup.json();
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
            throw new IllegalStateException("Server '" + settings.name() + "' is already running "
                    + (running.overHttp() ? "at " + url() : running.inMemory() ? "in memory" : "on stdio"));
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

    /**
     * Opens a connection to this server, started in memory ({@link StartOptions#inMemory()}): a session of its own,
     * carrying JSON-RPC messages as stdio lines would, for a client in the same process. {@code fastmcp-testing}'s
     * client is built on it.
     *
     * @param bearerToken the connection's credential, checked once by the server's authentication as the bearer
     *                    token of an HTTP request is (with the test identities of
     *                    {@link StartOptions#trustTestIdentities}); its caller is the caller of every request of the
     *                    connection. Null for none
     * @param receiver    gets each message the server sends, one JSON-RPC message per call, on a server thread: it
     *                    should hand the message on rather than wait for anything the server does
     * @throws CredentialsRefusedException when its authentication refuses the credential (or its absence), with the
     *                                     status and challenge an HTTP request would have got
     * @throws IllegalStateException       when the server is not running in memory
     */
    public InMemoryConnection connectInMemory(String bearerToken, java.util.function.Consumer<String> receiver) {
        Running r = running;
        if (r == null || !r.inMemory()) {
            throw new IllegalStateException("Server '" + settings.name() + "' is not running in memory: start it with "
                    + "start(StartOptions.inMemory()) first");
        }
        return r.connect(bearerToken, receiver);
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

        /**
         * Adds a tool for each public method of {@code tools} annotated {@link dev.fastmcp.annotations.McpTool}: its
         * parameters the arguments, its {@code @RequireAuth}, {@code @RequireScopes} and {@code @RequireRole} the
         * access rules. Only that object is read, nothing is scanned.
         *
         * @throws IllegalArgumentException naming the method, when it has none or one cannot be a tool
         */
        public Builder addTools(Object tools) {
            AnnotatedTools.of(Objects.requireNonNull(tools, "tools == null")).forEach(this::addTool);
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
         * Changes how many sessions of the session protocol are kept and for how long:
         * {@code .sessions(s -> s.max(2_000).perSubject(20))}. See {@link SessionOptions}.
         */
        public Builder sessions(UnaryOperator<SessionOptions> change) {
            blueprint.sessions(change);
            return this;
        }

        /**
         * Changes where the tasks of the tasks extension are kept:
         * {@code .tasks(t -> t.store(RedisTaskStore.on(redis)))} for several instances. See {@link TaskOptions}.
         */
        public Builder tasks(UnaryOperator<TaskOptions> change) {
            blueprint.tasks(change);
            return this;
        }

        /**
         * Changes what the HTTP transport accepts (body size, keep-alives, Host and Origin checks, CORS):
         * {@code .http(h -> h.maxRequestBytes(1 << 20))}. See {@link HttpOptions}.
         */
        public Builder http(UnaryOperator<HttpOptions> change) {
            blueprint.http(change);
            return this;
        }

        /**
         * Changes where user code runs and how long it waits for the client:
         * {@code .execution(e -> e.toolThreads(16))}. See {@link ExecutionOptions}.
         */
        public Builder execution(UnaryOperator<ExecutionOptions> change) {
            blueprint.execution(change);
            return this;
        }

        /**
         * Changes how the {@code requestState} of multi-round-trip requests (MCP 2026-07-28) is sealed:
         * {@code .requestState(r -> r.secret(secret))}, the same secret on every instance. See
         * {@link RequestStateOptions}.
         */
        public Builder requestState(UnaryOperator<RequestStateOptions> change) {
            blueprint.requestState(change);
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
