package dev.fastmcp.server;

import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The server's tools, resources, templates and prompts; the SDK specifications wrapping them; and the
 * per-caller lists (the SDK's lists know nothing of {@code canAccess} beyond tools, so the transports answer
 * the four list requests from here).
 */
public final class Components {

    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Map<String, ResourceTemplate> templates = new LinkedHashMap<>();
    private final Map<String, Prompt> prompts = new LinkedHashMap<>();
    private final Map<Tool, InputSchema> schemas = new java.util.IdentityHashMap<>();
    private final Invocations invocations;
    private final Access access = new Access(this);
    private final ChangeFeed changes = new ChangeFeed();

    Components(Invocations invocations) {
        this.invocations = invocations;
    }

    /**
     * Whether a request of {@code method} (calling the tool {@code toolName}, for {@code tools/call}) runs user code
     * that may run on the very thread handling the request (see {@link Invocations#handleInline}): not a tool with a
     * timeout, which needs a thread of its own to race. An unknown tool name answers true: nothing will run.
     */
    public boolean runsInline(String method, Object toolName) {
        if (!Invocations.runsUserCode(method)) {
            return false;
        }
        if (!McpSchema.METHOD_TOOLS_CALL.equals(method)) {
            return true;
        }
        Tool tool;
        synchronized (this) {
            tool = toolName instanceof String n ? tools.get(n) : null;
        }
        return tool == null || tool.timeout() == null;
    }

    /** The changes to the components, for the listeners of MCP 2026-07-28. */
    public ChangeFeed changes() {
        return changes;
    }

    /** What runs the components' user code. */
    Invocations invocations() {
        return invocations;
    }

    /** What clients are told when a request fails, and what the log gets. */
    public Failures failures() {
        return invocations.failures();
    }

    /** The executor that runs user code. */
    public java.util.concurrent.Executor userCodeExecutor() {
        return invocations.executor();
    }

    public synchronized void put(Tool tool) {
        Tool replaced = tools.put(tool.name(), tool);
        if (replaced != null) {
            schemas.remove(replaced);
        }
        schemas.put(tool, InputSchema.of(tool));
    }

    public synchronized void put(Resource resource) {
        resources.put(resource.uri(), resource);
    }

    public synchronized void put(ResourceTemplate template) {
        templates.put(template.uriTemplate(), template);
    }

    public synchronized void put(Prompt prompt) {
        prompts.put(prompt.name(), prompt);
    }

    public synchronized boolean removeTool(String name) {
        Tool removed = tools.remove(name);
        if (removed != null) {
            schemas.remove(removed);
        }
        return removed != null;
    }

    /** The input schema of {@code tool}, compiled once per registration and shared by both revisions. */
    synchronized InputSchema schema(Tool tool) {
        InputSchema schema = schemas.get(tool);
        return schema != null ? schema : InputSchema.of(tool);
    }

    /** Whether any component decides who may use it, so that what a caller sees depends on who calls. */
    synchronized boolean anyAccessChecks() {
        return tools.values().stream().anyMatch(t -> t.canAccess() != null)
                || resources.values().stream().anyMatch(r -> r.canAccess() != null)
                || templates.values().stream().anyMatch(t -> t.canAccess() != null)
                || prompts.values().stream().anyMatch(p -> p.canAccess() != null);
    }

    public synchronized boolean removeResource(String uri) {
        return resources.remove(uri) != null;
    }

    public synchronized boolean removeTemplate(String uriTemplate) {
        return templates.remove(uriTemplate) != null;
    }

    public synchronized boolean removePrompt(String name) {
        return prompts.remove(name) != null;
    }

    synchronized List<Tool> tools() {
        return List.copyOf(tools.values());
    }

