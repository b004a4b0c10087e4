package dev.fastmcp;

import dev.fastmcp.server.Components;
import dev.fastmcp.server.Invocations;
import dev.fastmcp.server.PublicUrls;
import dev.fastmcp.server.Settings;
import dev.fastmcp.server.ToolExecutors;
import dev.fastmcp.transport.Running;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
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
    private final Components components;
    private final ExecutorService toolExecutor;
    private final boolean ownsExecutor;
    private volatile Running running;

    private FastMCP(Builder b) {
        this.settings = b.settings();
        this.ownsExecutor = b.toolExecutor == null;
        this.toolExecutor = ownsExecutor ? ToolExecutors.bounded(b.toolThreads) : b.toolExecutor;
        this.components = new Components(new Invocations(toolExecutor));
        b.tools.forEach(components::put);
        b.resources.forEach(components::put);
        b.templates.forEach(components::put);
        b.prompts.forEach(components::put);
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
        components.put(Objects.requireNonNull(tool, "tool == null"));
        Running r = running;
        if (r != null) {
            r.sdk().addTool(tool);
        }
        return this;
    }

    /** Removes a tool; returns whether there was one. */
    public boolean removeTool(String name) {
        boolean removed = components.removeTool(name);
        Running r = running;
        if (removed && r != null) {
            r.sdk().removeTool(name);
        }
        return removed;
    }

    /** Adds or replaces a resource; a running server tells its clients. */
    public FastMCP addResource(Resource resource) {
        components.put(Objects.requireNonNull(resource, "resource == null"));
        Running r = running;
        if (r != null) {
            r.sdk().addResource(resource);
        }
        return this;
    }

    /** Removes a resource; returns whether there was one. */
    public boolean removeResource(String uri) {
        boolean removed = components.removeResource(uri);
        Running r = running;
        if (removed && r != null) {
            r.sdk().removeResource(uri);
        }
        return removed;
    }

    /** Adds or replaces a resource template; a running server tells its clients. */
    public FastMCP addResourceTemplate(ResourceTemplate template) {
        components.put(Objects.requireNonNull(template, "template == null"));
        Running r = running;
        if (r != null) {
            r.sdk().addTemplate(template);
        }
        return this;
    }

    /** Removes a resource template; returns whether there was one. */
    public boolean removeResourceTemplate(String uriTemplate) {
        boolean removed = components.removeTemplate(uriTemplate);
        Running r = running;
        if (removed && r != null) {
            r.sdk().removeTemplate(uriTemplate);
        }
        return removed;
    }

    /** Adds or replaces a prompt; a running server tells its clients. */
    public FastMCP addPrompt(Prompt prompt) {
        components.put(Objects.requireNonNull(prompt, "prompt == null"));
        Running r = running;
        if (r != null) {
            r.sdk().addPrompt(prompt);
        }
        return this;
    }

    /** Removes a prompt; returns whether there was one. */
    public boolean removePrompt(String name) {
        boolean removed = components.removePrompt(name);
        Running r = running;
        if (removed && r != null) {
            r.sdk().removePrompt(name);
        }
        return removed;
    }

    /** Tells the sessions subscribed to {@code uri} that the resource changed ({@code resources/updated}). */
    public void notifyResourceUpdated(String uri) {
        Running r = running;
        if (r != null) {
            r.sdk().notifyResourceUpdated(uri);
        }
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
        running = Running.start(settings, components, options.resolve(System.getenv()));
        return this;
    }

    /** Stops the server: sessions are closed, open streams ended, the port released. Idempotent. */
    public synchronized void stop() {
        Running r = running;
        running = null;
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
        Running r = running;
        if (r == null || !r.overHttp()) {
            throw new IllegalStateException("Server '" + settings.name() + "' is not running over HTTP");
        }
        return r.port();
    }

    /** The public URL of the MCP endpoint, such as {@code http://127.0.0.1:8080/mcp} (base URL plus endpoint). */
    public String url() {
        Running r = running;
        if (r == null || !r.overHttp()) {
            throw new IllegalStateException("Server '" + settings.name() + "' is not running over HTTP");
        }
        return r.url();
    }

    /** Builds a {@link FastMCP}. */
    public static final class Builder {
        private final String name;
        private final String version;
        private String instructions;
        private final List<Tool> tools = new ArrayList<>();
        private final List<Resource> resources = new ArrayList<>();
        private final List<ResourceTemplate> templates = new ArrayList<>();
        private final List<Prompt> prompts = new ArrayList<>();
        private final List<Settings.Route> routes = new ArrayList<>();
        private Authenticator authenticator;
        private Duration clientRequestTimeout = Duration.ofMinutes(10);
        private ExecutorService toolExecutor;
        private int toolThreads = 64;
        private int maxSessions = 10_000;
        private int maxSessionsPerSubject; // 0: derived from maxSessions, see build()
        private int maxSessionsPerClient;
        private Duration sessionIdleTimeout = Duration.ofMinutes(30);
        private long maxRequestBytes = 4L * 1024 * 1024;
        private int eventLogSize = 256;
        private Duration keepAliveInterval = Duration.ofSeconds(25);
        private final Set<String> allowedOrigins = new LinkedHashSet<>();
        private final Set<String> allowedHosts = new LinkedHashSet<>();
        private boolean dnsRebindingProtection = true;
        private boolean cors = true;
        private AuthProvider provider;
        private String baseUrl;
        private boolean allowInsecureHttpBaseUrl;
        private boolean trustForwardedHeaders;
        private final List<String> requiredScopes = new ArrayList<>();

        private Builder(String name, String version) {
            this.name = Objects.requireNonNull(name, "name == null");
            this.version = Objects.requireNonNull(version, "version == null");
        }

        /** Guidance sent to clients in {@code initialize}, typically added to the model's context. */
        public Builder instructions(String instructions) {
            this.instructions = instructions;
            return this;
        }

        /** Adds a tool. */
        public Builder addTool(Tool tool) {
            tools.add(Objects.requireNonNull(tool, "tool == null"));
            return this;
        }

        /** Adds a resource. */
        public Builder addResource(Resource resource) {
            resources.add(Objects.requireNonNull(resource, "resource == null"));
            return this;
        }

        /** Adds a resource template. */
        public Builder addResourceTemplate(ResourceTemplate template) {
            templates.add(Objects.requireNonNull(template, "template == null"));
            return this;
        }

        /** Adds a prompt. */
        public Builder addPrompt(Prompt prompt) {
            prompts.add(Objects.requireNonNull(prompt, "prompt == null"));
            return this;
        }

        /** Authenticates every HTTP request to the MCP endpoint and to authenticated routes (API keys, custom schemes). */
        public Builder authenticate(Authenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
            return this;
        }

        /**
         * Protects the server with OAuth: every request to the MCP endpoint needs a bearer token the provider
         * verifies, and the server serves the protected resource metadata (RFC 9728) pointing clients to the
         * provider's authorization servers. With {@link #authenticate} also set, the hook decides instead.
         */
        public Builder auth(AuthProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider == null");
            return this;
        }

        /**
         * The same as {@link #auth}, under the name of FastMCP's {@code oauth} option. The MCP endpoint is always
         * protected by the provider's tokens; there is no configuration in which the OAuth routes are served and
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
            this.baseUrl = Objects.requireNonNull(url, "url == null");
            return this;
        }

        /** Accepts a plain {@code http} base URL that is not loopback. Tokens then travel unencrypted. */
        public Builder allowInsecureHttpBaseUrl() {
            this.allowInsecureHttpBaseUrl = true;
            return this;
        }

        /**
         * Trusts {@code X-Forwarded-For} and {@code X-Forwarded-Host}; only behind a reverse proxy that sets them.
         * The client's address is then the last {@code X-Forwarded-For} entry, the one the proxy appended (the
         * earlier ones come from the client and prove nothing).
         */
        public Builder trustForwardedHeaders() {
            this.trustForwardedHeaders = true;
            return this;
        }

        /** Scopes every request's token must carry; a token without them gets 403 {@code insufficient_scope}. */
        public Builder requiredScopes(String... scopes) {
            requiredScopes.addAll(List.of(scopes));
            return this;
        }

        /** Serves a custom route, public, such as {@code addRoute("GET", "/users/{id}", handler)}. */
        public Builder addRoute(String method, String path, RouteHandler handler) {
            return route(method, path, handler, false);
        }

        /** Serves a custom route that needs the same authentication as the MCP endpoint. */
        public Builder addAuthenticatedRoute(String method, String path, RouteHandler handler) {
            return route(method, path, handler, true);
        }

        private Builder route(String method, String path, RouteHandler handler, boolean authenticated) {
            Objects.requireNonNull(method, "method == null");
            Objects.requireNonNull(path, "path == null");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("Route path must start with '/', was '" + path + "'");
            }
            routes.add(new Settings.Route(method.toUpperCase(java.util.Locale.ROOT), path,
                    Objects.requireNonNull(handler, "handler == null"), authenticated));
            return this;
        }

        /**
         * How long the server waits for the client to answer its requests (elicitation, sampling); default 10
         * minutes, since a person may be typing the answer.
         */
        public Builder clientRequestTimeout(Duration timeout) {
            this.clientRequestTimeout = positive(timeout, "clientRequestTimeout");
            return this;
        }

        /** The executor tool, resource and prompt code runs on (for example virtual threads on Java 21+). */
        public Builder toolExecutor(ExecutorService executor) {
            this.toolExecutor = Objects.requireNonNull(executor, "executor == null");
            return this;
        }

        /** The size of the default tool executor: how many calls run at once (default 64). */
        public Builder toolThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("toolThreads must be at least 1, was " + threads);
            }
            this.toolThreads = threads;
            return this;
        }

        /** The most sessions kept at once (default 10,000); {@code initialize} beyond it gets 503. */
        public Builder maxSessions(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxSessions must be at least 1, was " + max);
            }
            this.maxSessions = max;
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
            if (max < 1) {
                throw new IllegalArgumentException("maxSessionsPerSubject must be at least 1, was " + max);
            }
            this.maxSessionsPerSubject = max;
            return this;
        }

        /**
         * The most sessions one OAuth client (the {@code client_id} of the tokens) holds at once, across all its
         * users; default half of {@link #maxSessions}. Past it, the client's least recently used idle session is
         * closed as for {@link #maxSessionsPerSubject}, and {@code initialize} is refused with 503 when all are
         * busy. Must be below {@code maxSessions}. Tokens without a client id are not counted here.
         */
        public Builder maxSessionsPerClient(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxSessionsPerClient must be at least 1, was " + max);
            }
            this.maxSessionsPerClient = max;
            return this;
        }

        /** How long a session without requests or open streams lives (default 30 minutes). */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = positive(timeout, "sessionIdleTimeout");
            return this;
        }

        /** The largest request body accepted (default 4 MiB); larger ones get 413. */
        public Builder maxRequestBytes(long bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("maxRequestBytes must be at least 1024, was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /** How many SSE events per session are kept for clients resuming with Last-Event-ID (default 256). */
        public Builder eventStoreSize(int events) {
            if (events < 0) {
                throw new IllegalArgumentException("eventStoreSize must not be negative, was " + events);
            }
            this.eventLogSize = events;
            return this;
        }

        /** How often idle SSE streams get a keep-alive comment (default 25 seconds). */
        public Builder keepAliveInterval(Duration interval) {
            this.keepAliveInterval = positive(interval, "keepAliveInterval");
            return this;
        }

        /** Browser origins allowed besides loopback and same-origin ones, e.g. {@code https://app.example.com}; {@code *} allows all. */
        public Builder allowedOrigins(String... origins) {
            allowedOrigins.addAll(List.of(origins));
            return this;
        }

        /** Host names accepted in the {@code Host} header besides loopback ones (when bound to loopback). */
        public Builder allowedHosts(String... hosts) {
            allowedHosts.addAll(List.of(hosts));
            return this;
        }

        /** Turns off Host and Origin validation. Only behind a proxy that validates them itself. */
        public Builder disableDnsRebindingProtection() {
            this.dnsRebindingProtection = false;
            return this;
        }

        /** Turns CORS headers on (default) or off. */
        public Builder cors(boolean enabled) {
            this.cors = enabled;
            return this;
        }

        /** Validates and builds the server (not started). */
        public FastMCP build() {
            if (name.isBlank()) {
                throw new IllegalArgumentException("Server name must not be blank");
            }
            requireUnique(tools.stream().map(Tool::name).toList(), "tool");
            requireUnique(resources.stream().map(Resource::uri).toList(), "resource");
            requireUnique(templates.stream().map(ResourceTemplate::uriTemplate).toList(), "resource template");
            requireUnique(prompts.stream().map(Prompt::name).toList(), "prompt");
            requireShare(maxSessionsPerSubject, "maxSessionsPerSubject");
            requireShare(maxSessionsPerClient, "maxSessionsPerClient");
            return new FastMCP(this);
        }

        Settings settings() {
            return new Settings(name, version, instructions, authenticator, List.copyOf(routes), clientRequestTimeout,
                    toolExecutor, toolThreads, maxSessions,
                    share(maxSessionsPerSubject, Math.min(100, maxSessions / 10)),
                    share(maxSessionsPerClient, maxSessions / 2), sessionIdleTimeout, maxRequestBytes, eventLogSize,
                    keepAliveInterval, Set.copyOf(allowedOrigins), Set.copyOf(allowedHosts), dnsRebindingProtection,
                    cors, provider, baseUrl == null ? null : PublicUrls.normalizeBaseUrl(baseUrl,
                            allowInsecureHttpBaseUrl), allowInsecureHttpBaseUrl, trustForwardedHeaders,
                    List.copyOf(requiredScopes));
        }

        /** A share of the sessions must leave room for others: below the cap (unless the cap is a single one). */
        private void requireShare(int share, String what) {
            if (share != 0 && share >= maxSessions && maxSessions > 1) {
                throw new IllegalArgumentException(what + " (" + share + ") must be below maxSessions (" + maxSessions
                        + "), so that one user or client cannot take every session; lower it or raise maxSessions");
            }
        }

        private static int share(int configured, int derived) {
            return configured != 0 ? configured : Math.max(1, derived);
        }

        private static void requireUnique(List<String> names, String kind) {
            Set<String> seen = new LinkedHashSet<>();
            for (String n : names) {
                if (!seen.add(n)) {
                    throw new IllegalArgumentException("The " + kind + " '" + n + "' is added twice; "
                            + kind + " names must be unique");
                }
            }
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what + " == null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
