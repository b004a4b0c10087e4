package dev.fastmcp.auth;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 exchange sent from a chosen loopback source address ({@code 127.0.0.2}, {@code 127.0.0.3}, ...):
 * Linux routes all of 127.0.0.0/8 to the loopback interface, so a test can act as many clients of distinct
 * addresses without any forwarded header. The JDK's HTTP client cannot choose its source address; a plain socket
 * can. Every call is bounded by a five-second timeout and closes its connection.
 */
final class SourceAddressHttp {

    record Response(int status, Map<String, String> headers, String body) {

        /** A response header, by its name in any case, or null. */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private SourceAddressHttp() {
    }

    /** The loopback address {@code 127.0.0.n} for {@code n} from 1 to 254 (a different client per n). */
    static String loopback(int n) {
        if (n < 1 || n > 254) {
            throw new IllegalArgumentException("n must be 1..254, was " + n);
        }
        return "127.0.0." + n;
    }

    static Response get(String source, String url, Map<String, String> headers) throws IOException {
        return send(source, "GET", url, headers, null);
    }

    static Response post(String source, String url, Map<String, String> headers, String body) throws IOException {
        return send(source, "POST", url, headers, body);
    }

    static Response send(String source, String method, String url, Map<String, String> headers, String body)
            throws IOException {
        URI uri = URI.create(url);
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder();
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        head.append(method).append(' ').append(target.isEmpty() ? "/" : target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(uri.getHost()).append(':').append(uri.getPort()).append("\r\n");
        head.append("Connection: close\r\n");
        for (Map.Entry<String, String> h : headers.entrySet()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (payload != null) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        return exchange(source, uri, head.toString().getBytes(StandardCharsets.ISO_8859_1), payload);
    }

    /**
     * Sends {@code request} exactly as given (a head with {@code Connection: close}, and whatever body, however
     * framed, or none at all) and reads the answer to the end of the stream.
     */
    static Response raw(String source, String url, String request) throws IOException {
        return exchange(source, URI.create(url), request.getBytes(StandardCharsets.ISO_8859_1), null);
    }

    private static Response exchange(String source, URI uri, byte[] head, byte[] payload) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(5_000);
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head);
            if (payload != null) {
                out.write(payload);
            }
            out.flush();
            return read(socket.getInputStream());
        }
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String raw = all.toString(StandardCharsets.ISO_8859_1);
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("No complete response head; got " + raw.length() + " bytes");
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
        String rest = raw.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            rest = dechunk(rest);
        }
        byte[] body = rest.getBytes(StandardCharsets.ISO_8859_1);
        return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(s.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(s, eol + 2, Math.min(s.length(), eol + 2 + size));
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
