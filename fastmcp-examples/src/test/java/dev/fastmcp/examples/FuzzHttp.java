package dev.fastmcp.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as a fuzz case wants it: header values with any character, query
 * strings with broken %-escapes, lying framing. The JDK's HTTP client refuses most of that. Each exchange has a
 * connection of its own, from a chosen loopback source address (Linux routes all of 127.0.0.0/8 to the loopback
 * interface, so cases can spread over many addresses and per-address rate limits do not hide the endpoints), and
 * is bounded by a timeout.
 */
final class FuzzHttp {

    /** How an exchange ended. */
    enum Outcome {
        /** A complete response was read. */
        ANSWERED,
        /** The server closed the connection without a (complete) response. */
        CLOSED,
        /** The connection was reset. */
        RESET,
        /** Nothing within the timeout. */
        TIMEOUT
    }

    /** A response (status -1 unless answered) with its lower-cased headers. */
    record Response(Outcome outcome, int status, Map<String, List<String>> headers, byte[] body, String detail) {

        String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            if (outcome != Outcome.ANSWERED) {
                return outcome + (detail == null ? "" : " (" + detail + ")");
            }
            String text = text();
            return status + " " + headers + "\n" + (text.length() > 600 ? text.substring(0, 600) + "..." : text);
        }
    }

    private final int port;
    private final int timeoutMillis;

    FuzzHttp(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Sends the case's bytes from {@code 127.0.0.<source>} and reads one response; with {@code halfClose} the
     * sending side is shut after the request (so a server waiting for more body sees the end of the stream). The
     * answer to a GET that opens an event stream is read up to its headers (the stream stays open).
     */
    Response exchange(FuzzCase c) {
        return exchange(c.wire(), c.source(), c.halfClose(), c.method().equals("GET"), c.method().equals("HEAD"));
    }

    private Response exchange(byte[] wire, int source, boolean halfClose, boolean streams, boolean headRequest) {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(timeoutMillis);
            socket.setTcpNoDelay(true);
            socket.bind(new InetSocketAddress("127.0.0." + source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            OutputStream out = socket.getOutputStream();
            String writeFailure = null;
            try {
                out.write(wire);
                out.flush();
                if (halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may have answered early and closed: what it said is still to be read.
                writeFailure = e.toString();
            }
            Response r = read(new BufferedInputStream(socket.getInputStream(), 16 * 1024), streams, headRequest);
            if (r.outcome() != Outcome.ANSWERED && writeFailure != null) {
                return new Response(r.outcome(), -1, Map.of(), new byte[0],
                        (r.detail() == null ? "" : r.detail() + "; ") + "write failed: " + writeFailure);
            }
            return r;
        } catch (SocketTimeoutException e) {
            return new Response(Outcome.TIMEOUT, -1, Map.of(), new byte[0], "no answer in " + timeoutMillis + " ms");
        } catch (SocketException e) {
            String m = String.valueOf(e.getMessage());
            return new Response(m.contains("reset") || m.contains("Broken pipe") ? Outcome.RESET : Outcome.CLOSED,
                    -1, Map.of(), new byte[0], e.toString());
        } catch (IOException e) {
            return new Response(Outcome.CLOSED, -1, Map.of(), new byte[0], e.toString());
        }
    }

    /** The wire form of a request framed with a correct {@code Content-Length} (none when {@code body} is null). */
    static byte[] wire(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        for (Map.Entry<String, String> h : headers) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        if (body != null) {
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    private static Response read(InputStream in, boolean streams, boolean headRequest) throws IOException {
        while (true) {
            String statusLine = line(in);
            if (statusLine == null) {
                return new Response(Outcome.CLOSED, -1, Map.of(), new byte[0], "closed before a status line");
            }
            String[] parts = statusLine.split(" ", 3);
            int status;
            try {
                status = Integer.parseInt(parts[1]);
            } catch (RuntimeException e) {
                return new Response(Outcome.CLOSED, -1, Map.of(), new byte[0], "not a status line: " + statusLine);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            k -> new ArrayList<>()).add(h.substring(colon + 1).trim());
                }
            }
            if (status >= 100 && status < 200) {
                continue; // 100 Continue: the real answer follows
            }
            List<String> type = headers.get("content-type");
            boolean stream = streams && type != null && type.get(0).startsWith("text/event-stream");
            if (stream || headRequest || status == 204 || status == 304) {
                return new Response(Outcome.ANSWERED, status, headers, new byte[0], null);
            }
            List<String> te = headers.get("transfer-encoding");
            List<String> cl = headers.get("content-length");
            try {
                byte[] body;
                if (te != null && te.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
                    body = chunked(in);
                } else if (cl != null) {
                    body = in.readNBytes(Integer.parseInt(cl.get(0)));
                    if (body.length < Integer.parseInt(cl.get(0))) {
                        throw new EOFException("body shorter than its Content-Length");
                    }
                } else {
                    body = in.readAllBytes();
                }
                return new Response(Outcome.ANSWERED, status, headers, body, null);
            } catch (EOFException e) {
                return new Response(Outcome.CLOSED, status, headers, new byte[0], "truncated response: " + e.getMessage());
            }
        }
    }

    private static byte[] chunked(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            String size = line(in);
            if (size == null) {
                throw new EOFException("closed inside a chunked body");
            }
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                for (String t = line(in); t != null && !t.isEmpty(); t = line(in)) {
                    // trailers
                }
                return out.toByteArray();
            }
            byte[] chunk = in.readNBytes(n);
            if (chunk.length < n) {
                throw new EOFException("closed inside a chunk");
            }
            out.writeBytes(chunk);
            line(in);
        }
    }

    /** One CRLF-terminated line in ISO-8859-1, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int n = s.length();
                return n > 0 && s.charAt(n - 1) == '\r' ? s.substring(0, n - 1) : s.toString();
            }
            s.append((char) c);
            if (s.length() > 256 * 1024) {
                throw new IOException("response line too long");
            }
        }
        return s.length() == 0 ? null : s.toString();
    }
}
