package dev.fastmcp;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Thrown from an {@link Authenticator} (or a route) to answer the HTTP request with exactly this response.
 */
public class HttpResponseException extends RuntimeException {

    private final int status;
    private final Map<String, String> headers;
    private final transient byte[] body;

    /** A response with a status, headers and a body (may be empty). */
    public HttpResponseException(int status, Map<String, String> headers, byte[] body) {
        super("HTTP " + status, null, false, false);
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status (100-599), was " + status);
        }
        this.status = status;
        this.headers = Map.copyOf(headers);
        this.body = body == null ? new byte[0] : body.clone();
    }

    /** A response with a status and a plain-text body. */
    public HttpResponseException(int status, String text) {
        this(status, Map.of("Content-Type", "text/plain; charset=utf-8"), text.getBytes(StandardCharsets.UTF_8));
    }

    /** The HTTP status. */
    public int status() {
        return status;
    }

    /** The response headers. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The response body. */
    public byte[] body() {
        return body.clone();
    }
}
