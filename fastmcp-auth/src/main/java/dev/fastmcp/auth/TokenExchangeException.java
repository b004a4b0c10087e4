package dev.fastmcp.auth;

/**
 * A token exchange that gave no token: the authorization server refused it (its OAuth {@link #error()}, such as
 * {@code invalid_grant} or {@code invalid_target}), or could not be reached. The message never holds a token.
 */
public final class TokenExchangeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String error;

    TokenExchangeException(String message, String error) {
        super(message, null, false, false);
        this.error = error;
    }

    /** The OAuth error code the authorization server answered; null when it could not be reached. */
    public String error() {
        return error;
    }
}
