package dev.fastmcp.server;

import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.TaskSupport;
import dev.fastmcp.ServiceUnavailableException;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * One request of MCP 2026-07-28, between its checks and its answer. Made by {@link ModernDispatcher#prepare}, which
 * decides access (once, as for the older revisions: through {@link Components#intercept} for tools and prompts);
 * the transport then checks what needs the decided component ({@code Mcp-Param-*} headers, the capabilities the
 * tool needs) before anything is written, and {@link #run runs} it.
 */
public final class ModernCall {

    private final ModernDispatcher dispatcher;
    private final ModernRequest request;
    private final RequestScope scope;
    /** The answer decided without running user code (an error, a list, a completion); null otherwise. */
    private Mono<Object> answer;
    private Access.MissingScopes stepUp;
    /** The tool, prompt, resource or template the caller may use; null when {@link #answer} is set. */
    private Object component;

    ModernCall(ModernDispatcher dispatcher, ModernRequest request, RequestScope scope) {
        this.dispatcher = dispatcher;
        this.request = request;
        this.scope = scope;
        String method = request.method();
        McpError invalid = RequestParams.check(method, request.params());
        if (invalid != null) {
            answer = Mono.error(invalid);
        } else if (McpSchema.METHOD_RESOURCES_READ.equals(method)) {
            String uri = (String) request.params().get("uri");
            if (components().decide(Access.Kind.RESOURCE, uri, scope) instanceof Access.Allowed allowed) {
                scope.grant(allowed.component());
                component = allowed.component();
            } else {
                answer = Mono.error(Access.unknown(Access.Kind.RESOURCE, uri));
            }
        } else if (Tasks.handles(method)) {
            // A client that does not declare the extension is refused by requireClientCapabilities.
            Components.Intercepted prepared = request.declaresExtension(Tasks.EXTENSION)
                    ? dispatcher.tasks().prepare(request, scope)
                    : new Components.Answer(Mono.error(Tasks.missingExtension(request.id())));
            if (prepared instanceof Components.StepUp s) {
                stepUp = s.refusal();
            } else {
                answer = ((Components.Answer) prepared).result();
            }
        } else if (!ModernProtocol.DISCOVER.equals(method) && !ModernProtocol.LISTEN.equals(method)) {
            Components.Intercepted intercepted = components().intercept(method, request.params(),
                    scope.transportContext());
            if (intercepted instanceof Components.Answer a) {
                answer = a.result();
            } else if (intercepted instanceof Components.StepUp s) {
                stepUp = s.refusal();
            } else {
                component = scope.grantedComponent();
            }
        }
    }

    private Components components() {
        return dispatcher.components();
    }

    /** The request. */
    public ModernRequest request() {
        return request;
    }

    /** The refusal of a tool for missing scopes, to answer with the 403 step-up; null otherwise. */
    public Access.MissingScopes stepUp() {
        return stepUp;
    }

    /**
     * The {@code Mcp-Param-*} headers the called tool asks for, by header name (without the prefix), each with the
     * path of its argument; empty when no tool the caller may use is called.
     */
    public Map<String, List<String>> paramHeaders() {
        return component instanceof Tool tool ? components().schema(tool).paramHeaders() : Map.of();
    }

    /** The arguments of a {@code tools/call}; empty when none. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> arguments() {
        return request.params().get("arguments") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    /**
     * Refuses a call of a tool that needs client capabilities the request does not declare, and a request that needs
     * the tasks extension (its methods, a tool that runs only as a task) from a client that does not declare it.
     *
     * @throws JsonRpcException 400 with -32021 naming them
     */
    public void requireClientCapabilities() {
        if (Tasks.handles(request.method()) && !request.declaresExtension(Tasks.EXTENSION)) {
            throw Tasks.missingExtension(request.id());
        }
        if (!(component instanceof Tool tool)) {
            return;
        }
        Set<String> missing = new java.util.LinkedHashSet<>();
        for (String capability : tool.requiredClientCapabilities()) {
            if (!request.declares(capability)) {
                missing.add(capability);
            }
        }
        if (!missing.isEmpty()) {
            throw ModernProtocol.missingCapabilities(request.id(), ModernProtocol.capabilities(missing));
        }
        if (tool.taskSupport() == TaskSupport.REQUIRED && !request.declaresExtension(Tasks.EXTENSION)) {
            throw Tasks.missingExtension(request.id());
        }
    }

    /**
     * Runs the call; notifications about it go to {@code stream}. The response is the result as this revision
     * sends it, or the JSON-RPC error; it fails only with a {@link ServiceUnavailableException} (a shared storage
     * down), which the transport answers as such (HTTP 503).
     */
    public Mono<McpSchema.JSONRPCResponse> run(ModernStream stream) {
        Mono<?> result;
        if (answer != null) {
            result = answer;
        } else if (ModernProtocol.DISCOVER.equals(request.method())) {
            result = Mono.fromSupplier(dispatcher::discover);
        } else if (component instanceof Tool tool && Tasks.mayBeTask(tool, request) && !tool.taskStartsInHandler()) {
            result = Mono.fromCallable(() -> dispatcher.tasks().create(tool, request, scope, Map.of()));
        } else {
            boolean mayBecomeTask = component instanceof Tool tool && Tasks.mayBeTask(tool, request);
            result = Mono.defer(() -> invoke(new ModernChannel(request, stream, InputRound.open(
                    dispatcher.requestState(), request, RequestStateCodec.Principal.of(scope.caller().session())),
                    mayBecomeTask)));
        }
        return result.cast(Object.class).onErrorResume(Tasks.Escalation.class, e -> Mono.fromCallable(
                        () -> dispatcher.tasks().create((Tool) component, request, scope, e.answers())))
                .map(r -> McpSchema.JSONRPCResponse.result(request.id(), r instanceof Tasks.Created created
                        ? dispatcher.taskCreated(created.task()) : dispatcher.complete(request.method(), r)))
                .onErrorResume(e -> !(e instanceof ServiceUnavailableException), e -> Mono.just(
                        e instanceof InputRequired input
                        ? McpSchema.JSONRPCResponse.result(request.id(), dispatcher.inputRequired(input.result()))
                        : dispatcher.error(request.id(), e)));
    }

    private Mono<?> invoke(ModernChannel channel) {
        Invocations invocations = components().invocations();
        McpTransportContext tctx = scope.transportContext();
        if (component instanceof Tool tool) {
            McpSchema.CallToolRequest call = toolCall();
            return invocations.callTool(tool, components().schema(tool), tctx, channel, call)
                    .map(r -> Results.checkedStructure(tool, r));
        }
        if (component instanceof Prompt prompt) {
            return invocations.getPrompt(prompt, tctx, channel, params(McpSchema.GetPromptRequest.class));
        }
        McpSchema.ReadResourceRequest read = params(McpSchema.ReadResourceRequest.class);
        if (component instanceof Resource resource) {
            return invocations.readResource(resource, tctx, channel, read);
        }
        return invocations.readTemplate((ResourceTemplate) component, tctx, channel, read);
    }

    /** The params of a {@code tools/call}, whose shape {@link RequestParams} checked: taken as they are. */
    private McpSchema.CallToolRequest toolCall() {
        return new McpSchema.CallToolRequest((String) request.params().get("name"),
                request.params().get("arguments") instanceof Map<?, ?> ? arguments() : null, request.meta());
    }

    private <T> T params(Class<T> type) {
        try {
            return Json.MAPPER.convertValue(request.params(), type);
        } catch (RuntimeException e) {
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                    .message("Invalid params: the request's params do not have the expected shape").build();
        }
    }
}
