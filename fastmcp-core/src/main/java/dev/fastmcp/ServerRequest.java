package dev.fastmcp;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request as the {@code authenticate} hook and custom routes see it.
 *
 * @param method        the HTTP method, upper case
 * @param path          the request path, without the query string
 * @param headers       the headers, names in lower case
 * @param query         the query parameters
 * @param pathParams    values of {@code {name}} segments of a route's path; empty elsewhere
 * @param remoteAddress the peer's IP address (the proxy's, behind a reverse proxy)
 * @param body          the body; empty when none or not read (for example, for the {@code authenticate} hook)
 * @param auth          the authenticated caller of an authenticated route, or null
 */
public record ServerRequest(String method, String path, Map<String, List<String>> headers,
        Map<String, List<String>> query, Map<String, String> pathParams, String remoteAddress, byte[] body,
        AuthSession auth) {

    /** Copies the collections. */
    public ServerRequest {
        Objects.requireNonNull(method, "method == null");
        Objects.requireNonNull(path, "path == null");
        headers = Map.copyOf(headers);
        query = Map.copyOf(query);
        pathParams = Map.copyOf(pathParams);
        body = body == null ? new byte[0] : body;
    }

    /** The first value of a header (name in any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The first value of a query parameter, or null. */
    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** The body decoded as UTF-8. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
