package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Serves the requests of MCP 2026-07-28 from the same components, access decision and invocation of user code as
 * the older revisions, without the SDK (which does not know that revision): {@code server/discover}, the lists,
 * calls, reads, prompts and completions. Every result says it is complete, carries the server's name in
 * {@code _meta}, and lists, reads and discover carry how long they may be cached and by whom.
 */
public final class ModernDispatcher {

    /** The default of {@code cacheTtl}: clients may reuse a list for a minute. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(1);

    private static final Set<String> CACHEABLE = Set.of(ModernProtocol.DISCOVER, McpSchema.METHOD_TOOLS_LIST,
            McpSchema.METHOD_RESOURCES_LIST, McpSchema.METHOD_RESOURCES_TEMPLATES_LIST,
            McpSchema.METHOD_RESOURCES_READ, McpSchema.METHOD_PROMPT_LIST);
    private static final Set<String> SERVED = Set.of(ModernProtocol.DISCOVER, ModernProtocol.LISTEN,
            McpSchema.METHOD_TOOLS_LIST, McpSchema.METHOD_TOOLS_CALL, McpSchema.METHOD_RESOURCES_LIST,
            McpSchema.METHOD_RESOURCES_TEMPLATES_LIST, McpSchema.METHOD_RESOURCES_READ, McpSchema.METHOD_PROMPT_LIST,
            McpSchema.METHOD_PROMPT_GET, McpSchema.METHOD_COMPLETION_COMPLETE);
    /** Methods of the older revisions that 2026-07-28 removed: answered as unknown, with a word on why. */
    private static final Map<String, String> REMOVED = Map.of(
            McpSchema.METHOD_INITIALIZE, "use server/discover; there is no handshake",
            McpSchema.METHOD_PING, "there are no sessions to keep alive",
            McpSchema.METHOD_LOGGING_SET_LEVEL, "send the log level in each request's _meta",
            McpSchema.METHOD_RESOURCES_SUBSCRIBE, "use " + ModernProtocol.LISTEN,
            McpSchema.METHOD_RESOURCES_UNSUBSCRIBE, "close the " + ModernProtocol.LISTEN + " stream");

    private final Components components;
    private final Map<String, Object> serverInfo;
    private final String instructions;
    private final long ttlMillis;
    private final boolean authRequired;
    /** The extensions of authorization the auth provider offers, listed by {@code server/discover}. */
    private final Map<String, Object> authExtensions;
    private final RequestStateCodec requestState;
    private final Tasks tasks;

    /** Serves {@code components} as {@code settings} say; with authentication, every answer is private. */
    public ModernDispatcher(Settings settings, Components components) {
        this.components = components;
        this.serverInfo = Map.of("name", settings.name(), "version", settings.version());
        this.instructions = settings.instructions();
        this.ttlMillis = settings.cacheTtl().toMillis();
        this.authRequired = settings.provider() != null || settings.authenticator() != null;
        this.authExtensions = settings.provider() == null ? Map.of() : Map.copyOf(settings.provider().extensions());
        this.requestState = settings.requestState();
        this.tasks = new Tasks(components, java.time.Clock.systemUTC(), settings.taskStore());
    }

    /** The tasks of the tasks extension. */
    public Tasks tasks() {
        return tasks;
    }

    /** The server's components, shared with the older revisions. */
    public Components components() {
        return components;
    }

    /**
     * The call of {@code request}, its access decided (or taken from the edge) and its params checked.
     *
     * @throws JsonRpcException 404 with -32601 for a method this revision does not have
     */
    public ModernCall prepare(ModernRequest request, RequestScope scope) {
        if (!SERVED.contains(request.method()) && !Tasks.handles(request.method())) {
            String why = REMOVED.get(request.method());
            throw new JsonRpcException(404, request.id(), McpSchema.ErrorCodes.METHOD_NOT_FOUND,
                    "Method not found: " + LogValues.safe(request.method()) + (why == null ? ""
                            : " is not part of MCP " + ModernProtocol.VERSION + "; " + why));
        }
        return new ModernCall(this, request, scope);
    }

    /**
     * The access decision for a call named by its headers alone ({@code tools/call}, {@code prompts/get},
     * {@code resources/read}); null for any other method.
     */
    public EdgeDecision decideAtEdge(String method, String name, Access.Caller caller) {
        Access.Kind kind = kind(method);
        return kind == null || name == null ? null
                : new EdgeDecision(kind, name, components.access().decide(kind, name, caller));
    }

