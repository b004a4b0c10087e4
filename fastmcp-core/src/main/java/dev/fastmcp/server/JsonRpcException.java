package dev.fastmcp.server;

import java.util.Map;

/** A request refused before it reached the MCP session: an HTTP status, headers, and a JSON-RPC error. */
public final class JsonRpcException extends RuntimeException {

    private final int httpStatus;
    private final Object id;
    private final int code;
    private final Map<String, String> headers;
    private final Object data;

    public JsonRpcException(int httpStatus, Object id, int code, String message) {
        this(httpStatus, id, code, message, Map.of());
    }

    public JsonRpcException(int httpStatus, Object id, int code, String message, Map<String, String> headers) {
        this(httpStatus, id, code, message, null, headers);
    }

    /** A refusal whose JSON-RPC error carries {@code data} (may be null). */
    public JsonRpcException(int httpStatus, Object id, int code, String message, Object data,
            Map<String, String> headers) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.id = id;
        this.code = code;
        this.data = data;
        this.headers = Map.copyOf(headers);
    }

    /**
     * The 503 of a request the server cannot answer safely now (a storage shared by the instances is unreachable):
     * the client retries after {@code cause}'s delay.
     */
    public static JsonRpcException unavailable(Object id, dev.fastmcp.ServiceUnavailableException cause) {
        return new JsonRpcException(503, id, io.modelcontextprotocol.spec.McpSchema.ErrorCodes.INTERNAL_ERROR,
                "Service unavailable: the server cannot answer this request at the moment; retry later",
                Map.of("Retry-After", cause.retryAfterHeader()));
    }

    /** The HTTP status to answer with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The id of the refused request; null when unknown. */
    public Object id() {
        return id;
    }

    /** The JSON-RPC error code. */
    public int code() {
        return code;
    }

    /** Headers to answer with besides the content type, such as a {@code WWW-Authenticate} challenge. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The JSON-RPC error's {@code data}, or null. */
    public Object data() {
        return data;
    }

    /** The JSON-RPC error envelope, as JSON. */
    public byte[] body() {
        return Json.bytes(Json.errorEnvelope(id, code, getMessage(), data));
    }
}
