package dev.fastmcp.transport;

import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.ModernProtocol;
import dev.fastmcp.server.ModernRequest;
import dev.fastmcp.server.RequestScope;
import dev.fastmcp.server.Subscription;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code subscriptions/listen} of MCP 2026-07-28 on HTTP: a long-lived SSE stream that carries a {@link Subscription}
 * (the acknowledgment first, flushed at once, then the notifications the client asked for). When the server stops,
 * each stream is cancelled and answered, then ends.
 */
final class ListenStreams {

    private final ModernDispatcher dispatcher;
    private final long keepAliveSeconds;
    private final Map<Subscription, HttpChannel> open = new ConcurrentHashMap<>();

    ListenStreams(ModernDispatcher dispatcher, long keepAliveSeconds) {
        this.dispatcher = dispatcher;
        this.keepAliveSeconds = keepAliveSeconds;
    }

    /**
     * Opens the stream of a listen request whose envelope and headers passed.
     *
     * @throws JsonRpcException when the request's filter is refused, before the stream opens
     */
    void open(McpCall call, ModernRequest request, RequestScope scope) {
        HttpChannel channel = call.channel();
        Subscription subscription = Subscription.of(dispatcher, request, scope, message -> send(channel, message));
        channel.startStream(200, "text/event-stream", McpCall.SSE_HEADERS);
        open.put(subscription, channel);
        subscription.start();
        channel.keepAlive(keepAliveSeconds);
        channel.onClose(() -> {
            open.remove(subscription);
            subscription.stop();
        });
    }

    /** The server stops: each stream is cancelled, answered and ended. */
    void closeAll() {
        open.forEach((subscription, channel) -> {
            subscription.end("The server is stopping");
            channel.end();
        });
        open.clear();
    }

    private static void send(HttpChannel channel, Object message) {
        channel.write(("event: message\ndata: " + Json.string(message) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A listen request refused before its stream opens. */
    static JsonRpcException notAcceptable(Object id) {
        return new JsonRpcException(406, id, McpSchema.ErrorCodes.INVALID_REQUEST,
                "Not Acceptable: " + ModernProtocol.LISTEN + " answers with an SSE stream, so Accept must allow "
                        + "text/event-stream");
    }
}
