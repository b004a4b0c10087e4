package dev.fastmcp.transport;

import dev.fastmcp.AuthSession;
import dev.fastmcp.ServerRequest;
import dev.fastmcp.server.Access;
import dev.fastmcp.server.Components;
import dev.fastmcp.server.Failures;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.RequestParams;
import dev.fastmcp.server.RequestScope;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * One HTTP request to the MCP endpoint after the checks every request passes (origin, protocol version,
 * media types, size, authentication), handed to a transport.
 *
 * @param caller    who is calling: the one place the request's identity is held
 * @param challenge the challenges of the server, for the 403 of a step-up
 */
record McpCall(HttpChannel channel, ServerRequest http, Access.Caller caller, BearerChallenge challenge) {

    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final Map<String, String> SSE_HEADERS = Map.of("Cache-Control", "no-cache, no-transform",
            "X-Accel-Buffering", "no");

    McpCall withCaller(Access.Caller authenticated) {
        return new McpCall(channel, http, authenticated, challenge);
    }

    /** The caller's session, or null. */
    AuthSession auth() {
        return caller.session();
    }

    String sessionId() {
        return http.header(SESSION_HEADER);
    }

    RequestScope scope(Object requestId) {
        return new RequestScope(requestId, caller, http.headers());
    }

    void respondJson(int status, Object body) {
        channel.respond(status, "application/json", Json.bytes(body), Map.of());
    }

    void respondJson(int status, Object body, Map<String, String> headers) {
        channel.respond(status, "application/json", Json.bytes(body), headers);
    }

    /** Answers a request with the outcome of {@code result}, as JSON; a failure as {@code failures} says. */
    void respond(Object requestId, Mono<Object> result, Failures failures) {
        result.subscribe(value -> respondJson(200, McpSchema.JSONRPCResponse.result(requestId, value)),
                error -> respondJson(200, McpSchema.JSONRPCResponse.error(requestId,
                        failures.ofRequest(requestId, error))));
    }

    /**
     * The scope of {@code request} when the SDK is to handle it; null when it is answered here already: its
     * parameters are invalid, or the components answer it or refuse it for missing scopes themselves.
     */
    RequestScope scopeForSdk(McpSchema.JSONRPCRequest request, Components components) {
        McpError invalid = RequestParams.check(request.method(), request.params());
        if (invalid != null) {
            respond(request.id(), Mono.error(invalid), components.failures());
            return null;
        }
        RequestScope scope = scope(request.id());
        Components.Intercepted intercepted = components.intercept(request.method(), request.params(),
                scope.transportContext());
        if (intercepted instanceof Components.Answer answer) {
            respond(request.id(), answer.result(), components.failures());
            return null;
        }
        if (intercepted instanceof Components.StepUp stepUp) {
            refuse(request.id(), stepUp.refusal());
            return null;
        }
        return scope;
    }

    /** Answers a call refused for missing scopes: HTTP 403 with the {@code insufficient_scope} challenge. */
    void refuse(Object requestId, Access.MissingScopes refusal) {
        JsonRpcException e = challenge.insufficientScope(http, requestId, refusal.scopes());
        channel.respond(e.httpStatus(), "application/json", e.body(), e.headers());
    }

    void accepted() {
        channel.respond(202, null, new byte[0], Map.of());
    }

    void fail(JsonRpcException e) {
        channel.respond(e.httpStatus(), "application/json", e.body(), Map.of());
    }
}
