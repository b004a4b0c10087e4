package dev.fastmcp.testing;

/**
 * A test client could not connect: the server refused its credentials (or their absence), or did not answer
 * {@code initialize}. Over HTTP, {@link #refusal()} is the HTTP refusal with its challenge.
 */
public final class ConnectionRefusedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient HttpRefusal refusal;

    ConnectionRefusedException(String message, HttpRefusal refusal, Throwable cause) {
        super(message, cause);
        this.refusal = refusal;
    }

    /** The server's HTTP refusal (401 or 403, with its {@code WWW-Authenticate}); null in memory, or for another failure. */
    public HttpRefusal refusal() {
        return refusal;
    }
}
