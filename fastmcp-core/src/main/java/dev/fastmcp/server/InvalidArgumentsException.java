package dev.fastmcp.server;

/**
 * Thrown when MCP tool arguments cannot be bound to a tool's parameter record.
 *
 * <p>The message is written for the caller (a model or a person): it names the offending argument
 * and says what was wrong in plain words, e.g. {@code Missing required argument 'name'}. It never
 * contains parser class names or stack traces, so it is safe to return as a tool error.
 */
final class InvalidArgumentsException extends RuntimeException {

    InvalidArgumentsException(String message) {
        super(message);
    }

    InvalidArgumentsException(String message, Throwable cause) {
        super(message, cause);
    }
}
