package dev.fastmcp.redis;

import dev.fastmcp.auth.storage.StorageUnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Redis is reachable, as the last operations saw it: one line is logged when it becomes unreachable and one
 * when it is back, however many requests fail in between.
 */
final class Outage {

    private static final Logger LOG = LoggerFactory.getLogger(RedisTokenStorage.class);

    private final String endpoint;
    private final Duration retryAfter;
    private final Runnable onOutage;
    /** When the current outage began (milliseconds since the epoch); 0 while Redis is reachable. */
    private final AtomicLong since = new AtomicLong();

    /** @param onOutage run at each failure to reach Redis (dropping the pooled connections it broke) */
    Outage(String endpoint, Duration retryAfter, Runnable onOutage) {
        this.endpoint = endpoint;
        this.retryAfter = retryAfter;
        this.onOutage = onOutage;
    }

    /** An operation reached Redis. */
    void reached() {
        if (since.get() == 0) {
            return;
        }
        long began = since.getAndSet(0);
        if (began != 0) {
            LOG.info("Redis at {} is reachable again, after {} s: OAuth requests and tokens are served again",
                    endpoint, Math.max(0, (System.currentTimeMillis() - began) / 1000));
        }
    }

    /** An operation could not reach Redis: the exception to throw. */
    StorageUnavailableException unreachable(Exception cause) {
        if (since.compareAndSet(0, System.currentTimeMillis())) {
            LOG.error("Redis at {} is unreachable ({}): requests that need it are answered 503 and no token is "
                    + "accepted until it is back; retrying on every request", endpoint, describe(cause));
        }
        try {
            onOutage.run();
        } catch (RuntimeException e) {
            // dropping connections is best effort; the pool replaces broken ones anyway
        }
        return new StorageUnavailableException("Redis at " + endpoint + " is unreachable", retryAfter, cause);
    }

    /** Whether an outage is under way. */
    boolean down() {
        return since.get() != 0;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
