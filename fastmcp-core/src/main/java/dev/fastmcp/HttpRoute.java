package dev.fastmcp;

import java.util.Locale;
import java.util.Objects;

/**
 * One HTTP route: a method, a path (may contain {@code {name}} segments) and its handler.
 *
 * <p>A route marked {@code publicCors} is meant for any browser origin: it carries no cookies and no
 * ambient authority (OAuth registration, token and revocation endpoints, discovery documents). For its
 * path the server answers CORS with {@code Access-Control-Allow-Origin: *} (never with credentials) and
 * does not refuse a request for its {@code Origin}; the {@code Host} check against DNS rebinding still
 * applies. Routes a browser navigates to with cookies (authorization, consent, callback) must not be public.
 *
 * @param method     the HTTP method
 * @param path       the path, starting with {@code /}
 * @param handler    the code answering it
 * @param publicCors whether any origin may call it (see above)
 */
public record HttpRoute(String method, String path, RouteHandler handler, boolean publicCors) {

    /** Normalizes the method and checks the path. */
    public HttpRoute {
        method = Objects.requireNonNull(method, "method == null").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path == null");
        Objects.requireNonNull(handler, "handler == null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with '/', was '" + path + "'");
        }
    }

    /** A route under the server's usual origin policy. */
    public HttpRoute(String method, String path, RouteHandler handler) {
        this(method, path, handler, false);
    }

    /** A route any browser origin may call, without credentials (see the class description). */
    public static HttpRoute publicCors(String method, String path, RouteHandler handler) {
        return new HttpRoute(method, path, handler, true);
    }
}
