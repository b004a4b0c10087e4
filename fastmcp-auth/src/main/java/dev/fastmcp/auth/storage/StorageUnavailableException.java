package dev.fastmcp.auth.storage;

import dev.fastmcp.ServiceUnavailableException;
import java.time.Duration;

/**
 * Thrown by a {@link TokenStorage} that cannot reach where it keeps its entries (a Redis server that is down): the
 * operation did not happen, and may be retried once the storage is back. Requests that needed it are answered 503
 * with {@code Retry-After}; tokens are not accepted meanwhile, since their revocation cannot be checked.
 */
public class StorageUnavailableException extends ServiceUnavailableException {

    /** @param message what could not be reached, for logs: never a key or a value */
    public StorageUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, retryAfter, cause);
    }
}
