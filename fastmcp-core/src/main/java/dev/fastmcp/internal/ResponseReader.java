package dev.fastmcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * Reads one HTTP/1.1 response for {@link GuardedFetch} under its deadline: every read waits at most the time left,
 * so a server trickling its answer is cut at the deadline. The status line, the headers and the body are bounded;
 * the body is framed by {@code Transfer-Encoding: chunked}, {@code Content-Length} or the end of the connection.
 */
final class ResponseReader {

    private static final int MAX_LINE = 8 * 1024;
    private static final int MAX_HEADER_BYTES = 32 * 1024;
    private static final int MAX_HEADERS = 100;

    private final Socket socket;
    private final InputStream in;
    private final long end;
    private final long maxBytes;
    private final byte[] buffer = new byte[8192];
    private int pos;
    private int limit;

    ResponseReader(Socket socket, long end, long maxBytes) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.end = end;
        this.maxBytes = maxBytes;
    }

    BoundedFetch.Response response(IntPredicate bodyWanted) throws IOException {
        while (true) {
            String statusLine = line();
            if (statusLine == null || !statusLine.matches("HTTP/1\\.[01] [1-5][0-9]{2}( .*)?")) {
                throw new IOException("the server did not answer with an HTTP/1.1 status line");
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, List<String>> headers = headers();
            if (status >= 100 && status < 200) {
                if (status == 101) {
                    throw new IOException("the server switched protocols");
                }
                continue; // an interim answer: the final one follows
            }
            HttpHeaders h = HttpHeaders.of(headers, (name, value) -> true);
            byte[] body = !bodyWanted.test(status) || status == 204 || status == 304 ? new byte[0] : body(h);
            return new BoundedFetch.Response(status, h, body);
        }
    }

    private Map<String, List<String>> headers() throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int bytes = 0;
        int count = 0;
        for (String line = line(); !line.isEmpty(); line = line()) {
            bytes += line.length();
            if (++count > MAX_HEADERS || bytes > MAX_HEADER_BYTES) {
                throw new IOException("the response headers are too large");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("the response has a malformed header line");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    private byte[] body(HttpHeaders headers) throws IOException {
        List<String> codings = headers.allValues("transfer-encoding");
        if (!codings.isEmpty()) {
            String last = String.join(",", codings);
            last = last.substring(last.lastIndexOf(',') + 1).trim().toLowerCase(Locale.ROOT);
            return last.equals("chunked") ? chunked() : untilClosed();
        }
        List<String> lengths = headers.allValues("content-length");
        if (lengths.isEmpty()) {
            return untilClosed();
        }
        String length = lengths.get(0);
        if (!length.matches("[0-9]{1,18}") || lengths.stream().anyMatch(l -> !l.equals(length))) {
            throw new IOException("the response has an invalid Content-Length");
        }
        long n = Long.parseLong(length);
        if (n > maxBytes) {
            throw new BoundedFetch.TooLargeException(maxBytes);
        }
        Body out = new Body(maxBytes);
        copy(out, n);
        return out.toByteArray();
    }

    private byte[] chunked() throws IOException {
        Body out = new Body(maxBytes);
        while (true) {
            String sizeLine = line();
            String size = sizeLine.split(";", 2)[0].trim();
            if (!size.matches("[0-9a-fA-F]{1,15}")) {
                throw new IOException("the response has a malformed chunk size");
            }
            long n = Long.parseLong(size, 16);
            if (n == 0) {
                for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                    // trailers are read and dropped
                }
                return out.toByteArray();
            }
            copy(out, n);
            if (!line().isEmpty()) {
                throw new IOException("the response has a malformed chunk");
            }
        }
    }

    private byte[] untilClosed() throws IOException {
        Body out = new Body(maxBytes);
        do {
            out.add(buffer, pos, limit - pos);
            pos = limit;
        } while (fill());
        return out.toByteArray();
    }

    private void copy(Body out, long n) throws IOException {
        out.reserve(n);
        while (n > 0) {
            if (pos == limit && !fill()) {
                throw new IOException("the connection closed before the end of the body");
            }
            int take = (int) Math.min(n, limit - pos);
            out.add(buffer, pos, take);
            pos += take;
            n -= take;
        }
    }

    /** One line without its CRLF; null at the end of the stream before any byte. */
    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            if (pos == limit && !fill()) {
                if (line.length() == 0) {
                    return null;
                }
                throw new IOException("the connection closed in the middle of a line");
            }
            char c = (char) (buffer[pos++] & 0xff);
            if (c == '\n') {
                int n = line.length();
                return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new IOException("the response has a line longer than " + MAX_LINE + " bytes");
            }
            line.append(c);
        }
    }

    /** Reads more; false at the end of the stream. */
    private boolean fill() throws IOException {
        socket.setSoTimeout(GuardedFetch.remainingMillis(end));
        int n;
        try {
            n = in.read(buffer);
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no complete response within the deadline");
        }
        if (n < 0) {
            return false;
        }
        pos = 0;
        limit = n;
        return true;
    }

    /** The body so far, failing as soon as it would grow past the cap. */
    private static final class Body {

        private final long cap;
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

        Body(long cap) {
            this.cap = cap;
        }

        /** Fails now when {@code more} bytes would not fit (a declared length or chunk size). */
        void reserve(long more) throws BoundedFetch.TooLargeException {
            if (bytes.size() + more > cap) {
                throw new BoundedFetch.TooLargeException(cap);
            }
        }

        void add(byte[] b, int off, int len) throws BoundedFetch.TooLargeException {
            reserve(len);
            bytes.write(b, off, len);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
