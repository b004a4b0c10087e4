package dev.fastmcp.server;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.Authenticator;
import dev.fastmcp.FastMCP;
import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.RouteHandler;
import dev.fastmcp.Tool;
import dev.fastmcp.internal.SecretStrength;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * What {@link FastMCP.Builder} collects: the settings and the components a server starts with. Its setters are
 * the builder's options of the same name; each value is checked as it is set, the whole at {@link #validate()}.
 */
public final class Blueprint {

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
    private int maxSessionsPerSubject; // 0: derived from maxSessions, see settings()
    private int maxSessionsPerClient;
    private Duration sessionIdleTimeout = Duration.ofMinutes(30);
    private long maxRequestBytes = 4L * 1024 * 1024;
    private int eventLogSize = 256;
    private Duration keepAliveInterval = Duration.ofSeconds(25);
    private Duration cacheTtl = ModernDispatcher.DEFAULT_CACHE_TTL;
    private final Set<String> allowedOrigins = new LinkedHashSet<>();
    private final Set<String> allowedHosts = new LinkedHashSet<>();
    private boolean dnsRebindingProtection = true;
    private boolean cors = true;
    private AuthProvider provider;
    private String baseUrl;
    private boolean allowInsecureHttpBaseUrl;
    private boolean trustForwardedHeaders;
    private final List<String> requiredScopes = new ArrayList<>();
    private final Map<String, List<String>> scopeHierarchy = new LinkedHashMap<>();
    private String requestStateSecret;
    private List<String> previousRequestStateSecrets = List.of();
    private Duration requestStateTtl = RequestStateCodec.DEFAULT_TTL;

    public Blueprint(String name, String version) {
        this.name = Objects.requireNonNull(name, "name == null");
        this.version = Objects.requireNonNull(version, "version == null");
    }

    public void instructions(String instructions) {
        this.instructions = instructions;
    }

    public void addTool(Tool tool) {
        tools.add(Objects.requireNonNull(tool, "tool == null"));
    }

    public void addResource(Resource resource) {
        resources.add(Objects.requireNonNull(resource, "resource == null"));
    }

    public void addResourceTemplate(ResourceTemplate template) {
        templates.add(Objects.requireNonNull(template, "template == null"));
    }

    public void addPrompt(Prompt prompt) {
        prompts.add(Objects.requireNonNull(prompt, "prompt == null"));
    }

    public void authenticate(Authenticator authenticator) {
        this.authenticator = Objects.requireNonNull(authenticator, "authenticator == null");
    }

    public void auth(AuthProvider provider) {
        this.provider = Objects.requireNonNull(provider, "provider == null");
    }

    public void baseUrl(String url) {
        this.baseUrl = Objects.requireNonNull(url, "url == null");
    }

    public void allowInsecureHttpBaseUrl() {
        this.allowInsecureHttpBaseUrl = true;
    }

    public void trustForwardedHeaders() {
        this.trustForwardedHeaders = true;
    }

    public void requiredScopes(String... scopes) {
        requiredScopes.addAll(List.of(scopes));
    }

    public void scopeHierarchy(Map<String, ? extends Collection<String>> implies) {
        Scopes.hierarchy(implies);
        implies.forEach((broader, narrower) -> scopeHierarchy.computeIfAbsent(broader, k -> new ArrayList<>())
                .addAll(narrower));
    }

    public void requestStateSecret(String secret, String... previous) {
        SecretStrength.require("requestStateSecret", secret);
        for (String p : previous) {
            SecretStrength.require("A previous requestStateSecret", p);
        }
        this.requestStateSecret = secret;
        this.previousRequestStateSecrets = List.of(previous);
    }

    public void requestStateTtl(Duration ttl) {
        this.requestStateTtl = positive(ttl, "requestStateTtl");
    }

