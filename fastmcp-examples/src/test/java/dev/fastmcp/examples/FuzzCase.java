package dev.fastmcp.examples;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One generated request of a fuzz campaign, with what it needs to be replayed: the campaign, seed and case number
 * ({@code -Dfuzz.seed=<seed> -Dfuzz.case=<number>} runs that case alone), and the exact bytes sent.
 *
 * @param campaign which generator made it (and against which server)
 * @param rpcMethod the JSON-RPC method inside, when there is one (for grouping the findings)
 * @param wellFramed whether the bytes are a correctly framed HTTP/1.1 request (then it must get a full answer)
 * @param overLimit whether the body (or its announced length) is over the server's request size limit
 */
record FuzzCase(String campaign, long seed, int number, String method, String target,
        List<Map.Entry<String, String>> headers, byte[] body, byte[] wire, int source, boolean halfClose,
        boolean wellFramed, boolean overLimit, String rpcMethod) {

    private static final Pattern BROKEN_ESCAPE = Pattern.compile("%(?![0-9A-Fa-f]{2})");

    static FuzzCase of(String campaign, long seed, int number, String method, String target,
            List<Map.Entry<String, String>> headers, byte[] body, int source, String rpcMethod, boolean overLimit) {
        return new FuzzCase(campaign, seed, number, method, target, headers, body,
                FuzzHttp.wire(method, target, headers, body), source, false, true, overLimit, rpcMethod);
    }

    /** The path without its query. */
    String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    /** The size of the request head (request line and headers). */
    int headBytes() {
        for (int i = 0; i + 3 < wire.length; i++) {
            if (wire[i] == '\r' && wire[i + 1] == '\n' && wire[i + 2] == '\r' && wire[i + 3] == '\n') {
                return i + 4;
            }
        }
        return wire.length;
    }

    /** Whether the request target holds a {@code %} that does not start a valid escape. */
    boolean brokenEscape() {
        return BROKEN_ESCAPE.matcher(target).find();
    }

    /** Whether the case's bytes contain {@code text} (then a response echoing it is no leak of ours). */
    boolean sends(String text) {
        return new String(wire, StandardCharsets.ISO_8859_1).contains(text)
                || new String(wire, StandardCharsets.UTF_8).contains(text);
    }

    /** A replayable description: seed, case, and the request as a Java string literal of its exact bytes. */
    String reproducer() {
        StringBuilder s = new StringBuilder();
        s.append("  replay: -Dfuzz.seed=").append(seed).append(" -Dfuzz.case=").append(number)
                .append(" (campaign ").append(campaign).append(", case #").append(number).append(")\n");
        s.append("  request: ").append(method).append(' ').append(literal(target, 400)).append('\n');
        if (headers != null) {
            for (Map.Entry<String, String> h : headers) {
                boolean token = h.getKey().equalsIgnoreCase("Authorization");
                s.append("    ").append(literal(h.getKey(), 100)).append(": ")
                        .append(literal(h.getValue(), token ? 40 : 300)).append('\n');
            }
        }
        if (body != null) {
            s.append("  body (").append(body.length).append(" bytes): ")
                    .append(literal(new String(body, StandardCharsets.UTF_8), 1500)).append('\n');
        }
        if (!wellFramed || body == null && headers == null) {
            s.append("  wire (").append(wire.length).append(" bytes")
                    .append(halfClose ? ", then the sending side shut" : "").append("): ")
                    .append(literal(new String(wire, StandardCharsets.ISO_8859_1), 1500)).append('\n');
        }
        return s.toString();
    }

    /** {@code text} as a Java string literal, cut after {@code max} characters (with the full length said). */
    static String literal(String text, int max) {
        StringBuilder s = new StringBuilder("\"");
        int n = Math.min(text.length(), max);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> s.append("\\r");
                case '\n' -> s.append("\\n");
                case '\t' -> s.append("\\t");
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
        if (text.length() > max) {
            s.append(" ... (").append(text.length()).append(" chars in all");
            int distinct = (int) text.chars().distinct().count();
            if (distinct <= 2) {
                s.append(", the rest repeats the same characters");
            }
            s.append(')');
        }
        return s.toString();
    }
}
