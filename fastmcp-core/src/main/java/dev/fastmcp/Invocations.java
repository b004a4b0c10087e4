package dev.fastmcp;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.util.DefaultMcpUriTemplateManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * Runs user code for tools, resources, prompts and completions: the access check first, then argument
 * validation, then the handler on the tool executor (never an I/O thread), then result mapping. Failures
 * become results or JSON-RPC errors; no stack trace reaches the client.
 */
final class Invocations {

    private static final Logger LOG = LoggerFactory.getLogger(Invocations.class);
    private static final int MAX_COMPLETIONS = 100;

    private final Scheduler scheduler;

    Invocations(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** The full decision of a check for this request's caller; a check that throws refuses. */
    static AccessCheck.Decision decide(AccessCheck check, McpTransportContext ctx) {
        if (check == null) {
            return AccessCheck.Decision.ALLOWED;
        }
        try {
            return check.evaluate(RequestScope.of(ctx).auth);
        } catch (RuntimeException e) {
            LOG.warn("A canAccess check threw; access refused", e);
            return AccessCheck.Decision.DENIED;
        }
    }

    static boolean allowed(AccessCheck check, McpTransportContext ctx) {
        if (check == null) {
            return true;
        }
        try {
            return check.test(RequestScope.of(ctx).auth);
        } catch (RuntimeException e) {
            LOG.warn("A canAccess check threw; access refused", e);
            return false;
        }
    }

    // One error for a tool that does not exist and one the caller may not use, so a refusal reveals nothing.
    static McpError unknownTool(String name) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: " + name).build();
    }

    static McpError unknownPrompt(String name) {
        return McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown prompt: " + name).build();
    }

    Mono<McpSchema.CallToolResult> callTool(Tool tool, McpTransportContext tctx, McpAsyncServerExchange exchange,
            McpSchema.CallToolRequest request) {
        return Mono.defer(() -> {
            if (!allowed(tool.canAccess(), tctx)) {
                return Mono.error(unknownTool(tool.name()));
            }
            Map<String, Object> arguments = request.arguments() == null ? Map.of() : request.arguments();
            String invalid = tool.inputSchema().problems(arguments);
            if (invalid != null) {
                return Mono.just(Results.toolError("Invalid arguments for tool '" + tool.name() + "': " + invalid));
            }
            CallContext ctx = new CallContext(tctx, exchange, request.meta(), tool.name());
            Mono<McpSchema.CallToolResult> run = onExecutor(() -> runTool(tool, arguments, ctx));
            Duration timeout = tool.timeout();
            if (timeout == null) {
                return run;
            }
            // The timer marks the call timed out before the race cancels (and interrupts) it, so the tool
            // already sees isCancelled() when it wakes up.
            return Mono.firstWithSignal(run, Mono.delay(timeout).map(tick -> {
                ctx.markTimedOut();
                return Results.toolError("Tool '" + tool.name() + "' timed out after " + timeout.toMillis()
                        + "ms. Consider increasing timeoutMs or optimizing the tool implementation.");
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
            return Results.toToolResult(tool, tool.handler().execute(args, ctx));
        } catch (UserError e) {
            return Results.userError(e);
        } catch (Exception e) {
            if (ctx.isCancelled()) {
                LOG.debug("Tool '{}' stopped after cancellation: {}", tool.name(), e.toString());
            } else {
                LOG.warn("Tool '{}' failed", tool.name(), e);
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return Results.toolError("Tool '" + tool.name() + "' execution failed: " + message);
        }
    }

    Mono<McpSchema.ReadResourceResult> readResource(Resource resource, McpTransportContext tctx,
            McpAsyncServerExchange exchange, McpSchema.ReadResourceRequest request) {
        return Mono.defer(() -> {
            if (!allowed(resource.canAccess(), tctx)) {
                return Mono.error(McpError.RESOURCE_NOT_FOUND.apply(request.uri()));
            }
            CallContext ctx = new CallContext(tctx, exchange, request.meta(), resource.uri());
            String mimeType = resource.definition().mimeType();
            return onExecutor(() -> Results.toReadResult(request.uri(), mimeType,
                    guarded("Resource '" + request.uri() + "'", () -> resource.reader().read(ctx))));
        });
    }

    Mono<McpSchema.ReadResourceResult> readTemplate(ResourceTemplate template, McpTransportContext tctx,
            McpAsyncServerExchange exchange, McpSchema.ReadResourceRequest request) {
        return Mono.defer(() -> {
            if (!allowed(template.canAccess(), tctx)) {
                return Mono.error(McpError.RESOURCE_NOT_FOUND.apply(request.uri()));
            }
            Map<String, String> variables = new DefaultMcpUriTemplateManager(template.uriTemplate())
                    .extractVariableValues(request.uri());
            CallContext ctx = new CallContext(tctx, exchange, request.meta(), template.uriTemplate());
            String mimeType = template.definition().mimeType();
            return onExecutor(() -> Results.toReadResult(request.uri(), mimeType,
                    guarded("Resource '" + request.uri() + "'",
                            () -> template.reader().read(request.uri(), variables, ctx))));
        });
    }

    Mono<McpSchema.GetPromptResult> getPrompt(Prompt prompt, McpTransportContext tctx,
            McpAsyncServerExchange exchange, McpSchema.GetPromptRequest request) {
        return Mono.defer(() -> {
            if (!allowed(prompt.canAccess(), tctx)) {
                return Mono.error(unknownPrompt(prompt.name()));
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
            CallContext ctx = new CallContext(tctx, exchange, request.meta(), prompt.name());
            return onExecutor(() -> Results.toPromptResult(prompt.definition().description(),
                    guarded("Prompt '" + prompt.name() + "'", () -> prompt.renderer().render(arguments, ctx))));
        });
    }

    Mono<McpSchema.CompleteResult> complete(Completer completer, McpSchema.CompleteRequest request,
            McpTransportContext tctx) {
        if (completer == null) {
            return Mono.just(completion(List.of()));
        }
        String value = request.argument().value() == null ? "" : request.argument().value();
        CallContext ctx = new CallContext(tctx, null, request.meta(), "completion");
        return onExecutor(() -> {
            List<String> values = guarded("Completion of '" + request.argument().name() + "'",
                    () -> completer.complete(value, ctx));
            return completion(values == null ? List.of() : values);
        });
    }

    private static McpSchema.CompleteResult completion(List<String> values) {
        List<String> page = values.size() > MAX_COMPLETIONS ? new ArrayList<>(values.subList(0, MAX_COMPLETIONS))
                : values;
        return new McpSchema.CompleteResult(new McpSchema.CompleteResult.CompleteCompletion(page, values.size(),
                values.size() > MAX_COMPLETIONS));
    }

    private <T> Mono<T> onExecutor(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(scheduler).onErrorMap(RejectedExecutionException.class,
                e -> McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                        .message("Server busy: too many calls in progress; retry later").build());
    }

    /** Runs user code of resources, prompts and completions; errors become JSON-RPC errors without internals. */
    private static <T> T guarded(String what, Callable<T> work) {
        try {
            return work.call();
        } catch (McpError e) {
            throw e;
        } catch (UserError e) {
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(e.getMessage()).build();
        } catch (Exception e) {
            LOG.warn("{} failed", what, e);
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(what + " failed: " + message)
                    .build();
        }
    }
}
