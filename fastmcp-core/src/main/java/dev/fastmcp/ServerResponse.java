package dev.fastmcp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a custom route answers.
 *
 * @param status  the HTTP status
 * @param headers response headers
 * @param body    the body, possibly empty
 */
public record ServerResponse(int status, Map<String, String> headers, byte[] body) {

    /** Validates the status and copies the headers. */
    public ServerResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status (100-599), was " + status);
        }
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    /** A JSON response: {@code body} is serialized with the server's JSON mapper. */
    public static ServerResponse json(int status, Object body) {
        return new ServerResponse(status, Map.of("Content-Type", "application/json"), Json.bytes(body));
    }

    /** A plain-text response. */
    public static ServerResponse text(int status, String text) {
        return new ServerResponse(status, Map.of("Content-Type", "text/plain; charset=utf-8"),
                text.getBytes(StandardCharsets.UTF_8));
    }

    /** A response with no body. */
    public static ServerResponse status(int status) {
        return new ServerResponse(status, Map.of(), new byte[0]);
    }

    /** This response with one more header. */
    public ServerResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new ServerResponse(status, copy, body);
    }
}
