package dev.fastmcp.auth.proxy;

/**
 * An OAuth error answered to a client in the RFC 6749 shape {@code {"error", "error_description"}}. The
 * description is always our own text: upstream error text and exception messages never go into it.
 */
final class OAuthError extends Exception {

    private static final long serialVersionUID = 1L;

    final String error;
    final String description;
    final int status;

    OAuthError(String error, String description, int status) {
        super(error + ": " + description, null, false, false);
        this.error = error;
        this.description = description;
        this.status = status;
    }

    static OAuthError invalidRequest(String description) {
        return new OAuthError("invalid_request", description, 400);
    }

    static OAuthError invalidGrant(String description) {
        return new OAuthError("invalid_grant", description, 400);
    }

    static OAuthError invalidClient(String description) {
        return new OAuthError("invalid_client", description, 401);
    }

    static OAuthError invalidTarget(String description) {
        return new OAuthError("invalid_target", description, 400);
    }

    static OAuthError temporarilyUnavailable() {
        return new OAuthError("temporarily_unavailable",
                "The identity provider could not be reached; try again later", 503);
    }
}
