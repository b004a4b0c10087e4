package dev.fastmcp.testing;

import dev.fastmcp.FastMCP;
import dev.fastmcp.InMemoryConnection;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The SDK client's side of an in-memory connection: what the server sends is handed to the client's session on a
 * thread of its own, in order, as a reader of stdio lines would.
 */
final class MemoryClientTransport implements McpClientTransport {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryClientTransport.class);
    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final ExecutorService inbound;
    private final InMemoryConnection connection;
    private volatile Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler;

    /** @throws IllegalStateException when the server refuses the connection's credential */
    MemoryClientTransport(FastMCP server, String bearerToken) {
        int n = CLIENTS.incrementAndGet();
        this.inbound = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fastmcp-test-client-" + n);
            t.setDaemon(true);
            return t;
        });
        try {
            this.connection = server.connectInMemory(bearerToken, this::received);
        } catch (RuntimeException e) {
            inbound.shutdown();
            throw e;
        }
    }

    @Override
    public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
        return Mono.fromRunnable(() -> this.handler = handler);
    }

    private void received(String line) {
        try {
            inbound.execute(() -> {
                McpSchema.JSONRPCMessage message;
                try {
                    message = McpSchema.deserializeJsonRpcMessage(JSON, line);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("The server sent a message that is not JSON-RPC: {}", e.toString());
                    return;
                }
                Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> h = handler;
                if (h != null) {
                    h.apply(Mono.just(message)).subscribe(null,
                            e -> LOG.debug("The client could not handle a message: {}", e.toString()));
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("A message arrived after the client closed");
        }
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return Mono.fromRunnable(() -> {
            try {
                connection.send(JSON.writeValueAsString(message));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            connection.close();
            inbound.shutdown();
        });
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return JSON.convertValue(data, typeRef);
    }
}
