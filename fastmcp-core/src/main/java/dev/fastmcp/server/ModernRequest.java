package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request of the modern path whose envelope passed: its {@code _meta} declares a served version and the
 * client's capabilities (and may carry the client's name and a log level), and, over HTTP, the version header
 * agrees with it.
 *
 * @param id           the JSON-RPC id
 * @param params       the params, never null
 * @param capabilities the client's capabilities as sent: an object keyed by capability
 * @param clientInfo   the client's name and version; null when not sent
 * @param logLevel     the level from which log messages are wanted; null for none at all
 */
public record ModernRequest(Object id, String method, Map<String, Object> params, Map<String, Object> capabilities,
        McpSchema.Implementation clientInfo, McpSchema.LoggingLevel logLevel) {

    /**
     * Checks the envelope of {@code request}, in the order the revision gives: {@code _meta} with the version
     * and the capabilities (400, -32602), the header equal to it (400, -32020), a served version (400, -32022).
     *
     * @param versionHeader the {@code MCP-Protocol-Version} header; null where there are no headers (stdio)
     * @throws JsonRpcException the refusal, echoing the request id
     */
    public static ModernRequest of(McpSchema.JSONRPCRequest request, String versionHeader) {
        Object id = request.id();
        Map<String, Object> params = new LinkedHashMap<>();
        if (request.params() instanceof Map<?, ?> p) {
            p.forEach((k, v) -> params.put(String.valueOf(k), v));
        }
        if (!(params.get("_meta") instanceof Map<?, ?> meta)) {
            throw invalid(id, "\"params._meta\" is required, with the protocol version (protocolVersion) and the "
                    + "client's capabilities (clientCapabilities)" + headerNote(versionHeader));
        }
        if (!(meta.get(ModernProtocol.PROTOCOL_VERSION) instanceof String version)) {
            throw invalid(id, "\"_meta\" must carry the protocol version (protocolVersion), a string"
                    + headerNote(versionHeader));
        }
        if (!(meta.get(ModernProtocol.CLIENT_CAPABILITIES) instanceof Map<?, ?> caps)) {
            throw invalid(id, "\"_meta\" must carry the client's capabilities (clientCapabilities), an object");
        }
        if (versionHeader != null && !versionHeader.strip().equals(version)) {
            throw ModernProtocol.headerMismatch(id, "Header mismatch: the MCP-Protocol-Version header '"
                    + LogValues.safe(versionHeader.strip()) + "' does not match _meta protocol version '"
                    + LogValues.safe(version) + "'");
        }
        if (!ModernProtocol.SUPPORTED.contains(version)) {
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("supported", ModernProtocol.SUPPORTED);
            data.put("requested", version);
            throw new JsonRpcException(400, id, ModernProtocol.UNSUPPORTED_VERSION, "Unsupported protocol version",
                    data, Map.of());
        }
        Map<String, Object> capabilities = new LinkedHashMap<>();
        caps.forEach((k, v) -> capabilities.put(String.valueOf(k), v));
        return new ModernRequest(id, request.method(), params, java.util.Collections.unmodifiableMap(capabilities),
                clientInfo(id, meta.get(ModernProtocol.CLIENT_INFO)), logLevel(id, meta.get(ModernProtocol.LOG_LEVEL)));
    }

    /** The request's {@code _meta}. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> meta() {
        return (Map<String, Object>) params.get("_meta");
    }

    /** The progress token of {@code _meta}, or null. */
    public Object progressToken() {
        return meta().get("progressToken");
    }

    /** Whether the client declared {@code capability} (a top-level key of its capabilities). */
    public boolean declares(String capability) {
        return capabilities.get(capability) instanceof Map;
    }

    /** Whether the client declared the extension {@code id} (a key of its capabilities' {@code extensions}). */
    public boolean declaresExtension(String id) {
        return capabilities.get("extensions") instanceof Map<?, ?> extensions && extensions.get(id) instanceof Map;
    }

    /** The capabilities, as the SDK types them; null when they cannot be read so. */
    McpSchema.ClientCapabilities clientCapabilities() {
        try {
            return Json.MAPPER.convertValue(LogValues.scrubbed(capabilities), McpSchema.ClientCapabilities.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static McpSchema.Implementation clientInfo(Object id, Object value) {
        if (value == null) {
            return null;
        }
        try {
            McpSchema.Implementation info = Json.MAPPER.convertValue(LogValues.scrubbed(value),
                    McpSchema.Implementation.class);
            if (info != null && info.name() != null) {
                return info;
            }
        } catch (RuntimeException e) {
            // answered below
        }
        throw invalid(id, "the client's name in \"_meta\" (clientInfo) must be an object with name and version");
    }

    private static McpSchema.LoggingLevel logLevel(Object id, Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String level && RequestParams.LOGGING_LEVELS.contains(level)) {
            return McpSchema.LoggingLevel.fromValue(level);
        }
        throw invalid(id, "the log level in \"_meta\" (logLevel) must be one of "
                + String.join(", ", RequestParams.LOGGING_LEVELS));
    }

    private static String headerNote(String versionHeader) {
        return versionHeader == null ? "" : " (the request declares MCP-Protocol-Version "
                + LogValues.safe(versionHeader.strip()) + ")";
    }

    private static JsonRpcException invalid(Object id, String message) {
        return new JsonRpcException(400, id, McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: " + message);
    }
}
