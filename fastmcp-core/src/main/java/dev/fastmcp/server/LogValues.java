package dev.fastmcp.server;

/**
 * Values from a request made safe to log: control characters (CR and LF above all, which would let a client
 * forge log lines) and Unicode line separators are escaped, and long values are cut.
 */
public final class LogValues {

    /** The most characters of one value written to the log. */
    static final int MAX_CHARS = 200;

    private LogValues() {
    }

    /** {@code value} as text fit for one log line; "null" for null. */
    public static String safe(Object value) {
        return escaped(String.valueOf(value), MAX_CHARS);
    }

    /**
     * A JSON tree (maps, lists, strings, numbers) with control characters escaped in every string and key, for
     * client values that the SDK logs as they are (the params of {@code initialize}); nothing is cut.
     */
    static Object scrubbed(Object tree) {
        if (tree instanceof String s) {
            return escaped(s, Integer.MAX_VALUE);
        }
        if (tree instanceof java.util.Map<?, ?> map) {
            java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> out.put(escaped(String.valueOf(k), Integer.MAX_VALUE), scrubbed(v)));
            return out;
        }
        if (tree instanceof java.util.List<?> list) {
            return list.stream().map(LogValues::scrubbed).toList();
        }
        return tree;
    }

    private static String escaped(String text, int maxChars) {
        int limit = Math.min(text.length(), maxChars);
        StringBuilder out = null;
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            boolean unsafe = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (unsafe && out == null) {
                out = new StringBuilder(limit + 16).append(text, 0, i);
            }
            if (out != null) {
                if (unsafe) {
                    out.append(escape(c));
                } else {
                    out.append(c);
                }
            }
        }
        String safe = out == null ? text.substring(0, limit) : out.toString();
        return text.length() > limit ? safe + "...(" + text.length() + " chars)" : safe;
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> String.format("\\u%04x", (int) c);
        };
    }
}
