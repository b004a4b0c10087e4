package dev.fastmcp.auth;

/** A discovery document could not be fetched or read; the message says which URL and why. */
public final class DiscoveryException extends RuntimeException {

    /** A failure described by {@code message}, which names the document's URL and what is wrong with it. */
    public DiscoveryException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
