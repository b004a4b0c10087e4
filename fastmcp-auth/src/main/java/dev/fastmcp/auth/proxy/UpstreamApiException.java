package dev.fastmcp.auth.proxy;

/**
 * A call to the identity provider's API failed, or its answer did not identify a user. The message is logged on
 * the server and never sent to clients, so it must not contain tokens.
 */
public final class UpstreamApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean tokenRejected;

    /**
     * @param message       what failed, for the server log
     * @param tokenRejected whether the identity provider refused the token itself (HTTP 401): the sign-in has
     *                      ended upstream
     */
    public UpstreamApiException(String message, boolean tokenRejected) {
        super(message, null, false, false);
        this.tokenRejected = tokenRejected;
    }

    /** Whether the identity provider refused the token (revoked or expired), rather than failing for another reason. */
    public boolean tokenRejected() {
        return tokenRejected;
    }
}
