package dev.fastmcp.transport;

import dev.fastmcp.HttpRoute;
import dev.fastmcp.internal.Loopback;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.LogValues;
import io.modelcontextprotocol.spec.McpSchema;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.PathTemplateMatcher;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * DNS-rebinding protection and CORS, in front of every route. A server bound to loopback accepts only
 * loopback {@code Host} names and loopback origins unless told otherwise; any server refuses a cross-origin
 * {@code Origin} it was not configured to allow. Allowed origins get the CORS headers MCP clients need.
 *
 * <p>Paths of {@linkplain HttpRoute#publicCors() public routes} (OAuth registration, token, revocation,
 * discovery documents) carry no cookies, so any origin may call them: they answer with
 * {@code Access-Control-Allow-Origin: *} and are never refused for their {@code Origin}. The {@code Host}
 * check still applies to them.
 */
final class OriginGuard implements HttpHandler {

    /** An HTTP token (RFC 9110 §5.6.2), such as a header name. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    private static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    private static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    private static final HttpString MAX_AGE = new HttpString("Access-Control-Max-Age");
    private static final HttpString REQUEST_HEADERS = new HttpString("Access-Control-Request-Headers");

    private final HttpHandler next;
    private final boolean protect;
    private final boolean loopbackBind;
    private final Set<String> allowedHosts;
    private final Set<String> allowedOrigins;
    private final boolean cors;
    private final boolean trustForwarded;
    /** The MCP endpoint's path: its refusals are JSON-RPC envelopes, every other route's are route errors. */
    private final String mcpPath;
    private final PathTemplateMatcher<Boolean> publicPaths = new PathTemplateMatcher<>();

    OriginGuard(HttpHandler next, String mcpPath, boolean protect, boolean loopbackBind, Set<String> allowedHosts,
            Set<String> allowedOrigins, boolean cors, boolean trustForwarded, Set<String> publicCorsPaths) {
        this.trustForwarded = trustForwarded;
        this.mcpPath = mcpPath;
        for (String path : publicCorsPaths) {
            publicPaths.add(path, Boolean.TRUE);
        }
        this.next = next;
        this.protect = protect;
        this.loopbackBind = loopbackBind;
        this.allowedHosts = lower(allowedHosts);
        this.allowedOrigins = lower(allowedOrigins);
        this.cors = cors;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        String host = hostName(ForwardedHeaders.host(ex, trustForwarded));
        String origin = ex.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (protect && !hostAllowed(host)) {
            forbid(ex, "Forbidden: Host '" + LogValues.safe(host) + "' is not allowed (DNS rebinding protection)");
            return;
        }
        if (publicPaths.match(ex.getRequestPath()) != null) {
            publicRoute(ex, origin);
            return;
        }
        boolean originOk = origin == null || originAllowed(origin, host);
        if (protect && !originOk) {
            forbid(ex, "Forbidden: Origin '" + LogValues.safe(origin) + "' is not allowed");
            return;
        }
        if (cors && origin != null && originOk) {
            ex.getResponseHeaders().put(ALLOW_ORIGIN, origin);
            ex.getResponseHeaders().add(Headers.VARY, "Origin");
            ex.getResponseHeaders().put(EXPOSE_HEADERS, "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate");
        }
        if (ex.getRequestMethod().equals(Methods.OPTIONS)) {
            preflight(ex, cors && originOk, "GET, POST, DELETE, OPTIONS", "Content-Type, Authorization, Accept, "
                    + "Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID, Mcp-Method, Mcp-Name" + paramHeaders(ex));
            return;
        }
        next.handleRequest(ex);
    }

    /**
     * The {@code Mcp-Param-*} headers a preflight asks for (MCP 2026-07-28 clients send one per parameter a tool marks
     * {@code x-mcp-header}), each a header token, as a suffix of the allowed headers; none when it asks for none.
     */
    private static String paramHeaders(HttpServerExchange ex) {
        String requested = ex.getRequestHeaders().getFirst(REQUEST_HEADERS);
        if (requested == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String header : requested.split(",")) {
            String h = header.strip();
            if (h.regionMatches(true, 0, "mcp-param-", 0, 10) && h.length() <= 100
                    && TOKEN.matcher(h).matches()) {
                out.append(", ").append(h);
            }
        }
        return out.toString();
    }

    /** A public route: any origin, no credentials; a preflight is answered here. */
    private void publicRoute(HttpServerExchange ex, String origin) throws Exception {
        if (cors && origin != null) {
            ex.getResponseHeaders().put(ALLOW_ORIGIN, "*");
            ex.getResponseHeaders().put(EXPOSE_HEADERS, "WWW-Authenticate");
        }
        if (ex.getRequestMethod().equals(Methods.OPTIONS)) {
            // MCP clients send MCP-Protocol-Version when they fetch the discovery documents
            preflight(ex, cors && origin != null, "GET, POST, OPTIONS",
                    "Authorization, Content-Type, Accept, Mcp-Protocol-Version");
            return;
        }
        next.handleRequest(ex);
    }

    /** Answers a preflight with the methods the route allows, and the CORS headers when {@code corsAllowed}. */
    private static void preflight(HttpServerExchange ex, boolean corsAllowed, String methods, String headers) {
        if (corsAllowed) {
            ex.getResponseHeaders().put(ALLOW_METHODS, methods);
            ex.getResponseHeaders().put(ALLOW_HEADERS, headers);
            ex.getResponseHeaders().put(MAX_AGE, "600");
        }
        ex.getResponseHeaders().put(Headers.ALLOW, methods);
        ex.setStatusCode(204);
        ex.endExchange();
    }

    private boolean hostAllowed(String host) {
        if (allowedHosts.contains(host)) {
            return true;
        }
        return loopbackBind ? Loopback.isLoopbackHost(host) : allowedHosts.isEmpty();
    }

    private boolean originAllowed(String origin, String host) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (allowedOrigins.contains("*") || allowedOrigins.contains(stripSlash(o))) {
            return true;
        }
        String originHost;
        try {
            URI uri = URI.create(o);
            if (uri.getHost() == null || !(o.startsWith("http://") || o.startsWith("https://"))) {
                return false;
            }
            originHost = uri.getHost().startsWith("[") ? uri.getHost() : uri.getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean loopbackOrigin = Loopback.isLoopbackHost(originHost);
        if (loopbackBind && loopbackOrigin) {
            return true;
        }
        return originHost.equals(host) || (loopbackOrigin && Loopback.isLoopbackHost(host));
    }

    /** The host name of a Host header, without the port; IPv6 literals keep their brackets. */
    static String hostName(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static Set<String> lower(Set<String> values) {
        return Set.copyOf(values.stream().map(v -> stripSlash(v.toLowerCase(Locale.ROOT))).toList());
    }

    /**
     * A 403 in the shape of the route refused: a JSON-RPC envelope at the MCP endpoint, the route error
     * ({@code error}, {@code error_description}, as RFC 6749 has it) elsewhere. The refused value is echoed only
     * escaped and cut short.
     */
    private void forbid(HttpServerExchange ex, String message) {
        String path = ex.getRequestPath();
        byte[] body = path.equals(mcpPath) || path.equals(mcpPath + "/")
                ? Json.bytes(Json.errorEnvelope(null, McpSchema.ErrorCodes.INVALID_REQUEST, message))
                : Json.bytes(Map.of("error", "access_denied", "error_description", message));
        EarlyAnswer.send(ex, 403, "application/json", body, Map.of("Cache-Control", "no-store"));
    }
}
