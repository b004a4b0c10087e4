package dev.fastmcp.transport;

import dev.fastmcp.ServiceUnavailableException;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.ModernStream;
import dev.fastmcp.server.RequestScope;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.xnio.XnioExecutor;

/**
 * The response to one request of MCP 2026-07-28: plain JSON, or, from the first notification about the request
 * (progress, a log message) when the client accepts it, an SSE stream that ends with the response. The stream
 * belongs to this request alone and cannot be resumed: it has no event ids. A client that closes the connection
 * before the response cancels the request.
 */
final class ModernReply implements ModernStream {

    private final McpCall call;
    private final RequestScope scope;
    private final boolean sseAllowed;
    private final long keepAliveSeconds;
    private final XnioExecutor.Key upgradeTimer;
    private boolean streaming;
    private boolean answered;

    ModernReply(McpCall call, RequestScope scope, boolean sseAllowed, long keepAliveSeconds) {
        this.call = call;
        this.scope = scope;
        this.sseAllowed = sseAllowed;
        this.keepAliveSeconds = keepAliveSeconds;
        // A call silent for this long turns into an SSE stream with keep-alives, so that idle timeouts of proxies
        // (and our own) do not cut a long call.
        this.upgradeTimer = sseAllowed ? call.channel().schedule(keepAliveSeconds, this::upgradeIfSilent) : null;
        call.channel().onClose(this::closed);
    }

    @Override
    public void notify(String method, Map<String, Object> params) {
        if (!sseAllowed) {
            return;
        }
        byte[] frame = frame(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, params));
        synchronized (this) {
            if (answered || scope.cancelled()) {
                return;
            }
            openStream();
            call.channel().write(frame);
        }
    }

    /** Sends the response and ends the reply. */
    void answer(McpSchema.JSONRPCResponse response) {
        byte[] json = Json.bytes(response); // outside the lock: results can be large
        synchronized (this) {
            if (answered) {
                return;
            }
            answered = true;
            if (upgradeTimer != null) {
                upgradeTimer.remove();
            }
            if (streaming) {
                call.channel().write(frame(json));
                call.channel().end();
                return;
            }
        }
        call.channel().respond(200, "application/json", json, Map.of());
    }

    /**
     * The call could not be answered: a storage the server needs is down ({@link ServiceUnavailableException}), a
     * 503 with {@code Retry-After} while nothing was sent, else the same JSON-RPC error at the end of the stream.
     */
    void failed(Throwable failure) {
        JsonRpcException e = failure instanceof ServiceUnavailableException down
                ? JsonRpcException.unavailable(scope.requestId(), down)
                : new JsonRpcException(500, null, McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error");
        synchronized (this) {
            if (answered) {
                return;
            }
            if (streaming) {
                answered = true;
                call.channel().write(frame(e.body()));
                call.channel().end();
                return;
            }
            answered = true;
            if (upgradeTimer != null) {
                upgradeTimer.remove();
            }
        }
        call.channel().respond(e.httpStatus(), "application/json", e.body(), e.headers());
    }

    private synchronized void upgradeIfSilent() {
        if (!answered) {
            openStream();
        }
    }

    private void openStream() {
        if (streaming) {
            return;
        }
        streaming = true;
        if (upgradeTimer != null) {
            upgradeTimer.remove();
        }
        call.channel().startStream(200, "text/event-stream", McpCall.SSE_HEADERS);
        call.channel().write(SseStream.OPENED);
        call.channel().keepAlive(keepAliveSeconds);
    }

    /** The connection closed: before the response, that is the client cancelling the request. */
    private void closed() {
        synchronized (this) {
            if (answered) {
                return;
            }
            answered = true;
        }
        scope.cancel();
    }

    private static byte[] frame(Object message) {
        return frame(Json.bytes(message));
    }

    private static byte[] frame(byte[] json) {
        byte[] head = "event: message\ndata: ".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + json.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(json, 0, out, head.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }
}
