package dev.fastmcp.auth.proxy;

import dev.fastmcp.RawHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 exchange sent from a chosen loopback source address ({@code 127.0.0.2}, {@code 127.0.0.3}, ...),
 * over a {@link RawHttp} connection, for threats that need many clients: the JDK's HTTP client cannot choose its
 * source address. Every exchange closes its connection.
 */
final class SourceAddressHttp {

    private SourceAddressHttp() {
    }

    /** The loopback address {@code 127.0.0.n} for {@code n} from 1 to 254 (a different client per n). */
    static String loopback(int n) {
        if (n < 1 || n > 254) {
            throw new IllegalArgumentException("n must be 1..254, was " + n);
        }
        return "127.0.0." + n;
    }

    static RawHttp.Response get(String source, String url, Map<String, String> headers) throws IOException {
        return send(source, "GET", url, headers, null);
    }

    static RawHttp.Response post(String source, String url, Map<String, String> headers, String body)
            throws IOException {
        return send(source, "POST", url, headers, body);
    }

    static RawHttp.Response send(String source, String method, String url, Map<String, String> headers,
            String body) throws IOException {
        URI uri = URI.create(url);
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        head.append(method).append(' ').append(target.isEmpty() ? "/" : target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        head.append("Connection: close\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        try (RawHttp http = new RawHttp(source, uri.getHost(), uri.getPort())) {
            http.send(head.append("\r\n").toString());
            http.send(payload);
            return http.response();
        }
    }

    /**
     * Sends {@code request} exactly as given (a head with {@code Connection: close}, and whatever body, however
     * framed, or none at all) and reads the answer.
     */
    static RawHttp.Response raw(String source, String url, String request) throws IOException {
        URI uri = URI.create(url);
        try (RawHttp http = new RawHttp(source, uri.getHost(), uri.getPort())) {
            http.send(request);
            return http.response();
        }
    }
}
