package dev.fastmcp;

/** A request refused before it reached the MCP session: an HTTP status plus a JSON-RPC error. */
final class JsonRpcException extends RuntimeException {

    final int httpStatus;
    final Object id;
    final int code;

    JsonRpcException(int httpStatus, Object id, int code, String message) {
        super(message, null, false, false);
        this.httpStatus = httpStatus;
        this.id = id;
        this.code = code;
    }

    byte[] body() {
        return Json.bytes(Json.errorEnvelope(id, code, getMessage()));
    }
}