    /**
     * The components that decide who may use them ({@code canAccess}), each as its kind and name ("tool 'x'"): those
     * a caller without an identity may not see.
     */
    public synchronized List<String> guarded() {
        List<String> out = new ArrayList<>();
        tools.values().stream().filter(t -> t.canAccess() != null).forEach(t -> out.add("tool '" + t.name() + "'"));
        resources.values().stream().filter(r -> r.canAccess() != null)
                .forEach(r -> out.add("resource '" + r.uri() + "'"));
        templates.values().stream().filter(t -> t.canAccess() != null)
                .forEach(t -> out.add("resource template '" + t.uriTemplate() + "'"));
        prompts.values().stream().filter(p -> p.canAccess() != null)
                .forEach(p -> out.add("prompt '" + p.name() + "'"));
        return out;
    }

    /** Whether a tool may run as a task (tasks extension) now. */
    public synchronized boolean offersTasks() {
        return tools.values().stream().anyMatch(t -> t.taskSupport() != dev.fastmcp.TaskSupport.FORBIDDEN);
    }

    synchronized List<Resource> resources() {
        return List.copyOf(resources.values());
    }

    synchronized List<ResourceTemplate> templates() {
        return List.copyOf(templates.values());
    }

    synchronized List<Prompt> prompts() {
        return List.copyOf(prompts.values());
    }

    /** How {@link #intercept} handled a request; null means not at all: the SDK handles it. */
    public sealed interface Intercepted {
    }

    /** Answered here, with this result or JSON-RPC error. */
    public record Answer(Mono<Object> result) implements Intercepted {
    }

    /**
     * A call of a tool refused only for missing scopes, by a caller who can step up: over HTTP, a 403 with the
     * {@code insufficient_scope} challenge; a transport without one answers as for an unknown tool.
     */
    public record StepUp(String tool, Access.MissingScopes refusal) implements Intercepted {
    }

    /** The owner of the access decision, which looks components up here. */
    Access access() {
        return access;
    }

