package dev.fastmcp.auth;

/** A discovery document could not be fetched or read; the message says which URL and why. */
public final class DiscoveryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The HTTP status the document's URL answered with; 0 when none came (a network failure, a bad body). */
    final int status;

    /** A failure described by {@code message}, which names the document's URL and what is wrong with it. */
    public DiscoveryException(String message) {
        this(message, 0);
    }

    DiscoveryException(String message, int status) {
        super(message);
        this.status = status;
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }
}