    static Access.Kind kind(String method) {
        return switch (method) {
            case McpSchema.METHOD_TOOLS_CALL -> Access.Kind.TOOL;
            case McpSchema.METHOD_PROMPT_GET -> Access.Kind.PROMPT;
            case McpSchema.METHOD_RESOURCES_READ -> Access.Kind.RESOURCE;
            default -> null;
        };
    }

    /** The codec of the {@code requestState} of multi-round-trip requests. */
    RequestStateCodec requestState() {
        return requestState;
    }

    /** An "input required" result as this revision sends it: with the server's name, never cacheable. */
    Map<String, Object> inputRequired(Map<String, Object> result) {
        Map<String, Object> out = new LinkedHashMap<>(result);
        out.put("_meta", withServerInfo(null));
        return out;
    }

    /** A new task as the result of the call that created it: {@code resultType: task}, with the server's name. */
    Map<String, Object> taskCreated(Map<String, Object> task) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resultType", "task");
        out.putAll(task);
        out.put("_meta", withServerInfo(null));
        return out;
    }

    /** Whether what a caller sees depends on who calls: authentication, or a component with a check. */
    public boolean privateAnswers() {
        return authRequired || components.anyAccessChecks();
    }

    /** The result of {@code server/discover}, before {@link #complete}. */
    Map<String, Object> discover() {
        Map<String, Object> capabilities = new LinkedHashMap<>();
        capabilities.put("tools", Map.of("listChanged", true));
        capabilities.put("resources", Map.of("subscribe", true, "listChanged", true));
        capabilities.put("prompts", Map.of("listChanged", true));
        capabilities.put("completions", Map.of());
        capabilities.put("logging", Map.of());
        Map<String, Object> extensions = new LinkedHashMap<>(authExtensions);
        extensions.put(Tasks.EXTENSION, Map.of());
        capabilities.put("extensions", extensions);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("supportedVersions", ModernProtocol.ADVERTISED);
        result.put("capabilities", capabilities);
        if (instructions != null) {
            result.put("instructions", instructions);
        }
        return result;
    }

    /** {@code result} of {@code method} as this revision sends it: complete, with the server's name and caching. */
    Object complete(String method, Object result) {
        if (CompletedResult.fits(result)) {
            McpSchema.Result typed = (McpSchema.Result) result;
            boolean cacheable = CACHEABLE.contains(method);
            return new CompletedResult("complete", typed, cacheable ? ttlMillis : null,
                    cacheable ? cacheScope() : null, withServerInfo(typed.meta()));
        }
        Map<String, Object> fields = result instanceof Map<?, ?> m ? stringKeys(m)
                : Json.MAPPER.convertValue(result, Json.MAP);
        fields.remove("resultType");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("resultType", "complete");
        out.putAll(fields);
        if (CACHEABLE.contains(method)) {
            out.put("ttlMs", ttlMillis);
            out.put("cacheScope", cacheScope());
        }
        out.put("_meta", withServerInfo(out.get("_meta")));
        return out;
    }

    private String cacheScope() {
        return privateAnswers() ? "private" : "public";
    }

    /** Whether the caller of {@code scope} may read {@code uri}, for a subscription to its updates. */
    public boolean mayRead(String uri, RequestScope scope) {
        return components.decide(Access.Kind.RESOURCE, uri, scope) instanceof Access.Allowed;
    }

    /** {@code meta} (of a result or a frame) with the server's name and version added. */
    public Map<String, Object> withServerInfo(Object meta) {
        Map<String, Object> out = meta instanceof Map<?, ?> m ? stringKeys(m) : new LinkedHashMap<>();
        out.put(ModernProtocol.SERVER_INFO, serverInfo);
        return out;
    }

    /**
     * The JSON-RPC error for a failed call. This revision has no "resource not found" code of its own: an unknown
     * resource is invalid params, still naming the URI in {@code data}.
     */
    McpSchema.JSONRPCResponse error(Object id, Throwable failure) {
        McpSchema.JSONRPCResponse.JSONRPCError e = components.failures().ofRequest(id, failure);
        if (e.code() == McpSchema.ErrorCodes.RESOURCE_NOT_FOUND) {
            e = new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS, e.message(), e.data());
        }
        return McpSchema.JSONRPCResponse.error(id, e);
    }

    private static Map<String, Object> stringKeys(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
