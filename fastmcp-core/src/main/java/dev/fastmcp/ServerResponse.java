package dev.fastmcp;

import dev.fastmcp.server.Json;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a custom route answers.
 *
 * <p>A header sent several times (several {@code Set-Cookie}, say) is one entry whose values are joined by
 * {@code '\n'}: {@link #addHeader} does the joining and the server sends each line as its own header. A
 * header value can never legally hold a line break, so the separator is unambiguous.
 *
 * @param status  the HTTP status
 * @param headers response headers; a value with line breaks is sent as one header per line
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

    /** This response with one more header, replacing any header of that name. */
    public ServerResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        copy.put(name, value);
        return new ServerResponse(status, copy, body);
    }

    /**
     * This response with one more value of header {@code name}, kept beside any values it already has (for
     * {@code Set-Cookie}, which cannot be combined into one line).
     */
    public ServerResponse addHeader(String name, String value) {
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a header value cannot contain a line break");
        }
        Map<String, String> copy = new LinkedHashMap<>(headers);
        String key = copy.keySet().stream().filter(k -> k.equalsIgnoreCase(name)).findFirst().orElse(name);
        copy.merge(key, value, (old, added) -> old + "\n" + added);
        return new ServerResponse(status, copy, body);
    }

    /** The values of header {@code name}, in order (any case of the name), empty when it is absent. */
    public java.util.List<String> headerValues(String name) {
        return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .flatMap(h -> h.getValue().lines()).toList();
    }
}
