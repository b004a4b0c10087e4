package dev.fastmcp;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The live sessions: a cap on their number, and expiry of the idle ones. */
final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    private final ConcurrentHashMap<String, SessionEntry> map = new ConcurrentHashMap<>();
    private final int max;
    private final Duration idleTimeout;
    private final ScheduledExecutorService sweeper;

    Sessions(int max, Duration idleTimeout) {
        this.max = max;
        this.idleTimeout = idleTimeout;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fastmcp-session-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(60, idleTimeout.toSeconds() / 2));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.SECONDS);
    }

    /** Whether one more session fits, after expiring idle ones if needed (checked again, atomically, by add). */
    boolean hasRoom() {
        if (map.size() < max) {
            return true;
        }
        sweep();
        return map.size() < max;
    }

    /** Adds a session unless the cap is reached; false when it is. */
    synchronized boolean add(SessionEntry entry) {
        if (!hasRoom()) {
            return false;
        }
        map.put(entry.id(), entry);
        return true;
    }

    SessionEntry get(String id) {
        return id == null ? null : map.get(id);
    }

    SessionEntry remove(String id) {
        return map.remove(id);
    }

    Collection<SessionEntry> all() {
        return List.copyOf(map.values());
    }

    int size() {
        return map.size();
    }

    void sweep() {
        long limit = idleTimeout.toNanos();
        for (SessionEntry entry : map.values()) {
            if (!entry.busy() && entry.idleNanos() > limit && map.remove(entry.id(), entry)) {
                LOG.debug("Session {} expired after {} idle", entry.id(), idleTimeout);
                close(entry);
            }
        }
    }

    void closeAll() {
        sweeper.shutdownNow();
        for (SessionEntry entry : map.values()) {
            map.remove(entry.id());
            close(entry);
        }
    }

    static void close(SessionEntry entry) {
        entry.inflight.values().forEach(RequestScope::cancel);
        entry.sdk.closeGracefully().onErrorComplete().subscribe();
        List.copyOf(entry.streams.values()).forEach(SseStream::finish);
    }
}
