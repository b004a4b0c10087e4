package dev.fastmcp;

/**
 * The server's authentication refused the credentials of an in-memory connection ({@link FastMCP#connectInMemory}),
 * as it would have refused those of an HTTP request: with its status and challenge.
 */
public final class CredentialsRefusedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String wwwAuthenticate;

    /**
     * @param message         what was refused, and the fix
     * @param status          the HTTP status the refusal would have had: 401, or 403 for missing server-wide scopes
     * @param wwwAuthenticate the challenge it would have carried; null when none
     */
    public CredentialsRefusedException(String message, int status, String wwwAuthenticate) {
        super(message);
        this.status = status;
        this.wwwAuthenticate = wwwAuthenticate;
    }

    /** The HTTP status the refusal would have had: 401, or 403 for missing server-wide scopes. */
    public int status() {
        return status;
    }

    /** The {@code WWW-Authenticate} challenge it would have carried; null when none. */
    public String wwwAuthenticate() {
        return wwwAuthenticate;
    }
}
