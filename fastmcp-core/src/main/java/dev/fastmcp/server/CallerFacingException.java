package dev.fastmcp.server;

/**
 * An {@link IllegalStateException} the server throws into user code, whose message is the server's own words,
 * written for the caller: the client did not declare a capability the code asks it for, the server is stateless, the
 * request is not authenticated. Unlike other exceptions its message reaches the client when the code lets it pass
 * (see {@link Failures}), since it says what the caller can change and holds nothing of the server's internals.
 */
public final class CallerFacingException extends IllegalStateException {

    public CallerFacingException(String message) {
        super(message);
    }
}
