package dev.fastmcp.server;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.Authenticator;
import dev.fastmcp.ExecutionOptions;
import dev.fastmcp.FastMCP;
import dev.fastmcp.HttpOptions;
import dev.fastmcp.Prompt;
import dev.fastmcp.RequestStateOptions;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.RouteHandler;
import dev.fastmcp.SessionOptions;
import dev.fastmcp.TaskOptions;
import dev.fastmcp.Tool;
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
import java.util.function.UnaryOperator;

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
    private SessionOptions sessions = SessionOptions.defaults();
    private TaskOptions tasks = TaskOptions.defaults();
    private HttpOptions http = HttpOptions.defaults();
    private ExecutionOptions execution = ExecutionOptions.defaults();
    private RequestStateOptions requestState = RequestStateOptions.defaults();
    private Duration cacheTtl = ModernDispatcher.DEFAULT_CACHE_TTL;
    private AuthProvider provider;
    private String baseUrl;
    private boolean allowInsecureHttpBaseUrl;
    private boolean trustForwardedHeaders;
    private final List<String> requiredScopes = new ArrayList<>();
    private final Map<String, List<String>> scopeHierarchy = new LinkedHashMap<>();

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

    public void sessions(UnaryOperator<SessionOptions> change) {
        sessions = changed(sessions, change, "sessions");
    }

    public void tasks(UnaryOperator<TaskOptions> change) {
        tasks = changed(tasks, change, "tasks");
    }

    public void http(UnaryOperator<HttpOptions> change) {
        http = changed(http, change, "http");
    }

    public void execution(UnaryOperator<ExecutionOptions> change) {
        execution = changed(execution, change, "execution");
    }

    public void requestState(UnaryOperator<RequestStateOptions> change) {
        requestState = changed(requestState, change, "requestState");
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

    public void cacheTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "cacheTtl == null");
        if (ttl.isNegative()) {
            throw new IllegalArgumentException("cacheTtl must not be negative, was " + ttl);
        }
        this.cacheTtl = ttl;
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
        requireShare(sessions.perSubject(), "perSubject");
        requireShare(sessions.perClient(), "perClient");
    }

    /**
     * The settings: the shares of sessions not set derived from the most sessions, the base URL normalized, the
     * request state codec made.
     */
    public Settings settings() {
        SessionOptions ss = sessions;
        return new Settings(name, version, instructions, authenticator, List.copyOf(routes),
                execution.clientRequestTimeout(), execution.toolExecutor(), execution.toolThreads(), ss.max(),
                share(ss.perSubject(), Math.min(100, ss.max() / 10)), share(ss.perClient(), ss.max() / 2),
                ss.idleTimeout(), http.maxRequestBytes(), ss.eventStoreSize(), http.keepAliveInterval(),
                http.allowedOrigins(), http.allowedHosts(), http.dnsRebindingProtection(), http.cors(), provider,
                baseUrl == null ? null : PublicUrls.normalizeBaseUrl(baseUrl, allowInsecureHttpBaseUrl),
                allowInsecureHttpBaseUrl, trustForwardedHeaders, List.copyOf(requiredScopes),
                Scopes.hierarchy(scopeHierarchy), RequestStateCodec.create(requestState.secret(),
                        requestState.previousSecrets(), requestState.ttl()), cacheTtl, ss.store(), tasks.store());
    }

    /** The components to start with, their code run on {@code executor}. */
    public Components components(ExecutorService executor) {
        Components components = new Components(new Invocations(executor,
                new Failures(execution.exposeExceptionDetailsInsecurely())));
        tools.forEach(components::put);
        resources.forEach(components::put);
        templates.forEach(components::put);
        prompts.forEach(components::put);
        return components;
    }

    /** A share of the sessions must leave room for others: below the cap (unless the cap is a single one). */
    private void requireShare(int share, String what) {
        int max = sessions.max();
        if (share != 0 && share >= max && max > 1) {
            throw new IllegalArgumentException("sessions: " + what + " (" + share + ") must be below max (" + max
                    + "), so that one user or client cannot take every session; lower it or raise max");
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

    private static <T> T changed(T options, UnaryOperator<T> change, String group) {
        return Objects.requireNonNull(Objects.requireNonNull(change, group + " change == null").apply(options),
                group + ": the change returned null; return the changed options, e.g. " + group + "(o -> o...)");
    }
}
