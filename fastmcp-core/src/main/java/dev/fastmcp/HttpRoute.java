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
 * <p>The request body is checked against {@code maxBodyBytes} while it is received, before the handler runs: a
 * {@code Content-Length} over the limit is answered {@code 413} without reading the body, and a chunked body is
 * read no further than the limit. An endpoint that accepts small forms should declare a small limit
 * ({@link #withMaxBodyBytes(long)}), so that no request makes the server buffer more than the endpoint will ever
 * accept.
 *
 * @param method       the HTTP method
 * @param path         the path, starting with {@code /}
 * @param handler      the code answering it
 * @param publicCors   whether any origin may call it (see above)
 * @param maxBodyBytes the largest request body the route accepts, in bytes; {@value #SERVER_LIMIT} for the
 *                     server's {@code maxRequestBytes} (4 MiB unless configured)
 */
public record HttpRoute(String method, String path, RouteHandler handler, boolean publicCors, long maxBodyBytes) {

    /** The {@code maxBodyBytes} of a route that takes the server's {@code maxRequestBytes} limit. */
    public static final long SERVER_LIMIT = 0;

    /** Normalizes the method and checks the path and the body limit. */
    public HttpRoute {
        method = Objects.requireNonNull(method, "method == null").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path == null");
        Objects.requireNonNull(handler, "handler == null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with '/', was '" + path + "'");
        }
        if (maxBodyBytes < 0) {
            throw new IllegalArgumentException("maxBodyBytes of " + method + " " + path + " must be positive (or "
                    + "SERVER_LIMIT for the server's maxRequestBytes), was " + maxBodyBytes);
        }
    }

    /** A route with the server's body limit; any origin may call it when {@code publicCors}. */
    public HttpRoute(String method, String path, RouteHandler handler, boolean publicCors) {
        this(method, path, handler, publicCors, SERVER_LIMIT);
    }

    /** A route under the server's usual origin policy, with the server's body limit. */
    public HttpRoute(String method, String path, RouteHandler handler) {
        this(method, path, handler, false);
    }

    /** A route any browser origin may call, without credentials (see the class description). */
    public static HttpRoute publicCors(String method, String path, RouteHandler handler) {
        return new HttpRoute(method, path, handler, true);
    }

    /**
     * This route accepting request bodies of at most {@code bytes} (see the class description).
     *
     * @throws IllegalArgumentException when {@code bytes} is not positive
     */
    public HttpRoute withMaxBodyBytes(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes of " + method + " " + path + " must be positive, was "
                    + bytes);
        }
        return new HttpRoute(method, path, handler, publicCors, bytes);
    }
}
