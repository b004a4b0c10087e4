package dev.fastmcp.server;

import io.modelcontextprotocol.common.McpTransportContext;
import java.util.Map;
import reactor.core.Disposable;

/**
 * What the transport knows of one JSON-RPC request and hands down to the handlers through the SDK's
 * {@link McpTransportContext}: the caller, the request id, the component the access decision allowed, and its
 * cancellation.
 */
public final class RequestScope {

    private static final String KEY = "dev.fastmcp.request";
    private static final RequestScope NONE = new RequestScope(null, Access.Caller.ANONYMOUS);

    /** The request headers user code never sees: the caller's credentials. */
    private static final java.util.Set<String> CREDENTIALS = java.util.Set.of("authorization", "proxy-authorization",
            "cookie");

    private final Object requestId;
    private final Access.Caller caller;
    /** The HTTP request's headers as received (names in lower case); empty off HTTP. */
    private final Map<String, java.util.List<String>> httpHeaders;
    private volatile Map<String, String> headers;
    private volatile Object granted;
    private volatile EdgeDecision edge;
    private volatile boolean cancelled;
    private volatile Disposable subscription;
    private volatile Runnable onCancel;
    private volatile Runnable streamCloser;
    private Thread runner; // guarded by this: the thread running the request's user code in place, if any

    public RequestScope(Object requestId, Access.Caller caller) {
        this(requestId, caller, Map.of());
    }

    /** @param httpHeaders the headers of the HTTP request carrying it, names in lower case */
    public RequestScope(Object requestId, Access.Caller caller, Map<String, java.util.List<String>> httpHeaders) {
        this.requestId = requestId;
        this.caller = caller;
        this.httpHeaders = httpHeaders;
    }

    /**
     * The request's headers as user code sees them ({@link dev.fastmcp.Context#headers()}): read-only, names in
     * lower case, repeated values joined, the credentials left out. Made on first use.
     */
    Map<String, String> headers() {
        Map<String, String> h = headers;
        if (h == null) {
            Map<String, String> out = new java.util.LinkedHashMap<>();
            httpHeaders.forEach((name, values) -> {
                String key = name.toLowerCase(java.util.Locale.ROOT);
                if (!CREDENTIALS.contains(key) && values != null && !values.isEmpty()) {
                    out.merge(key, String.join(", ", values), (a, b) -> a + ", " + b);
                }
            });
            h = java.util.Collections.unmodifiableMap(out);
            headers = h;
        }
        return h;
    }

    /** The JSON-RPC id of the request; null for a notification. */
    public Object requestId() {
        return requestId;
    }

    /** Who is calling: the one place the request's identity is held. */
    Access.Caller caller() {
        return caller;
    }

    /** The session id the client knows, when the SDK session serving it has another (made from a shared one). */
    private volatile String sessionId;

    /** Names the session as the client knows it: the SDK's own id may differ (a session shared by instances). */
    public void sessionId(String id) {
        this.sessionId = id;
    }

    /** The session id set by {@link #sessionId(String)}; null when it is the SDK session's own. */
    String sessionId() {
        return sessionId;
    }

    public McpTransportContext transportContext() {
        return McpTransportContext.create(Map.of(KEY, this));
    }

    static RequestScope of(McpTransportContext ctx) {
        Object scope = ctx == null ? null : ctx.get(KEY);
        return scope instanceof RequestScope s ? s : NONE;
    }

    /** Records the component the access decision allowed this request, before the SDK dispatches it. */
    void grant(Object component) {
        if (this != NONE) {
            granted = component;
        }
    }

    /** Takes over the access decision made at the HTTP edge, before the request's body was read. */
    public void adopt(EdgeDecision decision) {
        if (this != NONE) {
            edge = decision;
        }
    }

    /** The access decision made at the edge for this component, or null when none was made for it. */
    Access.Decision edgeDecision(Access.Kind kind, String name) {
        EdgeDecision e = edge;
        return e != null && e.kind() == kind && e.name().equals(name) ? e.decision() : null;
    }

    /** The component the access decision allowed this request, or null. */
    Object grantedComponent() {
        return granted;
    }

    /**
     * Whether the access decision of this request allowed this very component; false when it was replaced
     * between the decision and the dispatch (or the request was not decided, which no transport does).
     */
    boolean granted(Object component) {
        return component != null && granted == component;
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

    public boolean cancelled() {
        return cancelled;
    }

    public void onSubscribe(Disposable subscription) {
        this.subscription = subscription;
        if (cancelled) {
            subscription.dispose();
        }
    }

    public void onCloseStream(Runnable action) {
        this.streamCloser = action;
    }

    void closeStream() {
        Runnable action = streamCloser;
        if (action != null) {
            action.run();
        }
    }

    public void onCancel(Runnable action) {
        this.onCancel = action;
    }

    /** Marks the request cancelled and stops its handler (the thread running it is interrupted). */
    public void cancel() {
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
