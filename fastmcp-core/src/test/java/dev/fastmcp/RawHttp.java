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
 * chunked body cut short, a body sent after its answer came. Every read waits at most five seconds.
 */
final class RawHttp implements AutoCloseable {

    record Response(int status, Map<String, String> headers, String body) {

        /** A response header, by its name in any case, or null. */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket = new Socket();
    private final InputStream in;

    RawHttp(int port) throws IOException {
        socket.setSoTimeout(5_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        in = socket.getInputStream();
    }

    /** A request head (request line and headers, {@code \r\n}-separated, without the blank line) with Host added. */
    static String head(String requestLine, int port, String... headers) {
        StringBuilder h = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1:").append(port).append("\r\n");
        for (String header : headers) {
            h.append(header).append("\r\n");
        }
        return h.append("\r\n").toString();
    }

    /** One chunk of a chunked body, {@code size} bytes of 'a'. */
    static String chunk(int size) {
        return Integer.toHexString(size) + "\r\n" + "a".repeat(size) + "\r\n";
    }

    /** Writes {@code text}; false when the server has closed or reset the connection meanwhile. */
    boolean send(String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads one response (its body by Content-Length, or to the end of the stream); fails after five seconds. */
    Response response() throws IOException {
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
        } else {
            in.transferTo(body);
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Reads one response, or returns null when the server closes the connection (end of stream or reset) first. */
    Response responseUnlessClosed() throws IOException {
        try {
            return response();
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException closed) {
            return null;
        }
    }

    /** Whether the server closes the connection (end of stream or reset) within five seconds. */
    boolean closedByServer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
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
