package dev.fastmcp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection written byte by byte, for requests no real client sends: a length it never sends, a
 * chunked body cut short, a body sent after its answer came. It may come from any loopback address
 * ({@code 127.0.0.2}, ...: Linux routes all of 127.0.0.0/8 to the loopback interface), so a test can act as many
 * clients without forwarded headers. Every read waits at most five seconds.
 *
 * <p>Shared with the other modules' tests through this module's test jar.
 */
public final class RawHttp implements AutoCloseable {

    /** A response: its status, headers by lower-case name, and body (chunked bodies decoded). */
    public record Response(int status, Map<String, String> headers, String body) {

        /** A response header, by its name in any case, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket = new Socket();
    private final InputStream in;

    /** A connection from 127.0.0.1 to {@code port} on 127.0.0.1. */
    public RawHttp(int port) throws IOException {
        this("127.0.0.1", "127.0.0.1", port);
    }

    /** A connection from the loopback address {@code source} to {@code host}:{@code port}. */
    public RawHttp(String source, String host, int port) throws IOException {
        socket.setSoTimeout(5_000);
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(host, port), 5_000);
        in = socket.getInputStream();
    }

    /** A request head (request line and headers, {@code \r\n}-separated, without the blank line) with Host added. */
    public static String head(String requestLine, int port, String... headers) {
        StringBuilder h = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1:").append(port).append("\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        return h.append("\r\n").toString();
    }

    /** One chunk of a chunked body, {@code size} bytes of 'a'. */
    public static String chunk(int size) {
        return Integer.toHexString(size) + "\r\n" + "a".repeat(size) + "\r\n";
    }

    /** Writes {@code text}; false when the server has closed or reset the connection meanwhile. */
    public boolean send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code bytes}; false when the server has closed or reset the connection meanwhile. */
    public boolean send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads one response (its body by Content-Length, chunked, or to the end of the stream); fails after five
     * seconds.
     */
    public Response response() throws IOException {
        String head = readHead();
        String[] lines = head.split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        String length = headers.get("content-length");
        if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length)));
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; line()) {
                body.write(in.readNBytes(size));
            }
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Reads one response, or returns null when the server closes the connection (end of stream or reset) first. */
    public Response responseUnlessClosed() throws IOException {
        try {
            return response();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException closed) {
            return null;
        }
    }

    /** Whether the server closes the connection (end of stream or reset) within five seconds. */
    public boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** One line, without its CR LF. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("The connection closed inside a chunked body");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("The connection closed before a response; got " + head.size() + " bytes: ["
                        + head.toString(StandardCharsets.ISO_8859_1) + "]");
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
