package dev.fastmcp.auth;

/** A discovery document could not be fetched or read; the message says which URL and why. */
public final class DiscoveryException extends RuntimeException {

    DiscoveryException(String message) {
        super(message);
    }

    DiscoveryException(String message, Throwable cause) {
        super(message, cause);
    }
}
