package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the most common reply of all, a {@code tools/call} result of text content, without Jackson: the bytes
 * Jackson writes for it (compared in {@code ToolRepliesTest}), where Jackson serializes the SDK's records by
 * introspection, the largest share of a tool thread's time under load. Anything else (structured content,
 * metadata, annotations, other content, an id that is not a string or an integer, a string with a surrogate) gets
 * null, and goes to Jackson. {@code ToolRepliesTest} also fails if the SDK adds a component to these records.
 */
final class ToolReplies {

    private static final byte[] HEAD = ascii("{\"jsonrpc\":\"2.0\",\"id\":");
    private static final byte[] RESULT = ascii(",\"result\":{\"content\":[");
    private static final byte[] TEXT = ascii("{\"type\":\"text\",\"text\":");
    private static final byte[] ERROR_FALSE = ascii("],\"isError\":false}}");
    private static final byte[] ERROR_TRUE = ascii("],\"isError\":true}}");
    private static final byte[] END = ascii("]}}");
    private static final byte[] HEX = ascii("0123456789ABCDEF");

    private ToolReplies() {
    }

    /** The JSON of {@code value}, or null when it is not a reply this class writes. */
    static byte[] bytes(Object value) {
        if (!(value instanceof McpSchema.JSONRPCResponse response) || response.error() != null
                || !"2.0".equals(response.jsonrpc())
                || !(response.result() instanceof McpSchema.CallToolResult result)
                || result.structuredContent() != null || result.meta() != null || result.content() == null) {
            return null;
        }
        List<McpSchema.Content> content = result.content();
        for (McpSchema.Content c : content) {
            if (!(c instanceof McpSchema.TextContent text) || text.annotations() != null || text.meta() != null
                    || text.text() == null) {
                return null;
            }
        }
        Out out = new Out(128);
        out.raw(HEAD);
        Object id = response.id();
        if (id instanceof Integer || id instanceof Long) {
            out.raw(id.toString());
        } else if (!(id instanceof String s) || !out.string(s)) {
            return null;
        }
        out.raw(RESULT);
        for (int i = 0; i < content.size(); i++) {
            if (i > 0) {
                out.add((byte) ',');
            }
            out.raw(TEXT);
            if (!out.string(((McpSchema.TextContent) content.get(i)).text())) {
                return null;
            }
            out.add((byte) '}');
        }
        Boolean isError = result.isError();
        out.raw(isError == null ? END : isError ? ERROR_TRUE : ERROR_FALSE);
        return out.toBytes();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A growing byte buffer with JSON's string escapes, as Jackson writes them. */
    private static final class Out {
        private byte[] buf;
        private int len;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        void add(byte b) {
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            buf[len++] = b;
        }

        void raw(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, len, bytes.length);
            len += bytes.length;
        }

        void raw(String ascii) {
            ensure(ascii.length());
            for (int i = 0; i < ascii.length(); i++) {
                buf[len++] = (byte) ascii.charAt(i);
            }
        }

        /** Writes {@code s} quoted; false (and nothing usable) when it holds a surrogate. */
        boolean string(String s) {
            ensure(s.length() + 2);
            buf[len++] = '"';
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                    add((byte) c);
                } else if (c < 0x80) {
                    escape(c);
                } else if (c < 0x800) {
                    add((byte) (0xC0 | (c >> 6)));
                    add((byte) (0x80 | (c & 0x3F)));
                } else if (Character.isSurrogate(c)) {
                    return false;
                } else {
                    add((byte) (0xE0 | (c >> 12)));
                    add((byte) (0x80 | ((c >> 6) & 0x3F)));
                    add((byte) (0x80 | (c & 0x3F)));
                }
            }
            add((byte) '"');
            return true;
        }

        private void escape(char c) {
            add((byte) '\\');
            switch (c) {
                case '"' -> add((byte) '"');
                case '\\' -> add((byte) '\\');
                case '\n' -> add((byte) 'n');
                case '\r' -> add((byte) 'r');
                case '\t' -> add((byte) 't');
                case '\b' -> add((byte) 'b');
                case '\f' -> add((byte) 'f');
                default -> {
                    add((byte) 'u');
                    add((byte) '0');
                    add((byte) '0');
                    add(HEX[c >> 4]);
                    add(HEX[c & 0xF]);
                }
            }
        }

        private void ensure(int more) {
            if (len + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
            }
        }

        byte[] toBytes() {
            return Arrays.copyOf(buf, len);
        }
    }
}
