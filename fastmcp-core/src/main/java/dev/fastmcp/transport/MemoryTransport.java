package dev.fastmcp.transport;

import dev.fastmcp.AuthSession;
import dev.fastmcp.CredentialsRefusedException;
import dev.fastmcp.HttpResponseException;
import dev.fastmcp.InMemoryConnection;
import dev.fastmcp.ServerRequest;
import dev.fastmcp.server.Access;
import dev.fastmcp.server.Components;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.Settings;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A server in memory: any number of connections, each a session served as stdio serves its one (a
 * {@link StdioTransport} over lines handed over in memory), each with the caller its credential gave when it
 * connected, checked by the server's authentication as an HTTP request's bearer token is.
 */
final class MemoryTransport implements McpStreamableServerTransportProvider {

    private static final AtomicInteger CONNECTIONS = new AtomicInteger();

    private final Settings settings;
    private final Components components;
    private final ModernDispatcher dispatcher;
    private final RequestAuthenticator authenticator;
    private final String endpoint;
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private volatile McpStreamableServerSession.Factory factory;
    private boolean stopped; // guarded by open

    MemoryTransport(Settings settings, Components components, ResolvedOptions o) {
        this.settings = settings;
        this.components = components;
        this.dispatcher = new ModernDispatcher(settings, components);
        this.endpoint = o.endpoint();
        this.authenticator = new RequestAuthenticator(settings.authenticator(), settings.provider(), request -> "",
                settings.requiredScopes(), settings.scopeHierarchy(), o.testIdentities());
    }

    @Override
    public void setSessionFactory(McpStreamableServerSession.Factory factory) {
        this.factory = factory;
    }

    @Override
    public List<String> protocolVersions() {
        return StdioTransport.SESSION_REVISIONS;
    }

    @Override
    public Mono<Void> notifyClients(String method, Object params) {
        return Flux.fromIterable(open).flatMap(c -> c.session.notifyClients(method, params)).then();
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Flux.fromIterable(open).flatMap(c -> c.session.closeGracefully()).then();
    }

    /** A new connection whose requests all have the caller {@code bearerToken} authenticates as. */
    InMemoryConnection connect(String bearerToken, Consumer<String> receiver) {
        java.util.Objects.requireNonNull(receiver, "receiver == null");
        Connection c = new Connection(caller(bearerToken), receiver);
        synchronized (open) {
            if (!stopped) {
                open.add(c);
                return c;
            }
        }
        c.close();
        throw new IllegalStateException("MCP server '" + settings.name() + "' stopped while the connection opened");
    }

    /** Closes every connection, and refuses new ones. */
    void stop() {
        List<Connection> all;
        synchronized (open) {
            stopped = true;
            all = List.copyOf(open);
        }
        all.forEach(Connection::close);
    }

    private Access.Caller caller(String bearerToken) {
        if (!authenticator.enabled() && bearerToken == null) {
            return Access.Caller.ANONYMOUS;
        }
        ServerRequest request = new ServerRequest("POST", endpoint, bearerToken == null ? Map.of()
                : Map.of("authorization", List.of("Bearer " + bearerToken)), Map.of(), Map.of(), null, null, null);
        AuthSession session;
        try {
            session = authenticator.authenticate(request, null);
        } catch (JsonRpcException e) {
            throw new CredentialsRefusedException("MCP server '" + settings.name() + "' refused the in-memory "
                    + "connection's credentials (" + e.httpStatus() + " " + e.getMessage() + ")" + (bearerToken == null
                    ? ": it authenticates its callers, so give the connection a token it accepts" : ""),
                    e.httpStatus(), e.headers().get("WWW-Authenticate"));
        } catch (HttpResponseException e) {
            throw new CredentialsRefusedException("MCP server '" + settings.name() + "' refused the in-memory "
                    + "connection: its authenticate hook answered " + e.status() + " itself", e.status(), null);
        }
        return session == null ? Access.Caller.ANONYMOUS
                : Access.Caller.of(session, false, settings.scopeHierarchy());
    }

    /** One session: messages in are handled on the connection's own thread, in order, as stdio reads its lines. */
    private final class Connection implements InMemoryConnection {
        private final StdioTransport session;
        private final ExecutorService reader;
        private volatile boolean closed;

        Connection(Access.Caller caller, Consumer<String> receiver) {
            int n = CONNECTIONS.incrementAndGet();
            this.reader = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "fastmcp-in-memory-" + n);
                t.setDaemon(true);
                return t;
            });
            this.session = new StdioTransport(components, dispatcher, null, new Lines(receiver), caller);
            session.setSessionFactory(factory);
        }

        @Override
        public void send(String message) {
            java.util.Objects.requireNonNull(message, "message == null");
            if (closed) {
                throw new IllegalStateException("The in-memory connection is closed");
            }
            try {
                reader.execute(() -> {
                    if (!closed) {
                        session.handle(message);
                    }
                });
            } catch (RejectedExecutionException e) {
                throw new IllegalStateException("The in-memory connection is closed");
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            open.remove(this);
            session.closeGracefully().onErrorComplete().block(java.time.Duration.ofSeconds(5));
            session.stop();
            reader.shutdownNow();
        }
    }

    /** What the session writes, cut into lines (one message each) for the receiver. */
    private static final class Lines extends OutputStream {
        private final Consumer<String> receiver;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Lines(Consumer<String> receiver) {
            this.receiver = receiver;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                String message = line.toString(StandardCharsets.UTF_8);
                line.reset();
                try {
                    receiver.accept(message);
                } catch (RuntimeException e) {
                    // The server's writes (a tool's log or progress among them) must not fail for the client.
                    org.slf4j.LoggerFactory.getLogger(MemoryTransport.class).warn(
                            "An in-memory connection's receiver failed ({}); the message is dropped",
                            e.getClass().getName());
                }
            } else {
                line.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }
    }
}
