package dev.fastmcp.transport;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.server.Access;
import dev.fastmcp.server.ClientMessages;
import dev.fastmcp.server.EdgeDecision;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.ModernCall;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.ModernProtocol;
import dev.fastmcp.server.ModernRequest;
import dev.fastmcp.server.RequestScope;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * MCP 2026-07-28 on the MCP endpoint, beside the sessions (or the stateless mode) of the older revisions: every
 * request stands alone, with no session. The checks run in the revision's order, each refusal echoing the request
 * id: the version header, the envelope ({@link ModernRequest}), the routing headers ({@link McpHeaders}), the
 * method, the access decision, the tool's parameter headers and the client capabilities it needs; all before
 * anything is written, so that each can still be its own HTTP status. Errors of the call itself are JSON-RPC
 * errors with status 200.
 */
final class ModernHttp {

    private static final Logger LOG = LoggerFactory.getLogger(ModernHttp.class);

    private final ModernDispatcher dispatcher;
    private final ListenStreams listens;
    private final long keepAliveSeconds;

    ModernHttp(ModernDispatcher dispatcher, long keepAliveSeconds) {
        this.dispatcher = dispatcher;
        this.listens = new ListenStreams(dispatcher, keepAliveSeconds);
        this.keepAliveSeconds = keepAliveSeconds;
    }

    /**
     * The access decision for the call the headers of {@code http} name, made before its body is read; null when
     * they name none (or not readably: the headers are checked against the body later).
     */
    EdgeDecision decideAtEdge(ServerRequest http, Access.Caller caller) {
        String method = http.header(McpHeaders.METHOD);
        if (method == null || McpHeaders.nameField(method.strip()) == null) {
            return null;
        }
        return dispatcher.decideAtEdge(method.strip(), McpHeaders.name(http), caller);
    }

    /**
     * Handles one POSTed message of the modern path, from a caller already authenticated.
     *
     * @param edge the access decision made before the body was read, or null
     */
    void post(McpCall call, McpSchema.JSONRPCMessage message, EdgeDecision edge) {
        if (message instanceof McpSchema.JSONRPCNotification notification) {
            // Closing the response is how a client cancels on HTTP; no notification of a client is acted on.
            ClientMessages.ignored(LOG, notification.method());
            call.accepted();
            return;
        }
        if (!(message instanceof McpSchema.JSONRPCRequest request)) {
            throw new JsonRpcException(400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "Bad Request: MCP "
                    + ModernProtocol.VERSION + " sends no requests to clients, so it takes no responses");
        }
        ServerRequest http = call.http();
        if (http.header(McpHeaders.VERSION) == null) {
            throw ModernProtocol.headerMismatch(request.id(), "Missing required header: MCP-Protocol-Version");
        }
        ModernRequest modern = ModernRequest.of(request, http.header(McpHeaders.VERSION));
        McpHeaders.checkRouting(http, modern);
        RequestScope scope = call.scope(modern.id());
        if (edge != null) {
            scope.adopt(edge);
        }
        boolean sse = Exchanges.accepts(http.header("accept"), "text/event-stream");
        ModernCall prepared = dispatcher.prepare(modern, scope);
        if (ModernProtocol.LISTEN.equals(modern.method())) {
            if (!sse) {
                throw ListenStreams.notAcceptable(modern.id());
            }
            listens.open(call, modern, scope);
            return;
        }
        if (prepared.stepUp() != null) {
            call.refuse(modern.id(), prepared.stepUp());
            return;
        }
        McpHeaders.checkParams(http, modern.id(), prepared.paramHeaders(), prepared.arguments());
        prepared.requireClientCapabilities();
        ModernReply reply = new ModernReply(call, scope, sse, keepAliveSeconds);
        Disposable running = prepared.run(reply).subscribe(reply::answer, reply::failed);
        scope.onSubscribe(running);
    }

    /** The server stops: open listen streams end. */
    void stopping() {
        listens.closeAll();
    }
}
