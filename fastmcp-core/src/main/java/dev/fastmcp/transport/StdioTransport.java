package dev.fastmcp.transport;

import dev.fastmcp.server.Access;
import dev.fastmcp.server.ClientMessages;
import dev.fastmcp.server.Components;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.LogValues;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.ModernProtocol;
import dev.fastmcp.server.RequestParams;
import dev.fastmcp.server.RequestScope;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * stdio: newline-delimited JSON-RPC on standard input and output, one session. It drives the same SDK
 * session as HTTP, so request ids, cancellation and the {@code canAccess} lists work alike. Requests of MCP
 * 2026-07-28 need no session: {@link ModernStdio} serves them.
 */
final class StdioTransport implements McpStreamableServerTransportProvider {

    private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);

    private final Components components;
    private final ModernStdio modern;
    private final InputStream in;
    private final OutputStream out;
    private final Map<Object, RequestScope> inflight = new ConcurrentHashMap<>();
    private final Access.Caller caller;
    private volatile McpStreamableServerSession.Factory factory;
    private volatile McpStreamableServerSession session;
    private volatile boolean stopped;
    // The reader blocks on stdin, which cannot be interrupted; it is a daemon, and this latch (awaited by a
    // non-daemon thread) is what keeps the JVM alive until stdin closes or stop() is called.
    private final java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);

    StdioTransport(Components components, ModernDispatcher dispatcher, InputStream in, OutputStream out) {
        this(components, dispatcher, in, out, Access.Caller.ANONYMOUS);
    }

    /** @param caller the caller of every request: the session's identity, see {@link StdioIdentity} */
    StdioTransport(Components components, ModernDispatcher dispatcher, InputStream in, OutputStream out,
            Access.Caller caller) {
        this.components = components;
        this.caller = caller;
        this.modern = new ModernStdio(dispatcher, this::write, inflight, caller);
        this.in = in;
        this.out = out;
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory factory) {
        this.factory = factory;
    }

    static final java.util.List<String> SESSION_REVISIONS =
            java.util.List.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    @Override
    public java.util.List<String> protocolVersions() {
        return SESSION_REVISIONS;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        McpStreamableServerSession s = session;
        return s == null ? Mono.empty() : s.sendNotification(method, params).onErrorComplete();
    }

    @Override
    public Mono<Void> closeGracefully() {
        McpStreamableServerSession s = session;
        return s == null ? Mono.empty() : s.closeGracefully().onErrorComplete();
    }

    void start() {
        Thread reader = new Thread(this::readLoop, "fastmcp-stdio");
        reader.setDaemon(true);
        reader.start();
        Thread keeper = new Thread(() -> {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fastmcp-stdio-keepalive");
        keeper.start();
    }

    void stop() {
        stopped = true;
        inflight.values().forEach(RequestScope::cancel);
        done.countDown();
    }

    private void readLoop() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null && !stopped) {
                if (!line.isBlank()) {
                    handle(line);
                }
            }
        } catch (IOException e) {
            if (!stopped) {
                LOG.warn("stdin failed: {}", e.toString());
            }
        }
        LOG.info("stdin closed; the MCP session ends");
        closeGracefully().block(java.time.Duration.ofSeconds(5));
        inflight.values().forEach(RequestScope::cancel);
        done.countDown();
    }

    /** Handles one line a client sent: a JSON-RPC message. */
    void handle(String line) {
        McpSchema.JSONRPCMessage message;
        try {
            message = Json.parseMessage(line.getBytes(StandardCharsets.UTF_8));
        } catch (JsonRpcException e) {
            write(Json.errorEnvelope(e.id(), e.code(), e.getMessage()));
            return;
        }
        try {
            if (message instanceof McpSchema.JSONRPCRequest request) {
                request(request);
            } else if (message instanceof McpSchema.JSONRPCNotification notification) {
                notification(notification);
            } else if (session != null && ClientMessages.answersServerRequest(
                    ((McpSchema.JSONRPCResponse) message).id(), session.getId())) {
                session.accept((McpSchema.JSONRPCResponse) message).subscribe(null,
                        e -> LOG.debug("A response matched no request: {}", e.toString()));
            } else {
                LOG.debug("A response matched no request: {}",
                        LogValues.safe(((McpSchema.JSONRPCResponse) message).id()));
            }
        } catch (RuntimeException e) {
            Object id = message instanceof McpSchema.JSONRPCRequest r ? r.id() : null;
            write(McpSchema.JSONRPCResponse.error(id, components.failures().ofRequest(id, e)));
        }
    }

    private void request(McpSchema.JSONRPCRequest request) {
        if (ModernProtocol.isModern(null, request.method(), request.params())) {
            modern.request(request);
            return;
        }
        RequestScope scope = new RequestScope(request.id(), caller);
        McpTransportContext ctx = scope.transportContext();
        if (McpSchema.METHOD_INITIALIZE.equals(request.method())) {
            if (session != null) {
                write(Json.errorEnvelope(request.id(), McpSchema.ErrorCodes.INVALID_REQUEST,
                        "The session is already initialized; stdio serves one session"));
                return;
            }
            McpSchema.InitializeRequest params;
            try {
                params = RequestParams.initialize(request.id(), request.params());
            } catch (JsonRpcException e) {
                write(Json.errorEnvelope(e.id(), e.code(), e.getMessage()));
                return;
            }
            McpStreamableServerSession.McpStreamableServerSessionInit init = factory.startSession(params);
            session = init.session();
            session.listeningStream(new Line(null));
            init.initResult().contextWrite(c -> c.put(McpTransportContext.KEY, ctx)).subscribe(
                    result -> write(McpSchema.JSONRPCResponse.result(request.id(), result)),
                    e -> write(Json.errorEnvelope(request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, "Internal error")));
            return;
        }
        if (session == null) {
            write(Json.errorEnvelope(request.id(), McpSchema.ErrorCodes.INVALID_REQUEST,
                    "The session is not initialized; send initialize first"));
            return;
        }
        io.modelcontextprotocol.spec.McpError invalid = RequestParams.check(request.method(), request.params());
        if (invalid != null) {
            write(McpSchema.JSONRPCResponse.error(request.id(), invalid.getJsonRpcError()));
            return;
        }
        Components.Intercepted intercepted = components.intercept(request.method(), request.params(), ctx);
        if (intercepted instanceof Components.StepUp stepUp) {
            // No bearer tokens on stdio, so no step-up: the refused tool is unknown, as to any such caller.
            intercepted = new Components.Answer(Mono.error(Access.unknown(Access.Kind.TOOL, stepUp.tool())));
        }
        if (intercepted instanceof Components.Answer answer) {
            answer.result().subscribe(value -> write(McpSchema.JSONRPCResponse.result(request.id(), value)),
                    e -> write(McpSchema.JSONRPCResponse.error(request.id(),
                            components.failures().ofRequest(request.id(), e))));
            return;
        }
        if (inflight.putIfAbsent(request.id(), scope) != null) {
            write(Json.errorEnvelope(request.id(), McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Request id " + request.id() + " is already in use by a request in progress"));
            return;
        }
        Line line = new Line(scope);
        Disposable subscription = session.responseStream(line).handle(request)
                .contextWrite(c -> c.put(McpTransportContext.KEY, ctx))
                .subscribe(null, e -> {
                    // An error the SDK did not turn into a response (such as unreadable params) still owes one.
                    if (!line.answered && !scope.cancelled()) {
                        write(McpSchema.JSONRPCResponse.error(request.id(),
                                components.failures().ofRequest(request.id(), e)));
                    }
                    line.close();
                }, line::close);
        scope.onCancel(line::close);
        scope.onSubscribe(subscription);
    }

    private void notification(McpSchema.JSONRPCNotification notification) {
        if (ClientMessages.CANCELLED.equals(notification.method())) {
            Object requestId = ClientMessages.cancelledRequestId(notification.params());
            RequestScope scope = requestId == null ? null : inflight.get(requestId);
            if (scope != null) {
                scope.cancel();
            }
        } else if (ClientMessages.forSdk(notification.method())) {
            if (session != null) {
                session.accept(notification).subscribe(null, e -> LOG.debug("Notification {} failed: {}",
                        LogValues.safe(notification.method()), e.toString()));
            }
        } else {
            ClientMessages.ignored(LOG, notification.method());
        }
    }

    private void write(Object message) {
        byte[] json = Json.bytes(message);
        synchronized (out) {
            try {
                out.write(json);
                out.write('\n');
                out.flush();
            } catch (IOException e) {
                LOG.warn("stdout failed: {}", e.toString());
            }
        }
    }

    /** A stream of the session written to stdout: one per request, and the session's listening one. */
    private final class Line implements McpStreamableServerTransport {
        private final RequestScope scope;
        private volatile boolean answered;

        Line(RequestScope scope) {
            this.scope = scope;
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return sendMessage(message, null);
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
            return Mono.fromRunnable(() -> {
                boolean response = message instanceof McpSchema.JSONRPCResponse;
                if (!(response && scope != null && scope.cancelled())) {
                    answered |= response;
                    write(message);
                }
            });
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty(); // the request's subscriber closes it, see request()
        }

        @Override
        public void close() {
            if (scope != null) {
                inflight.remove(scope.requestId(), scope);
            }
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            return Json.MAPPER.convertValue(data, typeRef);
        }
    }
}