    /** A custom route; {@code authenticated} when it needs the same authentication as the MCP endpoint. */
    public void route(String method, String path, RouteHandler handler, boolean authenticated) {
        Objects.requireNonNull(method, "method == null");
        Objects.requireNonNull(path, "path == null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with '/', was '" + path + "'");
        }
        routes.add(new Settings.Route(method.toUpperCase(Locale.ROOT), path,
                Objects.requireNonNull(handler, "handler == null"), authenticated));
    }

    public void clientRequestTimeout(Duration timeout) {
        this.clientRequestTimeout = positive(timeout, "clientRequestTimeout");
    }

    public void toolExecutor(ExecutorService executor) {
        this.toolExecutor = Objects.requireNonNull(executor, "executor == null");
    }

    public void toolThreads(int threads) {
        this.toolThreads = atLeast(1, threads, "toolThreads");
    }

    public void maxSessions(int max) {
        this.maxSessions = atLeast(1, max, "maxSessions");
    }

    public void maxSessionsPerSubject(int max) {
        this.maxSessionsPerSubject = atLeast(1, max, "maxSessionsPerSubject");
    }

    public void maxSessionsPerClient(int max) {
        this.maxSessionsPerClient = atLeast(1, max, "maxSessionsPerClient");
    }

    public void sessionIdleTimeout(Duration timeout) {
        this.sessionIdleTimeout = positive(timeout, "sessionIdleTimeout");
    }

    public void maxRequestBytes(long bytes) {
        if (bytes < 1024) {
            throw new IllegalArgumentException("maxRequestBytes must be at least 1024, was " + bytes);
        }
        this.maxRequestBytes = bytes;
    }

    public void eventStoreSize(int events) {
        if (events < 0) {
            throw new IllegalArgumentException("eventStoreSize must not be negative, was " + events);
        }
        this.eventLogSize = events;
    }

    public void keepAliveInterval(Duration interval) {
        this.keepAliveInterval = positive(interval, "keepAliveInterval");
    }

    public void cacheTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "cacheTtl == null");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl must not be negative, was " + ttl);
        }
        this.cacheTtl = ttl;
    }

    public void allowedOrigins(String... origins) {
        allowedOrigins.addAll(List.of(origins));
    }

    public void allowedHosts(String... hosts) {
        allowedHosts.addAll(List.of(hosts));
    }

    public void disableDnsRebindingProtection() {
        this.dnsRebindingProtection = false;
    }

    public void cors(boolean enabled) {
        this.cors = enabled;
    }

    /** Checks what only the whole can tell: a name, unique components, and shares of sessions below the cap. */
    public void validate() {
        if (name.isBlank()) {
            throw new IllegalArgumentException("Server name must not be blank");
        }
        requireUnique(tools.stream().map(Tool::name).toList(), "tool");
        requireUnique(resources.stream().map(Resource::uri).toList(), "resource");
        requireUnique(templates.stream().map(ResourceTemplate::uriTemplate).toList(), "resource template");
        requireUnique(prompts.stream().map(Prompt::name).toList(), "prompt");
        requireShare(maxSessionsPerSubject, "maxSessionsPerSubject");
        requireShare(maxSessionsPerClient, "maxSessionsPerClient");
    }

    /**
     * The settings: the shares of sessions not set derived from {@code maxSessions}, the base URL normalized, the
     * request state codec made.
     */
    public Settings settings() {
        return new Settings(name, version, instructions, authenticator, List.copyOf(routes), clientRequestTimeout,
                toolExecutor, toolThreads, maxSessions,
                share(maxSessionsPerSubject, Math.min(100, maxSessions / 10)),
                share(maxSessionsPerClient, maxSessions / 2), sessionIdleTimeout, maxRequestBytes, eventLogSize,
                keepAliveInterval, Set.copyOf(allowedOrigins), Set.copyOf(allowedHosts), dnsRebindingProtection,
                cors, provider, baseUrl == null ? null : PublicUrls.normalizeBaseUrl(baseUrl,
                        allowInsecureHttpBaseUrl), allowInsecureHttpBaseUrl, trustForwardedHeaders,
                List.copyOf(requiredScopes), Scopes.hierarchy(scopeHierarchy),
                RequestStateCodec.create(requestStateSecret, previousRequestStateSecrets, requestStateTtl), cacheTtl);
    }

    /** The components to start with, their code run on {@code executor}. */
    public Components components(ExecutorService executor) {
        Components components = new Components(new Invocations(executor));
        tools.forEach(components::put);
        resources.forEach(components::put);
        templates.forEach(components::put);
        prompts.forEach(components::put);
        return components;
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

    private static int atLeast(int min, int value, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", was " + value);
        }
        return value;
    }

    private static Duration positive(Duration d, String what) {
        Objects.requireNonNull(d, what + " == null");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }
}
