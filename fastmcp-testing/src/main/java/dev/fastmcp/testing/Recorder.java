package dev.fastmcp.testing;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Records the progress and log notifications a client receives, as its transport receives them: before the client's
 * session sees them, so a call's notifications are all recorded by the time its result arrives (the SDK hands them
 * to listeners later, on other threads).
 */
final class Recorder {

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private final Map<Object, List<Progress>> progress = new ConcurrentHashMap<>();
    private final List<LogEntry> logs = new CopyOnWriteArrayList<>();

    /** {@code transport}, with what it receives recorded first. */
    McpClientTransport recording(McpClientTransport transport) {
        return new McpClientTransport() {
            @Override
            public Mono<Void> connect(
                    Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
                return transport.connect(in -> handler.apply(in.doOnNext(Recorder.this::record)));
            }

            @Override
            public void setExceptionHandler(Consumer<Throwable> handler) {
                transport.setExceptionHandler(handler);
            }

            @Override
            public Mono<Void> closeGracefully() {
                return transport.closeGracefully();
            }

            @Override
            public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
                return transport.sendMessage(message);
            }

            @Override
            public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
                return transport.unmarshalFrom(data, typeRef);
            }

            @Override
            public List<String> protocolVersions() {
                return transport.protocolVersions();
            }
        };
    }

    private void record(McpSchema.JSONRPCMessage message) {
        if (!(message instanceof McpSchema.JSONRPCNotification n)) {
            return;
        }
        if (McpSchema.METHOD_NOTIFICATION_PROGRESS.equals(n.method())) {
            McpSchema.ProgressNotification p = JSON.convertValue(n.params(), McpSchema.ProgressNotification.class);
            if (p.progressToken() != null) {
                progress.computeIfAbsent(String.valueOf(p.progressToken()), k -> new CopyOnWriteArrayList<>())
                        .add(new Progress(p.progress(), p.total(), p.message()));
            }
        } else if (McpSchema.METHOD_NOTIFICATION_MESSAGE.equals(n.method())) {
            McpSchema.LoggingMessageNotification m =
                    JSON.convertValue(n.params(), McpSchema.LoggingMessageNotification.class);
            logs.add(new LogEntry(m.level(), m.logger(), m.data()));
        }
    }

    /** The progress reported for requests with {@code token}. */
    List<Progress> progress(Object token) {
        List<Progress> p = progress.remove(String.valueOf(token));
        return p == null ? List.of() : List.copyOf(p);
    }

    /** How many log messages arrived so far. */
    int logCount() {
        return logs.size();
    }

    /** The log messages from index {@code from} on. */
    List<LogEntry> logs(int from) {
        return List.copyOf(logs.subList(Math.min(from, logs.size()), logs.size()));
    }
}
