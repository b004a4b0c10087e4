package dev.fastmcp;

import java.util.Map;

/** A request refused before it reached the MCP session: an HTTP status, headers, and a JSON-RPC error. */
final class JsonRpcException extends RuntimeException {

    final int httpStatus;
    final Object id;
    final int code;
    final Map<String, String> headers;

    JsonRpcException(int httpStatus, Object id, int code, String message) {
        this(httpStatus, id, code, message, Map.of());
    }

    JsonRpcException(int httpStatus, Object id, int code, String message, Map<String, String> headers) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.id = id;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    byte[] body() {
        return Json.bytes(Json.errorEnvelope(id, code, getMessage()));
    }
}
