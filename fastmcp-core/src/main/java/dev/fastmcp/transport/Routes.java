package dev.fastmcp.transport;

import dev.fastmcp.AuthSession;
import dev.fastmcp.HttpResponseException;
import dev.fastmcp.HttpRoute;
import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import dev.fastmcp.ServiceUnavailableException;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.Settings.Route;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatcher;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the server answers besides MCP: {@code /health}, {@code /ready} and custom routes (path
 * templates like {@code /users/{id}}), in front of the MCP endpoint. Unknown paths get a JSON 404.
 */
final class Routes implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    /** Read beyond a route's own limit before the connection is cut, so that the route answers 413 first. */
    private static final long ENTITY_SLACK = 64 * 1024;

    private final String mcpPath;
    private final HttpHandler mcp;
    private final Map<String, PathTemplateMatcher<Route>> routes = new HashMap<>();
    private final RequestAuthenticator authenticator;
    private final long maxBodyBytes;
    private final boolean trustForwarded;
    private volatile boolean ready = true;

    Routes(String mcpPath, HttpHandler mcp, List<Route> custom, RequestAuthenticator authenticator,
            long maxBodyBytes, boolean trustForwarded) {
        this.trustForwarded = trustForwarded;
        this.mcpPath = mcpPath;
        this.mcp = mcp;
        this.authenticator = authenticator;
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

    /**
     * Receives a custom route's body, checked while it arrives: a route needing credentials is refused before
     * its body is read when it has none, a declared length over the route's limit is refused unread, and a
     * chunked body is read no further than the limit.
     */
    private void custom(HttpServerExchange ex, Route route, Map<String, String> params) {
        if (route.authenticated()
                && authenticator.refusesWithoutToken(ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION))) {
            try {
                authenticator.authenticate(Exchanges.request(ex, params, null, trustForwarded), null);
            } catch (JsonRpcException e) {
                answerEarly(ex, refusal(e));
                return;
            }
        }
        long limit = route.maxBodyBytes() == HttpRoute.SERVER_LIMIT ? maxBodyBytes : route.maxBodyBytes();
        if (ex.getRequestContentLength() > limit) {
            answerEarly(ex, tooLarge(route, limit));
            return;
        }
        if (limit > maxBodyBytes) {
            ex.setMaxEntitySize(limit + ENTITY_SLACK); // the server's own entity limit is below this route's
        }
        ex.getRequestReceiver().setMaxBufferSize((int) Math.min(Integer.MAX_VALUE, limit));
        ex.getRequestReceiver().receiveFullBytes(
                (exchange, body) -> exchange.dispatch(() -> runRoute(exchange, route, params, body)),
                (exchange, error) -> {
                    if (EarlyAnswer.tooBig(error)) {
                        answerEarly(exchange, tooLarge(route, limit));
                    } else {
                        LOG.debug("Could not read the body of {} {}: {}", route.method(), route.path(),
                                error.toString());
                        EarlyAnswer.abandon(exchange);
                    }
                });
    }

    /** The 413 of a route, in the shape of the other route errors (RFC 6749's, which the OAuth endpoints need). */
    private static ServerResponse tooLarge(Route route, long limit) {
        return ServerResponse.json(413, Map.of("error", "invalid_request", "error_description",
                "The request body is too large: " + route.method() + " " + route.path() + " accepts at most "
                        + limit + " bytes")).withHeader("Cache-Control", "no-store");
    }

    /** The answer to a refused authentication: 401 or 403, with the challenge headers. */
    private static ServerResponse refusal(JsonRpcException e) {
        ServerResponse response = ServerResponse.json(e.httpStatus(), Map.of("error", e.httpStatus() == 403
                ? "insufficient_scope" : "unauthorized", "error_description", e.getMessage()));
        for (Map.Entry<String, String> h : e.headers().entrySet()) {
            response = response.withHeader(h.getKey(), h.getValue());
        }
        return response;
    }

    private static void answerEarly(HttpServerExchange ex, ServerResponse response) {
        EarlyAnswer.send(ex, response.status(), contentType(response), response.body(), otherHeaders(response));
    }

    private void runRoute(HttpServerExchange ex, Route route, Map<String, String> params, byte[] body) {
        HttpChannel channel = new HttpChannel(ex);
        ServerRequest request = Exchanges.request(ex, params, body, trustForwarded);
        ServerResponse response;
        try {
            if (route.authenticated()) {
                request = withAuth(request, authenticator.authenticate(request, null));
            }
            response = route.handler().handle(request);
            if (response == null) {
                throw new IllegalStateException("Route " + route.method() + " " + route.path() + " returned null");
            }
        } catch (JsonRpcException e) {
            response = refusal(e);
        } catch (HttpResponseException e) {
            response = new ServerResponse(e.status(), e.headers(), e.body());
        } catch (ServiceUnavailableException e) {
            // Logged once per outage by whatever is down, not once per request here.
            LOG.debug("Route {} {} answered 503: {}", route.method(), route.path(), e.getMessage());
            response = ServerResponse.json(503, Map.of("error", "temporarily_unavailable",
                    "error_description", "The server cannot answer this request at the moment; retry later"))
                    .withHeader("Retry-After", e.retryAfterHeader()).withHeader("Cache-Control", "no-store");
        } catch (Exception e) {
            LOG.error("Route {} {} failed", route.method(), route.path(), e);
            response = ServerResponse.json(500, Map.of("error", "server_error",
                    "error_description", "Internal error"));
        }
        channel.respond(response.status(), contentType(response), response.body(), otherHeaders(response));
    }

    /** {@code request} as an authenticated route's handler sees it: with its caller. */
    private static ServerRequest withAuth(ServerRequest r, AuthSession session) {
        return new ServerRequest(r.method(), r.path(), r.headers(), r.query(), r.pathParams(), r.remoteAddress(),
                r.body(), session);
    }

    private static String contentType(ServerResponse response) {
        return response.headers().entrySet().stream()
                .filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals("content-type"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static Map<String, String> otherHeaders(ServerResponse response) {
        Map<String, String> headers = new HashMap<>(response.headers());
        headers.keySet().removeIf(k -> k.equalsIgnoreCase("content-type"));
        return headers;
    }

    private static boolean isGetOrHead(HttpServerExchange ex) {
        return ex.getRequestMethod().equals(Methods.GET) || ex.getRequestMethod().equals(Methods.HEAD);
    }

    /** Answers without reading any body the request may have. */
    private static void send(HttpServerExchange ex, int status, Object body) {
        EarlyAnswer.send(ex, status, "application/json", Json.bytes(body), Map.of());
    }
}
