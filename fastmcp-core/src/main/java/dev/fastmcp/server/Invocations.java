package dev.fastmcp.server;

import dev.fastmcp.Completer;
import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import dev.fastmcp.ToolHandler;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.util.DefaultMcpUriTemplateManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs user code for tools, resources, prompts and completions: the access decision first, then argument
 * validation, then the handler on the tool executor (never an I/O thread), then result mapping. Failures
 * become results or JSON-RPC errors as {@link Failures} says.
 */
public final class Invocations {

    private static final int MAX_COMPLETIONS = 100;

    /** Set while a tool thread handles a request whose user code may run right there, without a hand-off. */
    private static final ThreadLocal<Boolean> INLINE = new ThreadLocal<>();

    private final java.util.concurrent.ExecutorService executor;
    private final Scheduler scheduler;
    private final Failures failures;

    Invocations(java.util.concurrent.ExecutorService executor) {
        this(executor, Failures.MASKED);
    }

    Invocations(java.util.concurrent.ExecutorService executor, Failures failures) {
        this.executor = executor;
        this.scheduler = reactor.core.scheduler.Schedulers.fromExecutorService(executor, "fastmcp-tools");
        this.failures = failures;
    }

    /** What clients are told of failures. */
    Failures failures() {
        return failures;
    }

    /** The executor of user code (the tool executor). */
    java.util.concurrent.Executor executor() {
        return executor;
    }

    /**
     * Runs {@code task}, which handles one request on a thread of the tool executor, so that the user code of that
     * request runs on this same thread instead of being handed to another one: a hand-off costs more than a
     * trivial tool. Only the first invocation in {@code task} runs here, and only on this thread.
     */
    public static void handleInline(Runnable task) {
        INLINE.set(Boolean.TRUE);
        try {
            task.run();
        } finally {
            INLINE.remove();
        }
    }

    /** Whether this request method runs user code (and so is handled on the tool executor from the start). */
    static boolean runsUserCode(String method) {
        return McpSchema.METHOD_TOOLS_CALL.equals(method) || McpSchema.METHOD_RESOURCES_READ.equals(method)
                || McpSchema.METHOD_PROMPT_GET.equals(method) || McpSchema.METHOD_COMPLETION_COMPLETE.equals(method);
    }

    /**
     * Whether this request's caller may use {@code component}. Tools and prompts were decided before dispatch
     * (see {@link Components#intercept}), so they are decided here only if replaced in between; resources are
     * decided here, once the SDK has matched the URI to one.
     */
    private static boolean allowed(Object component, McpTransportContext tctx) {
        RequestScope scope = RequestScope.of(tctx);
        return scope.granted(component) || Access.decide(component, scope.caller()) instanceof Access.Allowed;
    }

    Mono<McpSchema.CallToolResult> callTool(Tool tool, InputSchema schema, McpTransportContext tctx,
            ClientChannel channel, McpSchema.CallToolRequest request) {
        return guarded(Failures.CALLING_TOOL, tool.name(), tctx, () -> {
            if (!allowed(tool, tctx)) {
                return Mono.error(Access.unknown(Access.Kind.TOOL, tool.name()));
            }
            Map<String, Object> arguments = request.arguments() == null ? Map.of() : request.arguments();
            String invalid = schema.problems(arguments);
            if (invalid != null) {
                return Mono.just(Results.toolError("Invalid arguments for tool '" + tool.name() + "': " + invalid));
            }
            CallContext ctx = new CallContext(tctx, channel, request.meta(), tool.name());
            Duration timeout = tool.timeout();
            if (timeout == null) {
                return onExecutor(tctx, () -> runTool(tool, arguments, ctx));
            }
            // With a timeout the call always gets its own thread: the timer must be able to race it.
            Mono<McpSchema.CallToolResult> run = handOff(() -> runTool(tool, arguments, ctx));
            // The timer marks the call timed out before the race cancels (and interrupts) it, so the tool
            // already sees isCancelled() when it wakes up.
            return Mono.firstWithSignal(run, Mono.delay(timeout).map(tick -> {
                ctx.markTimedOut();
                return Results.toolError("Tool '" + tool.name() + "' timed out after " + timeout.toMillis()
                        + "ms. Consider increasing the tool's timeout or optimizing the tool implementation.");
            }));
        });
    }

    private McpSchema.CallToolResult runTool(Tool tool, Map<String, Object> arguments, CallContext ctx) {
        Object args;
        try {
            args = tool.argumentType() == null ? arguments : RecordSchemas.bind(arguments, tool.argumentType());
        } catch (InvalidArgumentsException e) {
            return Results.toolError("Invalid arguments for tool '" + tool.name() + "': " + e.getMessage());
        }
        try {
            @SuppressWarnings("unchecked") // built with execute(ToolHandler<A>) after parameters(...) fixed A
            ToolHandler<Object> handler = (ToolHandler<Object>) tool.handler();
            return Results.toToolResult(tool, handler.execute(args, ctx));
        } catch (McpError e) {
            throw e;
        } catch (Exception e) {
            return failures.ofTool(tool.name(), e, ctx.isCancelled());
        }
    }

