package dev.fastmcp.transport;

import io.undertow.io.IoCallback;
import io.undertow.io.Receiver;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.xnio.IoUtils;

/**
 * Answers a request whose body is not (wholly) read: refused before reading it, or while reading it.
 *
 * <p>Undertow ends an exchange by reading the rest of the request body first, and sends the buffered response
 * only after that; for a body that never comes, or one over the size limit, or a {@code Connection: close}
 * request, the answer would then never leave. So the answer is written and flushed first, and only then is the
 * exchange ended: what is left of a body of declared length within the entity limit is drained (and the
 * connection kept), anything else closes the connection, so that it is never reused with half a body in it.
 * A chunked body is never drained: draining one past the entity limit makes Undertow print a stack trace.
 */
final class EarlyAnswer {

    private EarlyAnswer() {
    }

    /** Sends a complete response, flushes it, then ends the exchange. Runs on the exchange's I/O thread. */
    static void send(HttpServerExchange ex, int status, String contentType, byte[] body, Map<String, String> headers) {
        long length = ex.getRequestContentLength();
        if (!ex.isRequestComplete() && (length < 0 || length > ex.getMaxEntitySize())) {
            ex.setPersistent(false); // also tells the client, with Connection: close
        }
        ex.setStatusCode(status);
        headers.forEach((name, value) -> {
            HttpString header = HttpString.tryFromString(name);
            ex.getResponseHeaders().remove(header);
            value.lines().forEach(line -> ex.getResponseHeaders().add(header, line));
        });
        if (contentType != null) {
            ex.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        }
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        ex.getResponseSender().send(ByteBuffer.wrap(body), new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange exchange, Sender sender) {
                sender.close(IoCallback.END_EXCHANGE);
            }

            @Override
            public void onException(HttpServerExchange exchange, Sender sender, IOException e) {
                IoUtils.safeClose(exchange.getConnection());
            }
        });
    }

    /**
     * Whether a body receiver failed because the body is over the limit: Undertow's receiver reports its own
     * buffer limit as {@link Receiver.RequestToLargeException}, the connection's entity limit as
     * {@link RequestTooBigException}.
     */
    static boolean tooBig(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            if (e instanceof Receiver.RequestToLargeException || e instanceof RequestTooBigException) {
                return true;
            }
        }
        return false;
    }

    /** Drops the connection of a request whose body could not be read (the peer went away, or sent garbage). */
    static void abandon(HttpServerExchange ex) {
        IoUtils.safeClose(ex.getConnection());
    }
}
