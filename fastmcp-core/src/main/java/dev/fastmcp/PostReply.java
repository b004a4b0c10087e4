package dev.fastmcp;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The reply to one POSTed request: plain JSON when the request produced nothing but its response, an SSE
 * stream as soon as it sends anything before (progress, logs, elicitation), so nothing is buffered.
 */
final class PostReply implements McpStreamableServerTransport {

    private static final Logger LOG = LoggerFactory.getLogger(PostReply.class);

    private final McpCall call;
    private final SessionEntry session;
    private final RequestScope scope;
    private SseStream sse;
    private boolean answered;
    private boolean closed;

    private final long keepAliveSeconds;
    private final org.xnio.XnioExecutor.Key upgradeTimer;

    PostReply(McpCall call, SessionEntry session, RequestScope scope, long keepAliveSeconds) {
        this.call = call;
        this.session = session;
        this.scope = scope;
        this.keepAliveSeconds = keepAliveSeconds;
        // A call silent for this long turns into an SSE stream with keep-alives, so that idle timeouts of
        // proxies (and our own) do not cut a long tool call or a wait for the user.
        this.upgradeTimer = call.channel().schedule(keepAliveSeconds, this::upgradeIfSilent);
    }

    private synchronized void upgradeIfSilent() {
        if (!closed && !answered && sse == null) {
            openStream();
        }
    }

    private void openStream() {
        sse = session.newStream();
        call.channel().startStream(200, "text/event-stream", McpCall.SSE_HEADERS);
        sse.attach(call.channel());
        call.channel().keepAlive(keepAliveSeconds);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> deliver(message));
    }

    private synchronized void deliver(McpSchema.JSONRPCMessage message) {
        boolean response = message instanceof McpSchema.JSONRPCResponse;
        if (closed || (response && scope.cancelled())) {
            return;
        }
        if (sse == null && response) {
            answered = true;
            cancelTimer();
            call.channel().respond(200, "application/json", Json.bytes(message), Map.of());
            return;
        }
        if (sse == null) {
            openStream();
        }
        sse.send(Json.string(message));
        answered |= response;
    }

    /** Ends the connection but not the stream: the client resumes it with Last-Event-ID. */
    synchronized void detachConnection() {
        if (closed || answered) {
            return;
        }
        if (sse == null) {
            cancelTimer();
            openStream();
        }
        sse.detach();
    }

    /** The handler chain failed outside any tool: answer with a generic JSON-RPC error. */
    void fail(Throwable error) {
        LOG.warn("Request {} failed in the MCP session", scope.requestId, error);
        deliver(new McpSchema.JSONRPCResponse("2.0", scope.requestId, null,
                new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error",
                        null)));
        close();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimer();
        session.inflight.remove(scope.requestId, scope);
        if (sse != null) {
            sse.finish();
        } else if (!answered) {
            // Cancelled before anything was sent: the client expects no response, so end an empty stream.
            call.channel().startStream(200, "text/event-stream", McpCall.SSE_HEADERS);
            call.channel().end();
        }
    }

    private void cancelTimer() {
        if (upgradeTimer != null) {
            upgradeTimer.remove();
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return Json.MAPPER.convertValue(data, typeRef);
    }
}
