package dev.fastmcp.transport;

import dev.fastmcp.server.ClientMessages;
import dev.fastmcp.server.Components;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.RequestScope;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Stateless HTTP: every POST stands alone, replies are plain JSON, there are no sessions and no way for the
 * server to call back the client. For servers behind a load balancer.
 */
final class StatelessHttp implements McpStatelessServerTransport, McpBackend {

    private static final Logger LOG = LoggerFactory.getLogger(StatelessHttp.class);

    private final Components components;
    private volatile McpStatelessServerHandler handler;

    StatelessHttp(Components components) {
        this.components = components;
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public List<String> protocolVersions() {
        return StreamableHttp.PROTOCOL_VERSIONS;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.empty();
    }

    @Override
    public String allowedMethods() {
        return "POST";
    }

    @Override
    public void post(McpCall call, McpSchema.JSONRPCMessage message) {
        if (message instanceof McpSchema.JSONRPCRequest request) {
            RequestScope scope = call.scopeForSdk(request, components);
            if (scope == null) {
                return;
            }
            handler.handleRequest(scope.transportContext(), request).subscribe(
                    response -> call.respondJson(200, response.id() == null
                            ? new McpSchema.JSONRPCResponse(response.jsonrpc(), request.id(), response.result(),
                                    response.error())
                            : response),
                    e -> call.respondJson(200, McpSchema.JSONRPCResponse.error(request.id(),
                            components.failures().ofRequest(request.id(), e))));
        } else if (message instanceof McpSchema.JSONRPCNotification notification) {
            // Nothing to cancel or initialize without sessions: every notification is accepted and ignored.
            ClientMessages.ignored(LOG, notification.method());
            call.accepted();
        } else {
            throw new JsonRpcException(400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Bad Request: a stateless server sends no requests, so it takes no responses");
        }
    }

    @Override
    public void get(McpCall call) {
        throw new JsonRpcException(405, null, -32000,
                "Method Not Allowed: this server is stateless and has no SSE stream; use POST");
    }

    @Override
    public void delete(McpCall call) {
        throw new JsonRpcException(405, null, -32000,
                "Method Not Allowed: this server is stateless and has no sessions to end");
    }
}
