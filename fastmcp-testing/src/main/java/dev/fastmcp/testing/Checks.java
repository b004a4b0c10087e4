package dev.fastmcp.testing;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** What the results' assertions share. They throw {@link AssertionError}, which every test framework reports. */
final class Checks {

    static final McpJsonMapper JSON = McpJsonDefaults.getMapper();

    private Checks() {
    }

    static ProtocolError protocolError(McpError e) {
        McpSchema.JSONRPCResponse.JSONRPCError error = e.getJsonRpcError();
        return error == null ? new ProtocolError(McpSchema.ErrorCodes.INTERNAL_ERROR, e.getMessage(), null)
                : new ProtocolError(error.code(), error.message(), error.data());
    }

    /** Fails when {@code what} was answered with a JSON-RPC error. */
    static void noProtocolError(String what, ProtocolError error) {
        if (error != null) {
            throw new AssertionError(what + " was answered with a JSON-RPC error instead of a result: " + error.code()
                    + " " + error.message() + (error.data() == null ? "" : " (" + error.data() + ")"));
        }
    }

    static void protocolErrorIs(String what, ProtocolError error, int code, String containing) {
        if (error == null) {
            throw new AssertionError("Expected " + what + " to be answered with JSON-RPC error " + code
                    + ", but it returned a result");
        }
        if (error.code() != code || (containing != null && !contains(error.message(), containing))) {
            throw new AssertionError("Expected " + what + " to be answered with JSON-RPC error " + code
                    + (containing == null ? "" : " containing '" + containing + "'") + ", but it was " + error.code()
                    + " " + error.message());
        }
    }

    /** The messages of {@code e} and its causes, each once, as one line. */
    static String causes(Throwable e) {
        java.util.LinkedHashSet<String> messages = new java.util.LinkedHashSet<>();
        for (Throwable t = e; t != null && messages.size() < 8; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                messages.add(t.getMessage().strip());
            }
        }
        return messages.isEmpty() ? e.getClass().getName() : String.join(": ", messages);
    }

    static boolean contains(String text, String part) {
        return text != null && text.contains(Objects.requireNonNull(part, "expected text == null"));
    }

    /** The texts of {@code content}, one per line. */
    static String texts(List<McpSchema.Content> content) {
        return content.stream().filter(c -> c instanceof McpSchema.TextContent)
                .map(c -> ((McpSchema.TextContent) c).text()).collect(Collectors.joining("\n"));
    }

    /** {@code value} as JSON would carry it (records and maps alike), to compare. */
    static Object asJson(Object value) {
        return value == null ? null : JSON.convertValue(value, Object.class);
    }

    static void equal(String what, Object expected, Object actual) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
        }
    }
}
