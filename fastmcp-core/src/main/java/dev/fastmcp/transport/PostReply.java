package dev.fastmcp.transport;

import dev.fastmcp.server.Failures;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.RequestScope;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import java.util.Map;
import org.xnio.XnioExecutor;
import reactor.core.publisher.Mono;

/**
 * The reply to one POSTed request: plain JSON when the request produced nothing but its response, an SSE
 * stream as soon as it sends anything before (progress, logs, elicitation), so nothing is buffered.
 *
 * <p>The reply ends when the handling ends ({@link #complete}, {@link #fail}) or is cancelled ({@link #close}),
 * not when the SDK says it is done with it: the SDK releases the stream before an error it did not catch
 * reaches us, and that error still owes the client a response.
 */
final class PostReply implements McpStreamableServerTransport {

    private final McpCall call;
    private final SessionEntry session;
    private final RequestScope scope;
    private final long keepAliveSeconds;
    private final Failures failures;
    private final XnioExecutor.Key upgradeTimer;
    private SseStream sse;
    private boolean answered;
    private boolean closed;

    PostReply(McpCall call, SessionEntry session, RequestScope scope, long keepAliveSeconds, Failures failures) {
        this.call = call;
        this.session = session;
        this.scope = scope;
        this.keepAliveSeconds = keepAliveSeconds;
        this.failures = failures;
        // A call silent for this long turns into an SSE stream with keep-alives, so that idle timeouts of
        // proxies (and our own) do not cut a long tool call or a wait for the user.
        this.upgradeTimer = call.channel().schedule(keepAliveSeconds, this::upgradeIfSilent);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> deliver(message));
    }

    private void deliver(McpSchema.JSONRPCMessage message) {
        boolean response = message instanceof McpSchema.JSONRPCResponse;
        if (response && scope.cancelled()) {
            return;
        }
        byte[] json = Json.bytes(message); // outside the lock: results can be large
        synchronized (this) {
            if (closed) {
                return;
            }
            if (response) {
                // The id is free again once the client can see the answer: it may reuse it at once.
                session.inflight.remove(scope.requestId(), scope);
            }
            if (sse == null && response) {
                answered = true;
                cancelTimer();
                call.channel().respond(200, "application/json", json, Map.of());
                return;
            }
            if (sse == null) {
                openStream();
            }
            sse.send(new String(json, java.nio.charset.StandardCharsets.UTF_8));
            answered |= response;
        }
    }

    private synchronized void upgradeIfSilent() {
        if (!closed && !answered && sse == null) {
            openStream();
        }
    }

    private void openStream() {
        cancelTimer();
        sse = session.newStream();
        call.channel().startStream(200, "text/event-stream", McpCall.SSE_HEADERS);
        sse.attach(call.channel());
        call.channel().keepAlive(keepAliveSeconds);
    }

    /** Ends the connection but not the stream: the client resumes it with Last-Event-ID. */
    synchronized void detachConnection() {
        if (closed || answered) {
            return;
        }
        if (sse == null) {
            openStream();
        }
        sse.detach();
    }

    /** The handling failed before answering (for example, params the SDK could not read): answer with an error. */
    void fail(Throwable error) {
        McpSchema.JSONRPCResponse.JSONRPCError answer = failures.ofRequest(scope.requestId(), error);
        boolean owed;
        synchronized (this) {
            owed = !answered && !closed;
        }
        if (owed) {
            deliver(McpSchema.JSONRPCResponse.error(scope.requestId(), answer));
        }
        close();
    }

    /** The SDK calls this once it has sent the response; the reply ends with {@link #close}, see above. */
    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    /** Ends the reply: the stream if one was opened, else an empty stream when nothing was ever sent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        cancelTimer();
        session.inflight.remove(scope.requestId(), scope);
        session.touch();
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
