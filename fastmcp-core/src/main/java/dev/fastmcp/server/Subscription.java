package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One {@code subscriptions/listen} request of MCP 2026-07-28, whatever transport carries it: what the client asked
 * for and may have (list changes, updates of the resources it may read, its own tasks), the acknowledgment that
 * comes first, and the notifications that follow, each tagged with the request's id as its subscription id.
 */
public final class Subscription {

    private static final Map<String, String> LIST_CHANGES = Map.of(
            "toolsListChanged", "notifications/tools/list_changed",
            "promptsListChanged", "notifications/prompts/list_changed",
            "resourcesListChanged", "notifications/resources/list_changed");

    private final ModernDispatcher dispatcher;
    private final Object id;
    private final Map<String, Object> honoured;
    private final Set<String> uris;
    private final List<String> tasks;
    private final RequestScope scope;
    private final Consumer<McpSchema.JSONRPCMessage> out;
    private Runnable unsubscribe = () -> { };
    private Runnable unwatch = () -> { };

    private Subscription(ModernDispatcher dispatcher, Object id, Map<String, Object> honoured, Set<String> uris,
            List<String> tasks, RequestScope scope, Consumer<McpSchema.JSONRPCMessage> out) {
        this.dispatcher = dispatcher;
        this.id = id;
        this.honoured = honoured;
        this.uris = uris;
        this.tasks = tasks;
        this.scope = scope;
        this.out = out;
    }

    /**
     * Reads what a listen request asks for, keeping only what the caller may have.
     *
     * @param out where the acknowledgment and the notifications go, in order
     * @throws JsonRpcException -32602 for a missing or malformed filter; -32021 for task ids from a client that does
     *         not declare the tasks extension
     */
    public static Subscription of(ModernDispatcher dispatcher, ModernRequest request, RequestScope scope,
            Consumer<McpSchema.JSONRPCMessage> out) {
        if (!(request.params().get("notifications") instanceof Map<?, ?> filter)) {
            throw invalid(request.id(), "\"notifications\" is required, an object");
        }
        Object taskIds = filter.get("taskIds");
        if (taskIds != null && !request.declaresExtension(Tasks.EXTENSION)) {
            throw ModernProtocol.missingCapabilities(request.id(),
                    Map.of("extensions", Map.of(Tasks.EXTENSION, Map.of())));
        }
        if (taskIds != null && !(taskIds instanceof List<?>)) {
            throw invalid(request.id(), "\"taskIds\" must be a list of task ids");
        }
        Object resources = filter.get("resourceSubscriptions");
        if (resources != null && !(resources instanceof List<?>)) {
            throw invalid(request.id(), "\"resourceSubscriptions\" must be a list of resource URIs");
        }
        Map<String, Object> honoured = new LinkedHashMap<>();
        LIST_CHANGES.keySet().stream().sorted().filter(key -> Boolean.TRUE.equals(filter.get(key)))
                .forEach(key -> honoured.put(key, true));
        List<String> uris = resources == null ? List.of()
                : ((List<?>) resources).stream().filter(u -> u instanceof String).map(String.class::cast)
                        .filter(uri -> dispatcher.mayRead(uri, scope)).distinct().toList();
        if (!uris.isEmpty()) {
            honoured.put("resourceSubscriptions", uris);
        }
        List<String> tasks = taskIds == null ? List.of() : dispatcher.tasks().visible((List<?>) taskIds, scope);
        if (!tasks.isEmpty()) {
            honoured.put("taskIds", tasks);
        }
        return new Subscription(dispatcher, request.id(), honoured, Set.copyOf(uris), tasks, scope, out);
    }

    /**
     * Sends the acknowledgment, the current state of the followed tasks, then every change until {@link #stop}.
     * Changes are followed before the acknowledgment is sent, so none falls in between, and wait for it: the
     * acknowledgment is always the first message.
     */
    public synchronized void start() {
        unsubscribe = dispatcher.components().changes().subscribe(this::changed);
        Tasks.Watching watching = dispatcher.tasks().watch(tasks, scope, this::task);
        unwatch = watching.stop();
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("_meta", tag());
        ack.put("notifications", honoured);
        out.accept(notification("notifications/subscriptions/acknowledged", ack));
        watching.current().forEach(this::task);
    }

    /** Stops following changes; nothing more is sent. */
    public void stop() {
        unsubscribe.run();
        unwatch.run();
    }

    /** The server ends the subscription: it stops, says so with {@code notifications/cancelled}, then answers. */
    public synchronized void end(String reason) {
        stop();
        Map<String, Object> cancelled = new LinkedHashMap<>();
        cancelled.put("_meta", tag());
        cancelled.put("requestId", id);
        cancelled.put("reason", reason);
        out.accept(notification("notifications/cancelled", cancelled));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("resultType", "complete");
        result.put("_meta", dispatcher.withServerInfo(tag()));
        out.accept(McpSchema.JSONRPCResponse.result(id, result));
    }

    private synchronized void changed(ChangeFeed.Change change) {
        if (change.uri() != null) {
            if (uris.contains(change.uri())) {
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("_meta", tag());
                params.put("uri", change.uri());
                out.accept(notification(change.method(), params));
            }
            return;
        }
        boolean wanted = LIST_CHANGES.entrySet().stream()
                .anyMatch(e -> e.getValue().equals(change.method()) && honoured.containsKey(e.getKey()));
        if (wanted) {
            out.accept(notification(change.method(), Map.of("_meta", tag())));
        }
    }

    /** A followed task changed: {@code notifications/tasks} with the task as {@code tasks/get} answers it. */
    private synchronized void task(Map<String, Object> task) {
        Map<String, Object> params = new LinkedHashMap<>(task);
        params.put("_meta", tag());
        out.accept(notification("notifications/tasks", params));
    }

    private Map<String, Object> tag() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put(ModernProtocol.SUBSCRIPTION_ID, id);
        return meta;
    }

    private static McpSchema.JSONRPCNotification notification(String method, Map<String, Object> params) {
        return new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, params);
    }

    private static JsonRpcException invalid(Object id, String what) {
        return new JsonRpcException(200, id, McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: " + what);
    }
}
