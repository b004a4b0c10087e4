package dev.fastmcp;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatcher;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the server answers besides MCP: {@code /health}, {@code /ready} and custom routes (path
 * templates like {@code /users/{id}}), in front of the MCP endpoint. Unknown paths get a JSON 404.
 */
final class Routes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    record Route(String method, String path, RouteHandler handler, boolean authenticated) {
    }

    private final String mcpPath;
    private final HttpHandler mcp;
    private final Map<String, PathTemplateMatcher<Route>> routes = new HashMap<>();
    private final RequestAuthenticator authenticator;
    private final IntSupplier sessions;
    private final long maxBodyBytes;
    private final boolean trustForwarded;
    private volatile boolean ready = true;

    Routes(String mcpPath, HttpHandler mcp, List<Route> custom, RequestAuthenticator authenticator,
            IntSupplier sessions, long maxBodyBytes, boolean trustForwarded) {
        this.trustForwarded = trustForwarded;
        this.mcpPath = mcpPath;
        this.mcp = mcp;
        this.authenticator = authenticator;
        this.sessions = sessions;
        this.maxBodyBytes = maxBodyBytes;
        for (Route r : custom) {
            routes.computeIfAbsent(r.method(), m -> new PathTemplateMatcher<>()).add(r.path(), r);
        }
    }

    void stopping() {
        ready = false;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        String path = ex.getRequestPath();
        String method = ex.getRequestMethod().toString();
        PathTemplateMatcher<Route> matcher = routes.get(method);
        PathTemplateMatcher.PathMatchResult<Route> match = matcher == null ? null : matcher.match(path);
        if (match != null) {
            custom(ex, match.getValue(), match.getParameters());
        } else if (path.equals(mcpPath) || path.equals(mcpPath + "/")) {
            mcp.handleRequest(ex);
        } else if (path.equals("/health") && isGetOrHead(ex)) {
            send(ex, 200, Map.of("status", "ok"));
        } else if (path.equals("/ready") && isGetOrHead(ex)) {
            send(ex, ready ? 200 : 503, Map.of("status", ready ? "ready" : "stopping"));
        } else {
            send(ex, 404, Map.of("error", "not_found", "error_description", "No route for " + method + " " + path));
        }
    }

    private void custom(HttpServerExchange ex, Route route, Map<String, String> params) {
        ex.getRequestReceiver().setMaxBufferSize((int) Math.min(Integer.MAX_VALUE, maxBodyBytes));
        ex.getRequestReceiver().receiveFullBytes(
                (exchange, body) -> exchange.dispatch(() -> runRoute(exchange, route, params, body)),
                (exchange, error) -> {
                    if (error instanceof RequestTooBigException) {
                        send(exchange, 413, Map.of("error", "payload_too_large"));
                    } else {
                        exchange.endExchange();
                    }
                });
    }

    private void runRoute(HttpServerExchange ex, Route route, Map<String, String> params, byte[] body) {
        HttpChannel channel = new HttpChannel(ex);
        ServerRequest request = Exchanges.request(ex, params, body, trustForwarded);
        ServerResponse response;
        try {
            if (route.authenticated()) {
                request = request.withAuth(authenticator.authenticate(request, null));
            }
            response = route.handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("Route " + route.method() + " " + route.path() + " returned null");
            }
        } catch (JsonRpcException e) {
            response = ServerResponse.json(e.httpStatus, Map.of("error", e.httpStatus == 403 ? "insufficient_scope"
                    : "unauthorized", "error_description", e.getMessage()));
            for (Map.Entry<String, String> h : e.headers.entrySet()) {
                response = response.withHeader(h.getKey(), h.getValue());
            }
        } catch (HttpResponseException e) {
            response = new ServerResponse(e.status(), e.headers(), e.body());
        } catch (Exception e) {
            LOG.error("Route {} {} failed", route.method(), route.path(), e);
            response = ServerResponse.json(500, Map.of("error", "server_error",
                    "error_description", "Internal error"));
        }
        String type = response.headers().entrySet().stream()
                .filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals("content-type"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        Map<String, String> headers = new HashMap<>(response.headers());
        headers.keySet().removeIf(k -> k.equalsIgnoreCase("content-type"));
        channel.respond(response.status(), type, response.body(), headers);
    }

    private static boolean isGetOrHead(HttpServerExchange ex) {
        return ex.getRequestMethod().equals(Methods.GET) || ex.getRequestMethod().equals(Methods.HEAD);
    }

    private static void send(HttpServerExchange ex, int status, Object body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(Json.bytes(body)));
    }
}
