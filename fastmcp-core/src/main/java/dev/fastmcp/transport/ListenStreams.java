package dev.fastmcp.transport;

import dev.fastmcp.server.ChangeFeed;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.ModernProtocol;
import dev.fastmcp.server.ModernRequest;
import dev.fastmcp.server.RequestScope;
import dev.fastmcp.server.Tasks;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code subscriptions/listen} of MCP 2026-07-28: a long-lived SSE stream that starts with the acknowledgment of
 * what it will carry (flushed at once) and then carries the {@code list_changed} notifications, resource updates
 * and changes of its own tasks the client asked for, each tagged with the listen request's id as its subscription
 * id. When the server stops, each stream is cancelled and answered, then ends.
 */
final class ListenStreams {

    private static final Map<String, String> LIST_CHANGES = Map.of(
            "toolsListChanged", "notifications/tools/list_changed",
            "promptsListChanged", "notifications/prompts/list_changed",
            "resourcesListChanged", "notifications/resources/list_changed");

    private final ModernDispatcher dispatcher;
    private final long keepAliveSeconds;
    private final Set<Listen> open = ConcurrentHashMap.newKeySet();

    ListenStreams(ModernDispatcher dispatcher, long keepAliveSeconds) {
        this.dispatcher = dispatcher;
        this.keepAliveSeconds = keepAliveSeconds;
    }

    /** Opens the stream of a listen request whose envelope and headers passed. */
    void open(McpCall call, ModernRequest request, RequestScope scope) {
        if (!(request.params().get("notifications") instanceof Map<?, ?> filter)) {
            call.respondJson(200, McpSchema.JSONRPCResponse.error(request.id(), new McpSchema.JSONRPCResponse
                    .JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS,
                            "Invalid params: \"notifications\" is required, an object", null)));
            return;
        }
        Object taskIds = filter.get("taskIds");
        if (taskIds != null && !request.declaresExtension(Tasks.EXTENSION)) {
            throw ModernProtocol.missingCapabilities(request.id(),
                    Map.of("extensions", Map.of(Tasks.EXTENSION, Map.of())));
        }
        if (taskIds != null && !(taskIds instanceof List<?>)) {
            call.respondJson(200, McpSchema.JSONRPCResponse.error(request.id(), new McpSchema.JSONRPCResponse
                    .JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS,
                            "Invalid params: \"taskIds\" must be a list of task ids", null)));
            return;
        }
        Map<String, Object> honoured = new LinkedHashMap<>();
        LIST_CHANGES.keySet().stream().sorted().filter(key -> Boolean.TRUE.equals(filter.get(key)))
                .forEach(key -> honoured.put(key, true));
        List<String> uris = filter.get("resourceSubscriptions") instanceof List<?> list
                ? list.stream().filter(u -> u instanceof String).map(String.class::cast)
                        .filter(uri -> dispatcher.mayRead(uri, scope)).distinct().toList()
                : List.of();
        if (!uris.isEmpty()) {
            honoured.put("resourceSubscriptions", uris);
        }
        List<String> tasks = taskIds == null ? List.of()
                : dispatcher.tasks().visible((List<?>) taskIds, scope);
        if (!tasks.isEmpty()) {
            honoured.put("taskIds", tasks);
        }
        Listen listen = new Listen(call.channel(), request.id(), honoured, Set.copyOf(uris));
        call.channel().startStream(200, "text/event-stream", McpCall.SSE_HEADERS);
        Map<String, Object> ack = new LinkedHashMap<>();
        ack.put("_meta", listen.tag());
        ack.put("notifications", honoured);
        listen.send(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION,
                "notifications/subscriptions/acknowledged", ack));
        open.add(listen);
        Runnable unsubscribe = dispatcher.components().changes().subscribe(listen::changed);
        Tasks.Watching watching = dispatcher.tasks().watch(tasks, scope, listen::task);
        watching.current().forEach(listen::task);
        call.channel().keepAlive(keepAliveSeconds);
        call.channel().onClose(() -> {
            open.remove(listen);
            unsubscribe.run();
            watching.stop().run();
        });
    }

    /** The server stops: each stream is cancelled, answered and ended. */
    void closeAll() {
        for (Listen listen : open) {
            listen.end();
        }
        open.clear();
    }

    /** One open stream. */
    private final class Listen {
        private final HttpChannel channel;
        private final Object id;
        private final Map<String, Object> filter;
        private final Set<String> uris;

        Listen(HttpChannel channel, Object id, Map<String, Object> filter, Set<String> uris) {
            this.channel = channel;
            this.id = id;
            this.filter = filter;
            this.uris = uris;
        }

        Map<String, Object> tag() {
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put(ModernProtocol.SUBSCRIPTION_ID, id);
            return meta;
        }

        void changed(ChangeFeed.Change change) {
            if (change.uri() != null) {
                if (uris.contains(change.uri())) {
                    Map<String, Object> params = new LinkedHashMap<>();
                    params.put("_meta", tag());
                    params.put("uri", change.uri());
                    send(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, change.method(), params));
                }
                return;
            }
            boolean wanted = LIST_CHANGES.entrySet().stream()
                    .anyMatch(e -> e.getValue().equals(change.method()) && filter.containsKey(e.getKey()));
            if (wanted) {
                send(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, change.method(),
                        Map.of("_meta", tag())));
            }
        }

        /** A followed task changed: {@code notifications/tasks} with the task as {@code tasks/get} answers. */
        void task(Map<String, Object> task) {
            Map<String, Object> params = new LinkedHashMap<>(task);
            params.put("_meta", tag());
            send(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, "notifications/tasks", params));
        }

        void end() {
            Map<String, Object> cancelled = new LinkedHashMap<>();
            cancelled.put("_meta", tag());
            cancelled.put("requestId", id);
            cancelled.put("reason", "The server is stopping");
            send(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, "notifications/cancelled", cancelled));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("resultType", "complete");
            result.put("_meta", dispatcher.withServerInfo(tag()));
            send(McpSchema.JSONRPCResponse.result(id, result));
            channel.end();
        }

        void send(Object message) {
            channel.write(("event: message\ndata: " + Json.string(message) + "\n\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A listen request refused before its stream opens. */
    static JsonRpcException notAcceptable(Object id) {
        return new JsonRpcException(406, id, McpSchema.ErrorCodes.INVALID_REQUEST,
                "Not Acceptable: " + ModernProtocol.LISTEN + " answers with an SSE stream, so Accept must allow "
                        + "text/event-stream");
    }
}
