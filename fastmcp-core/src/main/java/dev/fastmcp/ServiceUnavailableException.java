package dev.fastmcp;

import java.time.Duration;

/**
 * Thrown when something the server depends on to answer safely cannot be reached (a shared storage that is down):
 * the request is answered 503 with {@code Retry-After}, never 500, and never as if the caller were at fault (a 401
 * would send a client to sign in again, against the same outage). A token verifier that cannot check revocation
 * throws it rather than accept the token: the server fails closed.
 */
public class ServiceUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    /**
     * @param message    what is unavailable, for logs; never shown to the client
     * @param retryAfter when the client may try again, sent as {@code Retry-After} in whole seconds (at least 1)
     */
    public ServiceUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter == null || retryAfter.getSeconds() < 1 ? Duration.ofSeconds(1) : retryAfter;
    }

    /** When the client may try again. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The {@code Retry-After} header value: whole seconds, at least 1. */
    public String retryAfterHeader() {
        return Long.toString(Math.max(1, retryAfter.getSeconds()));
    }
}
