package dev.fastmcp.server;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/** The one JSON mapper of the server (the SDK's), and JSON-RPC parsing with errors in the protocol's shape. */
public final class Json {

    public static final McpJsonMapper MAPPER = new ParamsMapper(McpJsonDefaults.getMapper());
    /** The SDK's schema validator, made on first use, checking each schema against the meta-schema once. */
    public static final JsonSchemaValidator SCHEMAS = new CheckedSchemas();

    static final TypeRef<Map<String, Object>> MAP = new TypeRef<>() {
    };
    /**
     * Reads a message as plain JSON values, with the SDK's mapper's settings (its default mapper is Jackson's
     * shared one); made once, where the SDK's mapper resolves the target type again on every read.
     */
    private static final ObjectReader MESSAGE = JsonMapper.shared().readerFor(Object.class);

    private Json() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String string(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Map<String, Object> parseObject(String json, String what) {
        try {
            return MAPPER.readValue(json, MAP);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Invalid JSON for " + what + ": " + firstLine(e.getMessage()));
        }
    }

    /**
     * Parses one JSON-RPC message.
     *
     * @throws JsonRpcException with -32700 for malformed JSON and -32600 for anything that is not a single
     *                          JSON-RPC 2.0 message (batches included)
     */
    public static McpSchema.JSONRPCMessage parseMessage(byte[] body) {
        Object tree;
        try {
            tree = MESSAGE.readValue(body);
        } catch (RuntimeException e) { // Jackson 3 throws unchecked JacksonException
            throw new JsonRpcException(400, null, McpSchema.ErrorCodes.PARSE_ERROR,
                    "Parse error: the body is not valid JSON");
        }
        if (tree instanceof List) {
            throw new JsonRpcException(400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: JSON-RPC batches are not supported; send one message per request");
        }
        if (!(tree instanceof Map<?, ?> raw)) {
            throw new JsonRpcException(400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: expected a JSON-RPC 2.0 message object");
        }
        @SuppressWarnings("unchecked") // a JSON object read as a plain value: its keys are strings
        Map<String, Object> map = (Map<String, Object>) raw;
        Object id = map.get("id");
        if (!"2.0".equals(map.get("jsonrpc"))) {
            throw new JsonRpcException(400, validId(id), McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: \"jsonrpc\" must be \"2.0\"");
        }
        if (id != null && !validIdType(id)) {
            throw new JsonRpcException(400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: \"id\" must be a string or a number");
        }
        if (map.containsKey("id") && id == null && map.containsKey("method")) {
            throw new JsonRpcException(400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: \"id\" must not be null; omit it for a notification");
        }
        try {
            if (map.containsKey("method")) {
                if (!(map.get("method") instanceof String)) {
                    throw new JsonRpcException(400, id, McpSchema.ErrorCodes.INVALID_REQUEST,
                            "Invalid Request: \"method\" must be a string");
                }
                if (map.containsKey("params") && !(map.get("params") instanceof Map) && map.get("params") != null) {
                    throw new JsonRpcException(400, id, McpSchema.ErrorCodes.INVALID_REQUEST,
                            "Invalid Request: \"params\" must be an object");
                }
                // Built from the parsed tree as it is, checked above: converting it again copied the params whole.
                String method = (String) map.get("method");
                Object params = map.get("params");
                return id != null ? new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, method, id, params)
                        : new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, method, params);
            }
            if (map.containsKey("result") || map.containsKey("error")) {
                return MAPPER.convertValue(map, McpSchema.JSONRPCResponse.class);
            }
        } catch (JsonRpcException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new JsonRpcException(400, id, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "Invalid Request: the message does not match the JSON-RPC 2.0 shape");
        }
        throw new JsonRpcException(400, id, McpSchema.ErrorCodes.INVALID_REQUEST,
                "Invalid Request: a message needs a \"method\", a \"result\" or an \"error\"");
    }

    /** A JSON-RPC error envelope; {@code id} may be null when the request's id is unknown. */
    public static Map<String, Object> errorEnvelope(Object id, int code, String message) {
        return errorEnvelope(id, code, message, null);
    }

    /** A JSON-RPC error envelope whose error carries {@code data}, left out when null. */
    public static Map<String, Object> errorEnvelope(Object id, int code, String message, Object data) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("code", code);
        error.put("message", message);
        if (data != null) {
            error.put("data", data);
        }
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("jsonrpc", "2.0");
        envelope.put("id", id);
        envelope.put("error", error);
        return envelope;
    }

    /** Whether a failure of request handling comes from params the server could not read as their type. */
    public static boolean isInvalidParams(Throwable error) {
        return error instanceof IllegalArgumentException || error instanceof ClassCastException
                || error instanceof tools.jackson.core.JacksonException;
    }

    private static Object validId(Object id) {
        return validIdType(id) ? id : null;
    }

    private static boolean validIdType(Object id) {
        return id instanceof String || id instanceof Number;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
