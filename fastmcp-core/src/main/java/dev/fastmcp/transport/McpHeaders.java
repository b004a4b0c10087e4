package dev.fastmcp.transport;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.server.LogValues;
import dev.fastmcp.server.ModernProtocol;
import dev.fastmcp.server.ModernRequest;
import dev.fastmcp.server.Tasks;
import io.modelcontextprotocol.spec.McpSchema;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The standard request headers of MCP 2026-07-28 (SEP-2243), which repeat what the body says so that the HTTP
 * edge can route and authorize without reading it: {@code Mcp-Method} on every request, {@code Mcp-Name} for
 * calls, reads, prompts and tasks, {@code Mcp-Param-*} for the tool parameters marked {@code x-mcp-header}. A header
 * that is missing, malformed or differs from the body is refused with 400 and -32020. Values are trimmed of
 * surrounding blanks; {@code =?base64?...?=} values are decoded strictly (UTF-8, padded Base64).
 */
final class McpHeaders {

    static final String VERSION = "mcp-protocol-version";
    static final String METHOD = "mcp-method";
    static final String NAME = "mcp-name";
    static final String PARAM = "mcp-param-";
    private static final String PREFIX = "=?base64?";
    private static final String SUFFIX = "?=";

    private McpHeaders() {
    }

    /**
     * What {@code Mcp-Name} carries for {@code method}: the body field, or null when the method has none. The methods
     * of the tasks extension name their task, so that a load balancer can send them where it is kept.
     */
    static String nameField(String method) {
        return switch (method) {
            case McpSchema.METHOD_TOOLS_CALL, McpSchema.METHOD_PROMPT_GET -> "name";
            case McpSchema.METHOD_RESOURCES_READ -> "uri";
            default -> Tasks.handles(method) ? "taskId" : null;
        };
    }

    /** The decoded {@code Mcp-Name} of a request, to decide access before its body is read; null when unusable. */
    static String name(ServerRequest http) {
        return decodedOrNull(http.header(NAME));
    }

    /** {@code raw} {@link #decode decoded}; null when absent or not decodable. */
    static String decodedOrNull(String raw) {
        try {
            return raw == null ? null : decode(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Checks {@code Mcp-Method}, and {@code Mcp-Name} where the method names something, against the body. */
    static void checkRouting(ServerRequest http, ModernRequest request) {
        String method = value(http, METHOD, "Mcp-Method", request.id());
        if (!method.equals(request.method())) {
            throw mismatch(request.id(), "Mcp-Method", method, request.method());
        }
        String field = nameField(request.method());
        if (field != null) {
            String name = value(http, NAME, "Mcp-Name", request.id());
            Object body = request.params().get(field);
            if (!name.equals(body)) {
                throw mismatch(request.id(), "Mcp-Name", name, body);
            }
        }
    }

    /**
     * Checks the {@code Mcp-Param-*} headers a tool asks for: each argument present (and not null) must come with
     * its header, equal to it (integers compared as numbers).
     *
     * @param headers header names (without the prefix) to the path of their argument
     */
    static void checkParams(ServerRequest http, Object id, Map<String, List<String>> headers,
            Map<String, Object> arguments) {
        headers.forEach((header, path) -> {
            Object argument = at(arguments, path);
            if (argument == null) {
                return;
            }
            String value = value(http, PARAM + header.toLowerCase(Locale.ROOT), "Mcp-Param-" + header, id);
            if (!same(argument, value)) {
                throw mismatch(id, "Mcp-Param-" + header, value, argument);
            }
        });
    }

    /**
     * A header value as the client meant it: trimmed, decoded when wrapped in {@code =?base64?...?=}.
     *
     * @throws IllegalArgumentException for invalid Base64 or UTF-8, or characters a literal value cannot have
     */
    static String decode(String raw) {
        String value = raw.strip();
        if (value.length() >= PREFIX.length() + SUFFIX.length() && value.startsWith(PREFIX)
                && value.endsWith(SUFFIX)) {
            String encoded = value.substring(PREFIX.length(), value.length() - SUFFIX.length());
            if (encoded.length() % 4 != 0) {
                throw new IllegalArgumentException("Base64 without its padding");
            }
            byte[] bytes = Base64.getDecoder().decode(encoded);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("Base64 of invalid UTF-8");
            }
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c > 0x7e) {
                throw new IllegalArgumentException("a character outside visible ASCII; encode it as =?base64?...?=");
            }
        }
        return value;
    }

    private static String value(ServerRequest http, String header, String display, Object id) {
        String raw = http.header(header);
        if (raw == null) {
            throw ModernProtocol.headerMismatch(id, "Missing required header: " + display);
        }
        try {
            return decode(raw);
        } catch (IllegalArgumentException e) {
            throw ModernProtocol.headerMismatch(id, "Invalid header " + display + ": " + e.getMessage());
        }
    }

    private static Object at(Map<String, Object> arguments, List<String> path) {
        Object value = arguments;
        for (String key : path) {
            if (!(value instanceof Map<?, ?> map)) {
                return null;
            }
            value = map.get(key);
        }
        return value;
    }

    private static boolean same(Object argument, String header) {
        if (argument instanceof Number number) {
            try {
                return new BigDecimal(header).compareTo(new BigDecimal(number.toString())) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return header.equals(String.valueOf(argument));
    }

    private static RuntimeException mismatch(Object id, String header, String value, Object body) {
        return ModernProtocol.headerMismatch(id, "Header mismatch: " + header + " header value '"
                + LogValues.safe(value) + "' does not match body value '" + LogValues.safe(body) + "'");
    }
}
