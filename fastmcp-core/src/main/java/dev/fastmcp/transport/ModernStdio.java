package dev.fastmcp.transport;

import dev.fastmcp.server.Access;
import dev.fastmcp.server.ChangeFeed;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.ModernCall;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.ModernProtocol;
import dev.fastmcp.server.ModernRequest;
import dev.fastmcp.server.RequestScope;
import dev.fastmcp.server.Tasks;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * @param out      writes one message as a line
     * @param inflight the requests in progress, by id, which {@code notifications/cancelled} cancels
     */
    ModernStdio(ModernDispatcher dispatcher, Consumer<Object> out, Map<Object, RequestScope> inflight) {
        this.dispatcher = dispatcher;
        this.out = out;
        this.inflight = inflight;
    }

    void request(McpSchema.JSONRPCRequest request) {
        RequestScope scope = new RequestScope(request.id(), Access.Caller.ANONYMOUS);
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

    /**
     * Acknowledges the lists and tasks the client asked about, then announces their changes until cancelled.
     *
     * @throws JsonRpcException -32021 for task ids from a client that does not declare the tasks extension
     */
    private void listen(ModernRequest request, RequestScope scope) {
        Map<String, Object> filter = new LinkedHashMap<>();
        List<String> tasks = List.of();
        if (request.params().get("notifications") instanceof Map<?, ?> asked) {
            for (String key : List.of("toolsListChanged", "promptsListChanged", "resourcesListChanged")) {
                if (Boolean.TRUE.equals(asked.get(key))) {
                    filter.put(key, true);
                }
            }
            if (asked.get("taskIds") != null && !request.declaresExtension(Tasks.EXTENSION)) {
                inflight.remove(request.id(), scope);
                throw ModernProtocol.missingCapabilities(request.id(),
                        Map.of("extensions", Map.of(Tasks.EXTENSION, Map.of())));
            }
            if (asked.get("taskIds") instanceof List<?> ids) {
                tasks = dispatcher.tasks().visible(ids, scope);
            }
        }
        if (!tasks.isEmpty()) {
            filter.put("taskIds", tasks);
        }
        Map<String, Object> tag = Map.of(ModernProtocol.SUBSCRIPTION_ID, request.id());
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("_meta", tag);
        ack.put("notifications", filter);
        notify("notifications/subscriptions/acknowledged", ack);
        Runnable unsubscribe = dispatcher.components().changes().subscribe(change -> {
            if (change.uri() == null && filter.containsKey(key(change))) {
                notify(change.method(), Map.of("_meta", tag));
            }
        });
        Consumer<Map<String, Object>> taskChanged = task -> {
            Map<String, Object> params = new LinkedHashMap<>(task);
            params.put("_meta", tag);
            notify("notifications/tasks", params);
        };
        Tasks.Watching watching = dispatcher.tasks().watch(tasks, scope, taskChanged);
        watching.current().forEach(taskChanged);
        scope.onCancel(() -> {
            unsubscribe.run();
            watching.stop().run();
            inflight.remove(request.id(), scope);
        });
    }

    /** The filter key of a list change, such as {@code toolsListChanged}. */
    private static String key(ChangeFeed.Change change) {
        String list = change.method().substring("notifications/".length(), change.method().indexOf("/list_changed"));
        return list + "ListChanged";
    }
}
