package dev.fastmcp;

import java.util.Locale;
import java.util.Objects;

/**
 * One HTTP route: a method, a path (may contain {@code {name}} segments) and its handler.
 *
 * @param method  the HTTP method
 * @param path    the path, starting with {@code /}
 * @param handler the code answering it
 */
public record HttpRoute(String method, String path, RouteHandler handler) {

    /** Normalizes the method and checks the path. */
    public HttpRoute {
        method = Objects.requireNonNull(method, "method == null").toUpperCase(Locale.ROOT);
        Objects.requireNonNull(path, "path == null");
        Objects.requireNonNull(handler, "handler == null");
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("Route path must start with '/', was '" + path + "'");
        }
    }
}
