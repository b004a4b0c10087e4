package dev.fastmcp.auth.storage;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a storage's {@code cleanup()} periodically on one daemon thread until closed. */
final class StorageSweeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageSweeper.class);

    private final ScheduledExecutorService executor;

    /**
     * @param intervalMs the period; 0 starts nothing (cleanup then happens only when called)
     */
    StorageSweeper(String owner, long intervalMs, IntSupplier cleanup) {
        if (intervalMs < 0) {
            throw new IllegalArgumentException("cleanupIntervalMs must be positive, or 0 to turn the periodic "
                    + "cleanup off; got " + intervalMs);
        }
        if (intervalMs == 0) {
            executor = null;
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "fastmcp-" + owner + "-cleanup");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                int removed = cleanup.getAsInt();
                if (removed > 0) {
                    LOG.debug("{} cleanup removed {} expired entries", owner, removed);
                }
            } catch (IllegalStateException closed) {
                // closed between two runs; close() is shutting the executor down
            } catch (RuntimeException e) {
                // Keep the schedule alive: an exception would silently cancel every later run.
                LOG.warn("{} periodic cleanup failed; retrying at the next interval: {}", owner, e.toString());
            }
        }, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (executor != null) {
            executor.shutdown(); // cancels the schedule; a run in progress finishes
        }
    }
}
