package dev.fastmcp.transport;

import dev.fastmcp.server.Json;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import reactor.core.publisher.Mono;

/**
 * The listening stream of a session the instances share: what the server sends outside any request (a resource
 * updated, a list changed) goes to the session's GET stream when it is open here, and otherwise to the other
 * instances, one of which may hold it. A stream open here but disconnected keeps the message too, for a client
 * that resumes it here.
 */
final class SharedListeningStream implements McpStreamableServerTransport {

    private final SessionEntry entry;
    private final SharedSessions shared;

    SharedListeningStream(SessionEntry entry, SharedSessions shared) {
        this.entry = entry;
        this.shared = shared;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> {
            String json = Json.string(message);
            SseStream here = entry.listening;
            if (here != null) {
                here.send(json);
            }
            if (here == null || !here.connected()) {
                shared.toStream(entry.id(), json);
            }
        });
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(this::close);
    }

    @Override
    public void close() {
        SseStream here = entry.listening;
        if (here != null) {
            here.finish();
        }
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return Json.MAPPER.convertValue(data, typeRef);
    }
}
