package dev.fastmcp;

/**
 * An error meant for the model or the user: thrown by a tool, it becomes an {@code isError} result carrying
 * exactly this message (and, if given, structured content), with nothing logged as a server failure.
 */
public class UserError extends RuntimeException {

    private final transient Object structuredContent;

    /** An error with a message shown to the caller as is. */
    public UserError(String message) {
        this(message, null);
    }

    /** An error with a message and structured details returned as the result's {@code structuredContent}. */
    public UserError(String message, Object structuredContent) {
        super(message, null, false, false);
        this.structuredContent = structuredContent;
    }

    /** The structured details, or null. */
    public Object structuredContent() {
        return structuredContent;
    }
}