    /**
     * The component of this kind and name, or null: for {@link Access.Kind#RESOURCE}, the resource with this URI,
     * else the first template matching it.
     */
    Object find(Access.Kind kind, String name) {
        List<ResourceTemplate> candidates;
        synchronized (this) {
            switch (kind) {
                case TOOL:
                    return tools.get(name);
                case PROMPT:
                    return prompts.get(name);
                default:
                    Resource resource = resources.get(name);
                    if (resource != null) {
                        return resource;
                    }
                    candidates = List.copyOf(templates.values());
            }
        }
        for (ResourceTemplate t : candidates) {
            if (new io.modelcontextprotocol.util.DefaultMcpUriTemplateManager(t.uriTemplate()).matches(name)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Requests the transports answer from here instead of the SDK: the four lists, filtered by
     * {@code canAccess} for this caller; completions (whose SDK registry cannot change at run time); and
     * calls of unknown or refused tools and prompts. Returns null for every other request, and for a call the
     * caller may make, whose access decision it records in the request's scope for the handler.
     */
    public Intercepted intercept(String method, Object params, McpTransportContext ctx) {
        if (McpSchema.METHOD_COMPLETION_COMPLETE.equals(method)) {
            return new Answer(Mono.defer(() -> complete(params, ctx)).cast(Object.class));
        }
        // Authorize before dispatch: unknown and refused tools and prompts get one answer, before the shape of
        // the params is even looked at, so nothing about a refused component leaks. The decision is made once,
        // here; the handler only checks that it runs the component decided on (see Invocations).
        if (McpSchema.METHOD_TOOLS_CALL.equals(method) || McpSchema.METHOD_PROMPT_GET.equals(method)) {
            Access.Kind kind = McpSchema.METHOD_TOOLS_CALL.equals(method) ? Access.Kind.TOOL : Access.Kind.PROMPT;
            Map<?, ?> map = params instanceof Map<?, ?> m ? m : Map.of();
            if (!(map.get("name") instanceof String name)) {
                return new Answer(Mono.error(invalidParams("Invalid params: \"name\" is required")));
            }
            RequestScope scope = RequestScope.of(ctx);
            Access.Decision decision = decide(kind, name, scope);
            if (decision instanceof Access.MissingScopes refusal) {
                return new StepUp(name, refusal);
            }
            if (!(decision instanceof Access.Allowed allowed)) {
                return new Answer(Mono.error(Access.unknown(kind, name)));
            }
            if (!optionalObject(map.get("arguments")) || !optionalObject(map.get("_meta"))) {
                return new Answer(Mono.error(
                        invalidParams("Invalid params: \"arguments\" and \"_meta\" must be objects")));
            }
            scope.grant(allowed.component());
            return null;
        }
        if (McpSchema.METHOD_RESOURCES_SUBSCRIBE.equals(method)) {
            String uri = params instanceof Map<?, ?> m && m.get("uri") instanceof String u ? u : null;
            if (uri == null) {
                return new Answer(Mono.error(invalidParams("Invalid params: \"uri\" is required")));
            }
            return access.decide(Access.Kind.RESOURCE, uri, RequestScope.of(ctx).caller()) instanceof Access.Allowed
                    ? null : new Answer(Mono.error(Access.unknown(Access.Kind.RESOURCE, uri)));
        }
        Object listed = list(method, ctx);
        return listed == null ? null : new Answer(Mono.just(listed));
    }

    /** The access decision of this request for a component: made here, unless the HTTP edge made it already. */
    Access.Decision decide(Access.Kind kind, String name, RequestScope scope) {
        Access.Decision early = scope.edgeDecision(kind, name);
        return early != null ? early : access.decide(kind, name, scope.caller());
    }

    private Mono<McpSchema.CompleteResult> complete(Object params, McpTransportContext ctx) {
        McpSchema.CompleteRequest request;
        try {
            request = Json.MAPPER.convertValue(params, McpSchema.CompleteRequest.class);
        } catch (RuntimeException e) {
            return Mono.error(invalidParams("Invalid completion/complete params: expected ref and argument"));
        }
        if (request == null || request.ref() == null || request.argument() == null
                || request.argument().name() == null) {
            return Mono.error(invalidParams("Invalid completion/complete params: ref and argument.name are required"));
        }
        String argument = request.argument().name();
        if (request.ref() instanceof McpSchema.PromptReference ref) {
            Prompt prompt;
            synchronized (this) {
                prompt = prompts.get(ref.name());
            }
            if (prompt == null || !allowed(prompt, ctx)) {
                return Mono.error(invalidParams("Prompt not found: " + ref.name()));
            }
            return invocations.complete(prompt.completers().get(argument), request, ctx);
        }
        if (request.ref() instanceof McpSchema.ResourceReference ref) {
            ResourceTemplate template;
            Resource resource;
            synchronized (this) {
                template = templates.get(ref.uri());
                resource = resources.get(ref.uri());
            }
            if (template != null && allowed(template, ctx)) {
                return invocations.complete(template.completers().get(argument), request, ctx);
            }
            if (resource != null && allowed(resource, ctx)) {
                return invocations.complete(null, request, ctx);
            }
            return Mono.error(McpError.RESOURCE_NOT_FOUND.apply(ref.uri()));
        }
        return Mono.error(invalidParams("Unknown completion reference type; use ref/prompt or ref/resource"));
    }

    private static boolean optionalObject(Object value) {
        return value == null || value instanceof Map;
    }

    /** Whether this request's caller may use {@code component}. */
    private static boolean allowed(Object component, McpTransportContext ctx) {
        return Access.decide(component, RequestScope.of(ctx).caller()) instanceof Access.Allowed;
    }

    private static McpError invalidParams(String message) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message(message).build();
    }

    private Object list(String method, McpTransportContext ctx) {
        return switch (method) {
            case McpSchema.METHOD_TOOLS_LIST -> McpSchema.ListToolsResult.builder(visibleTools(ctx)).build();
            case McpSchema.METHOD_RESOURCES_LIST -> McpSchema.ListResourcesResult.builder(
                    visible(resources(), Resource::definition, ctx)).build();
            case McpSchema.METHOD_RESOURCES_TEMPLATES_LIST -> McpSchema.ListResourceTemplatesResult.builder(
                    visible(templates(), ResourceTemplate::definition, ctx)).build();
            case McpSchema.METHOD_PROMPT_LIST -> McpSchema.ListPromptsResult.builder(
                    visible(prompts(), Prompt::definition, ctx)).build();
            default -> null;
        };
    }

    /** Tools refused only for missing scopes stay listed (the caller can step up), unless they ask to be hidden. */
    private List<McpSchema.Tool> visibleTools(McpTransportContext ctx) {
        Access.Caller caller = RequestScope.of(ctx).caller();
        List<McpSchema.Tool> out = new ArrayList<>();
        for (Tool tool : tools()) {
            if (Access.listed(Access.decide(tool, caller))) {
                out.add(tool.definition());
            }
        }
        return out;
    }

    private static <C, D> List<D> visible(List<C> items, Function<C, D> definition, McpTransportContext ctx) {
        Access.Caller caller = RequestScope.of(ctx).caller();
        List<D> out = new ArrayList<>(items.size());
        for (C item : items) {
            if (Access.listed(Access.decide(item, caller))) {
                out.add(definition.apply(item));
            }
        }
        return out;
    }

    // Specifications for the session-based server (Streamable HTTP and stdio).

    McpServerFeatures.AsyncToolSpecification toolSpec(Tool tool) {
        InputSchema schema = schema(tool);
        return McpServerFeatures.AsyncToolSpecification.builder().tool(tool.definition())
                .callHandler((ex, req) -> invocations.callTool(tool, schema, ex.transportContext(), ClientChannel.of(ex),
                        req)).build();
    }

    McpServerFeatures.AsyncResourceSpecification resourceSpec(Resource resource) {
        return new McpServerFeatures.AsyncResourceSpecification(resource.definition(),
                (ex, req) -> invocations.readResource(resource, ex.transportContext(), ClientChannel.of(ex), req));
    }

    McpServerFeatures.AsyncResourceTemplateSpecification templateSpec(ResourceTemplate template) {
        return new McpServerFeatures.AsyncResourceTemplateSpecification(template.definition(),
                (ex, req) -> invocations.readTemplate(template, ex.transportContext(), ClientChannel.of(ex), req));
    }

    McpServerFeatures.AsyncPromptSpecification promptSpec(Prompt prompt) {
        return new McpServerFeatures.AsyncPromptSpecification(prompt.definition(),
                (ex, req) -> invocations.getPrompt(prompt, ex.transportContext(), ClientChannel.of(ex), req));
    }

    // Specifications for the stateless server: no exchange, so no way back to the client.

    McpStatelessServerFeatures.AsyncToolSpecification statelessToolSpec(Tool tool) {
        InputSchema schema = schema(tool);
        return McpStatelessServerFeatures.AsyncToolSpecification.builder().tool(tool.definition())
                .callHandler((ctx, req) -> invocations.callTool(tool, schema, ctx, ClientChannel.of(null), req))
                .build();
    }

    McpStatelessServerFeatures.AsyncResourceSpecification statelessResourceSpec(Resource resource) {
        return new McpStatelessServerFeatures.AsyncResourceSpecification(resource.definition(),
                (ctx, req) -> invocations.readResource(resource, ctx, ClientChannel.of(null), req));
    }

    McpStatelessServerFeatures.AsyncResourceTemplateSpecification statelessTemplateSpec(ResourceTemplate template) {
        return new McpStatelessServerFeatures.AsyncResourceTemplateSpecification(template.definition(),
                (ctx, req) -> invocations.readTemplate(template, ctx, ClientChannel.of(null), req));
    }

    McpStatelessServerFeatures.AsyncPromptSpecification statelessPromptSpec(Prompt prompt) {
        return new McpStatelessServerFeatures.AsyncPromptSpecification(prompt.definition(),
                (ctx, req) -> invocations.getPrompt(prompt, ctx, ClientChannel.of(null), req));
    }

}
