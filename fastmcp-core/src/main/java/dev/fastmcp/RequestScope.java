package dev.fastmcp;

import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Map;
import reactor.core.Disposable;

/**
 * What the transport knows of one JSON-RPC request and hands down to the handlers through the SDK's
 * {@link McpTransportContext}: the caller, the request id, and its cancellation.
 */
final class RequestScope {

    private static final String KEY = "dev.fastmcp.request";
    private static final RequestScope NONE = new RequestScope(null, null, null, false);

    final Object requestId;
    final AuthSession auth;
    final ServerRequest http;
    /** Whether the caller authenticated with an OAuth bearer token, so it can step up to more scopes. */
    final boolean canStepUp;
    private volatile boolean cancelled;
    private volatile Disposable subscription;
    private volatile Runnable onCancel;
    private volatile Runnable streamCloser;
    private Thread runner; // guarded by this: the thread running the request's user code in place, if any

    RequestScope(Object requestId, AuthSession auth, ServerRequest http) {
        this(requestId, auth, http, false);
    }

    RequestScope(Object requestId, AuthSession auth, ServerRequest http, boolean canStepUp) {
        this.requestId = requestId;
        this.auth = auth;
        this.http = http;
        this.canStepUp = canStepUp && auth != null;
    }

    McpTransportContext transportContext() {
        return McpTransportContext.create(Map.of(KEY, this));
    }

    static RequestScope of(McpTransportContext ctx) {
        Object scope = ctx == null ? null : ctx.get(KEY);
        return scope instanceof RequestScope s ? s : NONE;
    }

    /** Whether this scope belongs to a request (and not to a notification or to no transport at all). */
    boolean isRequest() {
        return this != NONE && requestId != null;
    }

    /**
     * Runs the request's user code on this thread, so that {@link #cancel} interrupts it here. The interrupt of a
     * cancellation does not outlive the call: the thread goes back to its pool clear.
     */
    <T> T runHere(java.util.concurrent.Callable<T> work) throws Exception {
        synchronized (this) {
            if (cancelled) {
                throw new java.util.concurrent.CancellationException("request " + requestId + " was cancelled");
            }
            runner = Thread.currentThread();
        }
        try {
            return work.call();
        } finally {
            synchronized (this) {
                runner = null;
                if (cancelled) {
                    Thread.interrupted();
                }
            }
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    void onSubscribe(Disposable subscription) {
        this.subscription = subscription;
        if (cancelled) {
            subscription.dispose();
        }
    }

    void onCloseStream(Runnable action) {
        this.streamCloser = action;
    }

    void closeStream() {
        Runnable action = streamCloser;
        if (action != null) {
            action.run();
        }
    }

    void onCancel(Runnable action) {
        this.onCancel = action;
    }

    /** Marks the request cancelled and stops its handler (the thread running it is interrupted). */
    void cancel() {
        synchronized (this) {
            cancelled = true;
            if (runner != null) {
                runner.interrupt();
            }
        }
        Disposable s = subscription;
        if (s != null) {
            s.dispose();
        }
        Runnable action = onCancel;
        if (action != null) {
            action.run();
        }
    }
}
