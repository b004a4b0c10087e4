package dev.fastmcp.transport;

import dev.fastmcp.ServerResponse;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Non-blocking writes to one HTTP exchange, from any thread. Every operation runs on the exchange's I/O
 * thread, one write at a time, so an open SSE stream holds no thread at all while it waits.
 */
final class HttpChannel {

    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII);

    private final HttpServerExchange exchange;
    private final CopyOnWriteArrayList<Runnable> closeListeners = new CopyOnWriteArrayList<>();
    // Confined to the I/O thread:
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private boolean writing;
    private boolean ending;
    private boolean started;
    private XnioExecutor.Key keepAlive;
    private volatile boolean closed;

    HttpChannel(HttpServerExchange exchange) {
        this.exchange = exchange;
        exchange.addExchangeCompleteListener((ex, next) -> {
            markClosed();
            next.proceed();
        });
    }

    boolean isOpen() {
        return !closed;
    }

    void onClose(Runnable listener) {
        closeListeners.add(listener);
        if (closed) {
            listener.run();
        }
    }

    /** Sends a complete response and ends the exchange. Ignored once the response has started. */
    void respond(int status, String contentType, byte[] body, Map<String, String> headers) {
        onIoThread(() -> {
            if (started || closed) {
                return;
            }
            started = true;
            ending = true;
            exchange.setStatusCode(status);
            putHeaders(headers);
            if (contentType != null) {
                exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, contentType);
            }
            exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_LENGTH, body.length);
            if (body.length == 0) {
                exchange.endExchange();
                return;
            }
            exchange.getResponseSender().send(ByteBuffer.wrap(body), IoCallback.END_EXCHANGE);
        });
    }

    /** Starts a streamed response (status and headers now, the body through {@link #write}). */
    void startStream(int status, String contentType, Map<String, String> headers) {
        onIoThread(() -> {
            if (started || closed) {
                return;
            }
            started = true;
            exchange.setStatusCode(status);
            putHeaders(headers);
            exchange.getResponseHeaders().put(io.undertow.util.Headers.CONTENT_TYPE, contentType);
        });
    }

    /**
     * Copies {@code headers} to the response. A value with line breaks is several values of one header
     * (see {@link ServerResponse}), each sent on its own line.
     */
    private void putHeaders(Map<String, String> headers) {
        headers.forEach((k, v) -> {
            HttpString name = HttpString.tryFromString(k);
            exchange.getResponseHeaders().remove(name);
            if (v.isEmpty()) {
                exchange.getResponseHeaders().add(name, v);
            }
            v.lines().forEach(line -> exchange.getResponseHeaders().add(name, line));
        });
    }

    void write(byte[] data) {
        onIoThread(() -> {
            if (closed || ending) {
                return;
            }
            queue.add(ByteBuffer.wrap(data));
            pump();
        });
    }

    /** Sends an SSE comment every {@code seconds} so that proxies keep the stream and dead peers are noticed. */
    void keepAlive(long seconds) {
        onIoThread(() -> {
            if (!closed && keepAlive == null && seconds > 0) {
                try {
                    keepAlive = exchange.getIoThread().executeAtInterval(() -> write(KEEP_ALIVE), seconds,
                            TimeUnit.SECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // the server is stopping: its I/O thread takes no more tasks, and the stream ends with it
                }
            }
        });
    }

    /**
     * Runs {@code task} on the I/O thread after {@code seconds}, unless the exchange has closed by then.
     * Returns a handle to cancel it, or null when nothing was scheduled.
     */
    XnioExecutor.Key schedule(long seconds, Runnable task) {
        if (seconds <= 0 || closed) {
            return null;
        }
        try {
            return exchange.getIoThread().executeAfter(() -> {
                if (!closed) {
                    task.run();
                }
            }, seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return null;
        }
    }

    /** Ends the response once everything queued is written. */
    void end() {
        onIoThread(() -> {
            if (ending || closed) {
                return;
            }
            ending = true;
            pump();
        });
    }

    /** Drops the connection at once. */
    void abort() {
        onIoThread(() -> {
            IoUtils.safeClose(exchange.getConnection());
            markClosed();
        });
    }

    private void pump() {
        if (writing || closed) {
            return;
        }
        ByteBuffer next = queue.poll();
        if (next == null) {
            if (ending) {
                exchange.endExchange();
            }
            return;
        }
        writing = true;
        exchange.getResponseSender().send(next, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex, Sender sender) {
                writing = false;
                pump();
            }

            @Override
            public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                writing = false;
                queue.clear();
                IoUtils.safeClose(ex.getConnection());
                markClosed();
            }
        });
    }

    private void markClosed() {
        if (closed) {
            return;
        }
        closed = true;
        onIoThread(() -> {
            if (keepAlive != null) {
                keepAlive.remove();
                keepAlive = null;
            }
        });
        for (Runnable listener : closeListeners) {
            try {
                listener.run();
            } catch (RuntimeException ignored) {
                // a listener's failure must not stop the others
            }
        }
    }

    private void onIoThread(Runnable task) {
        try {
            exchange.getIoThread().execute(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closed = true; // the server is shutting down: nothing more can be written
        }
    }
}