    Mono<McpSchema.ReadResourceResult> readResource(Resource resource, McpTransportContext tctx,
            ClientChannel channel, McpSchema.ReadResourceRequest request) {
        return guarded(Failures.READING_RESOURCE, request.uri(), tctx, () -> {
            if (!allowed(resource, tctx)) {
                return Mono.error(Access.unknown(Access.Kind.RESOURCE, request.uri()));
            }
            CallContext ctx = new CallContext(tctx, channel, request.meta(), resource.uri());
            String mimeType = resource.definition().mimeType();
            return onExecutor(tctx, () -> Results.toReadResult(request.uri(), mimeType, resource.reader().read(ctx)));
        });
    }

    Mono<McpSchema.ReadResourceResult> readTemplate(ResourceTemplate template, McpTransportContext tctx,
            ClientChannel channel, McpSchema.ReadResourceRequest request) {
        return guarded(Failures.READING_RESOURCE, request.uri(), tctx, () -> {
            if (!allowed(template, tctx)) {
                return Mono.error(Access.unknown(Access.Kind.RESOURCE, request.uri()));
            }
            Map<String, String> variables = new DefaultMcpUriTemplateManager(template.uriTemplate())
                    .extractVariableValues(request.uri());
            CallContext ctx = new CallContext(tctx, channel, request.meta(), template.uriTemplate());
            String mimeType = template.definition().mimeType();
            return onExecutor(tctx, () -> Results.toReadResult(request.uri(), mimeType,
                    template.reader().read(request.uri(), variables, ctx)));
        });
    }

    Mono<McpSchema.GetPromptResult> getPrompt(Prompt prompt, McpTransportContext tctx,
            ClientChannel channel, McpSchema.GetPromptRequest request) {
        return guarded(Failures.GETTING_PROMPT, prompt.name(), tctx, () -> {
            if (!allowed(prompt, tctx)) {
                return Mono.error(Access.unknown(Access.Kind.PROMPT, prompt.name()));
            }
            Map<String, String> arguments = new java.util.LinkedHashMap<>();
            if (request.arguments() != null) {
                request.arguments().forEach((k, v) -> arguments.put(k, v == null ? null : String.valueOf(v)));
            }
            for (McpSchema.PromptArgument declared : prompt.definition().arguments()) {
                if (Boolean.TRUE.equals(declared.required()) && arguments.get(declared.name()) == null) {
                    return Mono.error(McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                            .message("Prompt '" + prompt.name() + "' requires argument '" + declared.name() + "'")
                            .build());
                }
            }
            CallContext ctx = new CallContext(tctx, channel, request.meta(), prompt.name());
            return onExecutor(tctx, () -> Results.toPromptResult(prompt.definition().description(),
                    prompt.renderer().render(arguments, ctx)));
        });
    }

    Mono<McpSchema.CompleteResult> complete(Completer completer, McpSchema.CompleteRequest request,
            McpTransportContext tctx) {
        if (completer == null) {
            return Mono.just(completion(List.of()));
        }
        String value = request.argument().value() == null ? "" : request.argument().value();
        CallContext ctx = new CallContext(tctx, ClientChannel.of(null), request.meta(), "completion");
        return guarded(Failures.COMPLETING, request.argument().name(), tctx, () -> onExecutor(tctx, () -> {
            List<String> values = completer.complete(value, ctx);
            return completion(values == null ? List.of() : values);
        }));
    }

    private static McpSchema.CompleteResult completion(List<String> values) {
        List<String> page = values.size() > MAX_COMPLETIONS ? new ArrayList<>(values.subList(0, MAX_COMPLETIONS))
                : values;
        return new McpSchema.CompleteResult(new McpSchema.CompleteResult.CompleteCompletion(page, values.size(),
                values.size() > MAX_COMPLETIONS));
    }

    /**
     * Runs {@code work} on the tool executor: right here when this thread is the tool thread handling the request
     * (see {@link #handleInline}), else handed to it.
     */
    private <T> Mono<T> onExecutor(McpTransportContext tctx, Callable<T> work) {
        RequestScope scope = RequestScope.of(tctx);
        if (INLINE.get() == null || !scope.isRequest()) {
            return handOff(work);
        }
        INLINE.remove();
        Thread owner = Thread.currentThread();
        return Mono.defer(() -> Thread.currentThread() == owner
                ? Mono.fromCallable(() -> scope.runHere(work))
                : handOff(work));
    }

    private <T> Mono<T> handOff(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(scheduler).onErrorMap(RejectedExecutionException.class,
                e -> McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                        .message("Server busy: too many calls in progress; retry later").build());
    }

    /**
     * The invocation {@code call} makes, its failures what {@link Failures} says: a handler that throws becomes a
     * JSON-RPC error without its internals (a tool's exceptions became an error result already), whichever
     * revision or transport asked, so that no exception's message reaches the SDK, which would send it on.
     */
    private <T> Mono<T> guarded(String doing, String name, McpTransportContext tctx,
            java.util.function.Supplier<Mono<T>> call) {
        return Mono.defer(call).onErrorMap(e -> !(e instanceof McpError),
                e -> failures.ofUserCode(doing, name, e, RequestScope.of(tctx).cancelled()));
    }
}
