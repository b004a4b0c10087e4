package dev.fastmcp.transport;

import dev.fastmcp.HttpResponseException;
import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServiceUnavailableException;
import dev.fastmcp.server.Access;
import dev.fastmcp.server.EdgeDecision;
import dev.fastmcp.server.Invocations;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.ModernProtocol;
import io.modelcontextprotocol.spec.McpSchema;
import io.undertow.server.Connectors;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import io.undertow.util.Methods;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.BiPredicate;
import org.xnio.XnioIoThread;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP endpoint's front: the checks every request passes before a transport sees it. Media types, the
 * presence of a bearer token (when the server takes them) and the declared size are checked on the I/O thread
 * before the body is read; the body is read without blocking, no further than the size limit; the rest runs
 * on a worker. Every refusal is a JSON-RPC error envelope with the right HTTP status.
 */
final class McpEndpoint implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(McpEndpoint.class);
    private static final String JSON = "application/json";
    private static final String SSE = "text/event-stream";
    private static final String VERSION = "MCP-Protocol-Version";
    /** Bodies up to this size are parsed on the I/O thread: well under a tenth of a millisecond of JSON. */
    private static final int PARSE_ON_IO_THREAD_BYTES = 16 * 1024;

    private final McpBackend backend;
    private final ModernHttp modern;
    private final RequestAuthenticator authenticator;
    private final long maxBodyBytes;
    private final boolean streaming;
    private final boolean trustForwarded;
    private final Executor userCode;
    /** Whether a method (with a tool name, for a call) runs user code on the thread handling the request. */
    private final BiPredicate<String, Object> runsInline;

    McpEndpoint(McpBackend backend, ModernHttp modern, RequestAuthenticator authenticator, long maxBodyBytes,
            boolean streaming, boolean trustForwarded, Executor userCode,
            BiPredicate<String, Object> runsInline) {
        this.modern = modern;
        this.trustForwarded = trustForwarded;
        this.userCode = userCode;
        this.runsInline = runsInline;
        this.backend = backend;
        this.authenticator = authenticator;
        this.maxBodyBytes = maxBodyBytes;
        this.streaming = streaming;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) {
        if (ex.getRequestMethod().equals(Methods.POST)) {
            post(ex);
        } else if (ex.getRequestContentLength() > maxBodyBytes) {
            // a GET or DELETE has no use for a body; one declared over the limit is refused like a POST's
            refuse(ex, 413, tooLarge());
        } else if (ex.getRequestMethod().equals(Methods.GET)) {
            if (!Exchanges.accepts(ex.getRequestHeaders().getFirst(Headers.ACCEPT), SSE)) {
                refuse(ex, 406, "Not Acceptable: GET opens an SSE stream, so Accept must allow text/event-stream");
                return;
            }
            onWorker(ex, backend::get);
        } else if (ex.getRequestMethod().equals(Methods.DELETE)) {
            onWorker(ex, backend::delete);
        } else {
            ex.getResponseHeaders().put(Headers.ALLOW, backend.allowedMethods());
            refuse(ex, 405, "Method Not Allowed: use " + backend.allowedMethods());
        }
    }

    private void post(HttpServerExchange ex) {
        if (!Exchanges.isJson(ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE))) {
            refuse(ex, 415, "Unsupported Media Type: Content-Type must be application/json");
            return;
        }
        String accept = ex.getRequestHeaders().getFirst(Headers.ACCEPT);
        if (!Exchanges.accepts(accept, JSON) || (streaming && !Exchanges.accepts(accept, SSE))) {
            refuse(ex, 406, "Not Acceptable: Accept must allow application/json"
                    + (streaming ? " and text/event-stream" : ""));
            return;
        }
        if (authenticator.refusesWithoutToken(ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            // Answered before the body is read: a client without credentials never makes the server buffer it.
            try {
                authenticator.authenticate(Exchanges.request(ex, Map.of(), null, trustForwarded), null);
            } catch (JsonRpcException e) {
                EarlyAnswer.send(ex, e.httpStatus(), JSON, e.body(), e.headers());
                return;
            }
        }
        if (ex.getRequestContentLength() > maxBodyBytes) {
            refuse(ex, 413, tooLarge());
            return;
        }
        if (authenticator.enabled() && ModernProtocol.modernHeader(ex.getRequestHeaders().getFirst(VERSION))) {
            toEdge(ex);
            return;
        }
        receive(ex, null);
    }

    /**
     * Sends a request of MCP 2026-07-28 off the I/O thread to be authenticated before its body is read. A call whose
     * {@code Mcp-Method} names user code that may run in place goes to the tool executor, where it is then read,
     * parsed and run too: one thread hand-off for the whole request, as for the older revisions. Anything else (and
     * a call the tool executor refuses) goes to a worker. The headers only choose the thread: the body is checked
     * against them before anything runs.
     */
    private void toEdge(HttpServerExchange ex) {
        String method = ex.getRequestHeaders().getFirst(McpHeaders.METHOD);
        if (method != null && runsInline.test(method.strip(),
                McpHeaders.decodedOrNull(ex.getRequestHeaders().getFirst(McpHeaders.NAME)))) {
            toToolExecutor(ex, () -> atEdge(ex, true), () -> atEdge(ex, false));
        } else {
            ex.dispatch(() -> atEdge(ex, false));
        }
    }

    /**
     * Authenticates a request of MCP 2026-07-28 and decides access to the call its headers name, before its body is
     * read: a caller refused either way never makes the server read or parse the body.
     *
     * @param onToolExecutor whether this runs on the tool executor (else on a worker)
     */
    private void atEdge(HttpServerExchange ex, boolean onToolExecutor) {
        ServerRequest http = Exchanges.request(ex, Map.of(), null, trustForwarded);
        Edge edge;
        try {
            Access.Caller caller = authenticator.caller(http, null);
            EdgeDecision decision = modern.decideAtEdge(http, caller);
            if (decision != null && decision.stepUp() != null) {
                JsonRpcException e = authenticator.challenge().insufficientScope(http, null,
                        decision.stepUp().scopes());
                answerEarly(ex, e.httpStatus(), JSON, e.body(), e.headers());
                return;
            }
            edge = new Edge(caller, decision, http, onToolExecutor);
        } catch (JsonRpcException e) {
            answerEarly(ex, e.httpStatus(), JSON, e.body(), e.headers());
            return;
        } catch (HttpResponseException e) {
            answerEarly(ex, e.status(), null, e.body(), e.headers());
            return;
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure authenticating {} {}", ex.getRequestMethod(), ex.getRequestPath(), e);
            answerEarly(ex, 500, JSON, Json.bytes(Json.errorEnvelope(null, McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "Internal error")), Map.of());
            return;
        }
        // Received from here: the body has usually arrived with the headers, so it is read and parsed on this
        // thread without a trip back to the I/O thread.
        receive(ex, edge);
    }

    /** Answers from a worker or the tool executor, before the body is read, as the I/O thread would. */
    private static void answerEarly(HttpServerExchange ex, int status, String contentType, byte[] body,
            Map<String, String> headers) {
        ex.getIoThread().execute(() -> Connectors.executeRootHandler(
                exchange -> EarlyAnswer.send(exchange, status, contentType, body, headers), ex));
    }

    /** Receives the body, no further than the limit. */
    private void receive(HttpServerExchange ex, Edge edge) {
        BodyReceiver.receive(ex, Math.min(Integer.MAX_VALUE, maxBodyBytes),
                (exchange, body) -> received(exchange, body, edge), (exchange, error) -> {
                    if (EarlyAnswer.tooBig(error)) {
                        refuse(exchange, 413, tooLarge());
                    } else {
                        LOG.debug("Could not read a request body: {}", error.toString());
                        EarlyAnswer.abandon(exchange);
                    }
                });
    }

    private String tooLarge() {
        return "Payload Too Large: the request body is limited to " + maxBodyBytes + " bytes";
    }

    /**
     * Routes a POSTed body. On the I/O thread, a small body is parsed right here, so that a request running user
     * code goes straight to the tool executor and runs there whole (one thread hand-off, not two); anything else
     * goes to Undertow's workers, where a large body is parsed too. A body read on the thread that authenticated
     * the request at the edge is handled on that thread.
     */
    private void received(HttpServerExchange ex, byte[] body, Edge edge) {
        if (edge != null && !(Thread.currentThread() instanceof XnioIoThread)) {
            receivedAtEdge(ex, body, edge);
            return;
        }
        if (body.length > PARSE_ON_IO_THREAD_BYTES) {
            ex.dispatch(() -> run(ex, edge, call -> postMessage(call, Json.parseMessage(body), edge)));
            return;
        }
        McpSchema.JSONRPCMessage message;
        try {
            message = Json.parseMessage(body);
        } catch (JsonRpcException e) {
            ex.dispatch(SameThreadExecutor.INSTANCE, () -> run(ex, edge, call -> {
                throw e;
            }));
            return;
        }
        Runnable handle = () -> run(ex, edge, call -> postMessage(call, message, edge));
        if (message instanceof McpSchema.JSONRPCRequest request && runsInline(request)) {
            toToolExecutor(ex, () -> Invocations.handleInline(handle), handle);
        } else {
            ex.dispatch(handle);
        }
    }

    /**
     * Handles a body read on the worker or tool executor thread that authenticated its request at the edge: parsed
     * and handled in place. A call of user code found on a worker goes on to the tool executor.
     */
    private void receivedAtEdge(HttpServerExchange ex, byte[] body, Edge edge) {
        McpSchema.JSONRPCMessage message;
        try {
            message = Json.parseMessage(body);
        } catch (JsonRpcException e) {
            run(ex, edge, call -> {
                throw e;
            });
            return;
        }
        Runnable handle = () -> run(ex, edge, call -> postMessage(call, message, edge));
        if (!(message instanceof McpSchema.JSONRPCRequest request && runsInline(request))) {
            handle.run();
        } else if (edge.onToolExecutor()) {
            Invocations.handleInline(handle);
        } else {
            toToolExecutor(ex, () -> Invocations.handleInline(handle), handle);
        }
    }

    private boolean runsInline(McpSchema.JSONRPCRequest request) {
        return runsInline.test(request.method(), request.params() instanceof Map<?, ?> p ? p.get("name") : null);
    }

    /**
     * Dispatches {@code inline} to the tool executor; {@code onWorkers} runs on a worker instead when the executor
     * refuses it or would run it on the I/O thread (a direct executor, or CallerRunsPolicy when full): never user
     * code on the I/O thread.
     */
    private void toToolExecutor(HttpServerExchange ex, Runnable inline, Runnable onWorkers) {
        ex.dispatch(task -> toUserCode(ex, task, onWorkers), () -> {
            if (Thread.currentThread() instanceof XnioIoThread) {
                ex.getConnection().getWorker().execute(onWorkers);
                return;
            }
            inline.run();
        });
    }

    /**
     * Hands {@code task} to the tool executor; when it refuses, the request goes the way of all others instead, so
     * that it is still authenticated and matched to its session first (an expired token gets its 401) and the
     * refusal reaches the client as the JSON-RPC error of a busy server.
     */
    private void toUserCode(HttpServerExchange ex, Runnable task, Runnable onWorkers) {
        try {
            userCode.execute(task);
        } catch (RejectedExecutionException e) {
            ex.getConnection().getWorker().execute(onWorkers);
        }
    }

    private void postMessage(McpCall call, McpSchema.JSONRPCMessage message, Edge edge) {
        if (edge != null || modern(call.http(), message)) {
            Access.Caller caller = edge != null ? edge.caller()
                    : authenticator.caller(call.http(), message instanceof McpSchema.JSONRPCRequest r ? r.id() : null);
            modern.post(call.withCaller(caller), message, edge == null ? null : edge.decision());
            return;
        }
        boolean initialize = message instanceof McpSchema.JSONRPCRequest r
                && McpSchema.METHOD_INITIALIZE.equals(r.method());
        Object id = message instanceof McpSchema.JSONRPCRequest r ? r.id() : null;
        if (!initialize) {
            checkProtocolVersion(call.http(), id);
        }
        backend.post(call.withCaller(authenticator.caller(call.http(), id)), message);
    }

    /** Whether a message belongs to MCP 2026-07-28 (see {@link ModernProtocol#isModern}). */
    private static boolean modern(ServerRequest http, McpSchema.JSONRPCMessage message) {
        String version = http.header(VERSION);
        if (message instanceof McpSchema.JSONRPCRequest r) {
            return ModernProtocol.isModern(version, r.method(), r.params());
        }
        if (message instanceof McpSchema.JSONRPCNotification n) {
            return ModernProtocol.isModern(version, n.method(), n.params());
        }
        return ModernProtocol.modernHeader(version);
    }

    /**
     * What the edge found out about a request of MCP 2026-07-28 before its body was read.
     *
     * @param decision       the access decision for the call its headers name, or null
     * @param http           the request as the edge read it, kept for the handling of its body
     * @param onToolExecutor whether the edge ran on the tool executor (else on a worker)
     */
    private record Edge(Access.Caller caller, EdgeDecision decision, ServerRequest http, boolean onToolExecutor) {
    }

    private void onWorker(HttpServerExchange ex, Consumer<McpCall> action) {
        ex.dispatch(() -> run(ex, null, call -> {
            checkProtocolVersion(call.http(), null);
            action.accept(call.withCaller(authenticator.caller(call.http(), null)));
        }));
    }

    /** Runs {@code step} of a request, answering its failures; {@code edge} (or null) lends the request it read. */
    private void run(HttpServerExchange ex, Edge edge, Consumer<McpCall> step) {
        HttpChannel channel = new HttpChannel(ex);
        McpCall call = new McpCall(channel, edge != null ? edge.http()
                : Exchanges.request(ex, Map.of(), null, trustForwarded), Access.Caller.ANONYMOUS,
                authenticator.challenge());
        try {
            step.accept(call);
        } catch (JsonRpcException e) {
            channel.respond(e.httpStatus(), JSON, e.body(),
                    e.httpStatus() == 405 ? Map.of("Allow", backend.allowedMethods()) : e.headers());
        } catch (HttpResponseException e) {
            channel.respond(e.status(), null, e.body(), e.headers());
        } catch (ServiceUnavailableException e) {
            LOG.debug("{} {} answered 503: {}", ex.getRequestMethod(), ex.getRequestPath(), e.getMessage());
            JsonRpcException refusal = JsonRpcException.unavailable(null, e);
            channel.respond(refusal.httpStatus(), JSON, refusal.body(), refusal.headers());
        } catch (RuntimeException e) {
            LOG.error("Unexpected failure handling {} {}", ex.getRequestMethod(), ex.getRequestPath(), e);
            channel.respond(500, JSON, Json.bytes(Json.errorEnvelope(null, McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "Internal error")), Map.of());
        }
    }

    private static void checkProtocolVersion(ServerRequest http, Object id) {
        String version = http.header("mcp-protocol-version");
        if (version != null && !StreamableHttp.PROTOCOL_VERSIONS.contains(version)) {
            throw new JsonRpcException(400, id, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Bad Request: unsupported MCP-Protocol-Version '" + version + "'; supported: "
                            + String.join(", ", StreamableHttp.PROTOCOL_VERSIONS));
        }
    }

    /** Refuses a request before (or while) its body is read. */
    private static void refuse(HttpServerExchange ex, int status, String message) {
        EarlyAnswer.send(ex, status, JSON,
                Json.bytes(Json.errorEnvelope(null, McpSchema.ErrorCodes.INVALID_REQUEST, message)), Map.of());
    }
}
