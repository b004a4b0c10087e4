package dev.fastmcp.transport;

import dev.fastmcp.server.Json;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerTransport;
import reactor.core.publisher.Mono;

/** The GET stream on which a session receives what the server sends outside any request. */
final class ListeningStream implements McpStreamableServerTransport {

    private final SseStream sse;

    ListeningStream(SseStream sse) {
        this.sse = sse;
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
        return sendMessage(message, null);
    }

    @Override
    public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message, String messageId) {
        return Mono.fromRunnable(() -> sse.send(Json.string(message)));
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(sse::finish);
    }

    @Override
    public void close() {
        sse.finish();
    }

    @Override
    public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
        return Json.MAPPER.convertValue(data, typeRef);
    }
}
