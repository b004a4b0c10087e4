package dev.fastmcp.transport;

import dev.fastmcp.server.Access;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.ModernCall;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.ModernProtocol;
import dev.fastmcp.server.ModernRequest;
import dev.fastmcp.server.RequestScope;
import dev.fastmcp.server.Subscription;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import java.util.function.Consumer;
import reactor.core.Disposable;

/**
 * MCP 2026-07-28 on stdio: a line whose {@code _meta} is modern (or {@code server/discover}) is served by the same
 * dispatcher as on HTTP, without {@code initialize}; its notifications (progress, log messages) are lines before
 * its response. There are no headers to check. A listen request lasts until {@code notifications/cancelled} names
 * it or stdin closes.
 */
final class ModernStdio {

    private final ModernDispatcher dispatcher;
    private final Consumer<Object> out;
    private final Map<Object, RequestScope> inflight;
    private final Access.Caller caller;

    /**
     * @param out      writes one message as a line
     * @param inflight the requests in progress, by id, which {@code notifications/cancelled} cancels
     * @param caller   the caller of every request: the stdio session's identity, see {@link StdioIdentity}
     */
    ModernStdio(ModernDispatcher dispatcher, Consumer<Object> out, Map<Object, RequestScope> inflight,
            Access.Caller caller) {
        this.dispatcher = dispatcher;
        this.out = out;
        this.inflight = inflight;
        this.caller = caller;
    }

    void request(McpSchema.JSONRPCRequest request) {
        RequestScope scope = new RequestScope(request.id(), caller);
        try {
            ModernRequest modern = ModernRequest.of(request, null);
            ModernCall call = dispatcher.prepare(modern, scope);
            call.requireClientCapabilities();
            if (inflight.putIfAbsent(request.id(), scope) != null) {
                out.accept(Json.errorEnvelope(request.id(), McpSchema.ErrorCodes.INVALID_REQUEST,
                        "Request id " + request.id() + " is already in use by a request in progress"));
                return;
            }
            if (ModernProtocol.LISTEN.equals(modern.method())) {
                listen(modern, scope);
                return;
            }
            Disposable running = call.run(this::notify).subscribe(response -> {
                inflight.remove(request.id(), scope);
                if (!scope.cancelled()) {
                    out.accept(response);
                }
            });
            scope.onSubscribe(running);
        } catch (JsonRpcException e) {
            out.accept(Json.errorEnvelope(e.id(), e.code(), e.getMessage(), e.data()));
        }
    }

    private void notify(String method, Map<String, Object> params) {
        out.accept(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, params));
    }

    /** Acknowledges what the client asked to follow, then announces its changes until cancelled. */
    private void listen(ModernRequest request, RequestScope scope) {
        Subscription subscription;
        try {
            subscription = Subscription.of(dispatcher, request, scope, out::accept);
        } catch (JsonRpcException e) {
            inflight.remove(request.id(), scope);
            throw e;
        }
        subscription.start();
        scope.onCancel(() -> {
            subscription.stop();
            inflight.remove(request.id(), scope);
        });
    }
}
