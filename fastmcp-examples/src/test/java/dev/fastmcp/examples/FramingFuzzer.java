package dev.fastmcp.examples;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * HTTP framing mutations over a raw socket: correctly framed requests (Content-Length or chunked, with
 * {@code Connection: close} and {@code Expect: 100-continue}) that the server may answer before reading their body,
 * and lying ones (a Content-Length over the limit, shorter or longer than the body, negative, doubled, chunk sizes
 * that are not hex, huge or missing, both framings at once, broken header lines).
 */
final class FramingFuzzer {

    private static final List<String> PATHS = List.of("/mcp", "/oauth/token", "/oauth/register", "/oauth/revoke",
            "/oauth/consent", "/oauth/authorize", "/.well-known/oauth-authorization-server", "/nowhere");

    private final long seed;

    FramingFuzzer(long seed) {
        this.seed = seed;
    }

    FuzzCase generate(String campaign, int port, String token, int n) {
        FuzzValues v = new FuzzValues(new Random(FuzzCampaignTest.caseSeed(seed, "framing", n)));
        String path = v.pick(PATHS);
        String method = path.startsWith("/.well-known") || path.equals("/oauth/authorize") && v.chance(0.5)
                ? v.pick("GET", "POST") : "POST";
        boolean mcp = path.equals("/mcp");
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
        head.append("Content-Type: ").append(mcp ? v.pick("application/json", "text/plain")
                : v.pick("application/x-www-form-urlencoded", "application/json", "text/plain")).append("\r\n");
        if (mcp) {
            head.append("Accept: application/json, text/event-stream\r\nAuthorization: Bearer ").append(token)
                    .append("\r\n");
        }
        if (v.chance(0.5)) {
            head.append("Connection: close\r\n");
        }
        if (v.chance(0.15)) {
            head.append("Expect: 100-continue\r\n");
        }
        byte[] body = body(v, mcp);
        int kind = v.random().nextInt(100);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        boolean wellFramed = true;
        boolean overLimit = false;
        boolean halfClose = false;
        if (kind < 30) {
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            wire.writeBytes(bytes(head));
            wire.writeBytes(body);
        } else if (kind < 55) {
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            wire.writeBytes(bytes(head));
            chunks(v, wire, body, true);
        } else if (kind < 62) {
            // Announces more than the limit and sends little or nothing of it: 413, not a wait nor a 200.
            long announced = v.pick(FuzzCampaignTest.MAX_REQUEST_BYTES + 1L, FuzzCampaignTest.MAX_REQUEST_BYTES
                    + 70_000L, 10_000_000_000L, (long) Integer.MAX_VALUE + 2);
            head.append("Content-Length: ").append(announced).append("\r\n\r\n");
            wire.writeBytes(bytes(head));
            wire.write(body, 0, Math.min(body.length, 1000));
            overLimit = true;
        } else if (kind < 67) {
            // Chunked and over the limit, sent whole.
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            wire.writeBytes(bytes(head));
            byte[] big = new byte[FuzzCampaignTest.MAX_REQUEST_BYTES + 1 + v.random().nextInt(100_000)];
            java.util.Arrays.fill(big, (byte) 'a');
            chunks(v, wire, big, true);
            overLimit = true;
        } else {
            wellFramed = false;
            halfClose = true;
            switch (v.random().nextInt(10)) {
                case 0 -> { // longer than what follows
                    head.append("Content-Length: ").append(body.length + 1 + v.random().nextInt(5000)).append("\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    wire.writeBytes(body);
                }
                case 1 -> { // shorter: the rest reads as a next request
                    head.append("Content-Length: ").append(body.length / 2).append("\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    wire.writeBytes(body);
                }
                case 2 -> {
                    head.append("Content-Length: ").append(v.pick("-1", "abc", "1e3", " 5", "0x10", "99999999999999999999",
                            "5, 6")).append("\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    wire.writeBytes(body);
                }
                case 3 -> {
                    head.append("Content-Length: ").append(body.length).append("\r\nContent-Length: ")
                            .append(body.length + 3).append("\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    wire.writeBytes(body);
                }
                case 4 -> {
                    head.append("Content-Length: ").append(body.length)
                            .append("\r\nTransfer-Encoding: chunked\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    chunks(v, wire, body, true);
                }
                case 5 -> { // chunk sizes that are not sizes
                    head.append("Transfer-Encoding: chunked\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    wire.writeBytes(bytes(v.pick("zz", "-1", "FFFFFFFFFFFFFFFF", "", " ", "0x5", "5 5", "7fffffff")
                            + "\r\n"));
                    wire.writeBytes(body);
                    wire.writeBytes(bytes("\r\n0\r\n\r\n"));
                }
                case 6 -> { // a chunk longer than announced, or an unfinished body
                    head.append("Transfer-Encoding: chunked\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    wire.writeBytes(bytes(Integer.toHexString(Math.max(1, body.length / 2)) + "\r\n"));
                    wire.writeBytes(body);
                    if (v.random().nextBoolean()) {
                        wire.writeBytes(bytes("\r\n0\r\n\r\n"));
                    }
                }
                case 7 -> {
                    head.append("Transfer-Encoding: ").append(v.pick("gzip", "chunked, gzip", "identity", "xchunked",
                            "chunked\r\nTransfer-Encoding: chunked")).append("\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    chunks(v, wire, body, true);
                }
                case 8 -> { // broken header lines
                    head.append(v.pick("NoColonHere\r\n", " folded: line\r\n", "X-A: a\rb\r\n", "X-\u0000: 1\r\n",
                            "X-Long: " + "a".repeat(70_000) + "\r\n", ": empty-name\r\n"));
                    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
                    wire.writeBytes(bytes(head));
                    wire.writeBytes(body);
                }
                default -> { // a bad request line
                    String line = v.pick(method + " " + path + " HTTP/9.9", method + " " + path, method + "  " + path
                            + " HTTP/1.1", "GET http://evil.example" + path + " HTTP/1.1", method + " " + path
                            + "\u0000 HTTP/1.1", method + " /%zz HTTP/1.1", "\u00ff\u00fe " + path + " HTTP/1.1");
                    wire.writeBytes(bytes(line + "\r\n" + head.substring(head.indexOf("\r\n") + 2)
                            + "Content-Length: " + body.length + "\r\n\r\n"));
                    wire.writeBytes(body);
                }
            }
        }
        return new FuzzCase(campaign, seed, n, method, path, null, null, wire.toByteArray(), 2 + n % 250, halfClose,
                wellFramed, overLimit, null);
    }

    private static byte[] body(FuzzValues v, boolean mcp) {
        String text = mcp ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"
                : "grant_type=authorization_code&code=" + v.headerSafe();
        if (v.chance(0.3)) {
            // Large enough that the server cannot take it all in before it answers.
            text = text + (mcp ? " " : "&pad=") + "a".repeat(v.pick(100_000, 400_000, 1_500_000));
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code body} in chunks of random sizes (with extensions and a trailer now and then). */
    private static void chunks(FuzzValues v, ByteArrayOutputStream wire, byte[] body, boolean last) {
        int at = 0;
        while (at < body.length) {
            int size = Math.min(body.length - at, 1 + v.random().nextInt(v.chance(0.5) ? 16 : 200_000));
            wire.writeBytes(bytes(Integer.toHexString(size) + (v.chance(0.05) ? ";ext=1" : "") + "\r\n"));
            wire.write(body, at, size);
            wire.writeBytes(bytes("\r\n"));
            at += size;
        }
        if (last) {
            wire.writeBytes(bytes(v.chance(0.1) ? "0\r\nX-Trailer: t\r\n\r\n" : "0\r\n\r\n"));
        }
    }

    private static byte[] bytes(CharSequence s) {
        return s.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
