package dev.fastmcp.testing;

/**
 * A test client could not connect: the server refused its credentials (or their absence), or did not answer
 * {@code initialize}. {@link #refusal()} is the refusal with its status and challenge, in memory as over HTTP.
 */
public final class ConnectionRefusedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final transient HttpRefusal refusal;

    ConnectionRefusedException(String message, HttpRefusal refusal, Throwable cause) {
        super(message, cause);
        this.refusal = refusal;
    }

    /**
     * The server's refusal (401, or 403 for missing server-wide scopes, with its {@code WWW-Authenticate}; in memory
     * what an HTTP request would have got); null when the connection failed otherwise.
     */
    public HttpRefusal refusal() {
        return refusal;
    }
}
