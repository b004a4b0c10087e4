package dev.fastmcp.transport;

import dev.fastmcp.server.RequestScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live sessions: a cap on their number, a share of it for each subject and each OAuth client, and expiry of
 * the idle ones.
 *
 * <p>A subject (or client) at its share that opens one more session loses its least recently used idle session
 * for it, so it can never hold more than its share and never crowds out others; only when all of its sessions
 * are busy is the new one refused. Sessions without a subject (servers without authentication) count against the
 * global cap only, and those of tokens without a client against the subject's share only.
 */
final class Sessions {

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    /** Why a session was not added. */
    enum Refusal {
        SERVER_FULL, SUBJECT_FULL, CLIENT_FULL
    }

    private final ConcurrentHashMap<String, SessionEntry> map = new ConcurrentHashMap<>();
    // Guarded by this:
    private final Map<String, Set<SessionEntry>> bySubject = new HashMap<>();
    private final Map<String, Set<SessionEntry>> byClient = new HashMap<>();
    private final int max;
    private final int perSubject;
    private final int perClient;
    private final Duration idleTimeout;
    private final ScheduledExecutorService sweeper;

    Sessions(int max, int perSubject, int perClient, Duration idleTimeout) {
        this.max = max;
        this.perSubject = perSubject;
        this.perClient = perClient;
        this.idleTimeout = idleTimeout;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fastmcp-session-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, Math.min(60, idleTimeout.toSeconds() / 2));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.SECONDS);
    }

    /**
     * Adds a session, first closing the least recently used idle session of its subject or client when that one
     * is at its share, and expired sessions when the server is full. Returns null when added, else why not (no
     * live session is closed then).
     */
    Refusal add(SessionEntry entry) {
        List<SessionEntry> evicted = new ArrayList<>(2);
        Refusal refusal = admit(entry, evicted);
        for (SessionEntry e : evicted) {
            LOG.debug("Session {} closed: its owner opened a session beyond its share", e.id());
            close(e);
        }
        return refusal;
    }

    private synchronized Refusal admit(SessionEntry entry, List<SessionEntry> evicted) {
        if (map.size() >= max) {
            sweep();
        }
        SessionEntry bySubjectVictim = null;
        if (entry.subject != null && count(bySubject, entry.subject) >= perSubject) {
            bySubjectVictim = leastRecentlyUsedIdle(bySubject.get(entry.subject), null);
            if (bySubjectVictim == null) {
                return Refusal.SUBJECT_FULL;
            }
        }
        SessionEntry byClientVictim = null;
        if (entry.clientId != null) {
            Set<SessionEntry> ofClient = byClient.get(entry.clientId);
            boolean freed = bySubjectVictim != null && ofClient != null && ofClient.contains(bySubjectVictim);
            if (count(byClient, entry.clientId) - (freed ? 1 : 0) >= perClient) {
                byClientVictim = leastRecentlyUsedIdle(ofClient, bySubjectVictim);
                if (byClientVictim == null) {
                    return Refusal.CLIENT_FULL;
                }
            }
        }
        int freed = (bySubjectVictim != null ? 1 : 0) + (byClientVictim != null ? 1 : 0);
        if (map.size() - freed >= max) {
            return Refusal.SERVER_FULL;
        }
        for (SessionEntry victim : new SessionEntry[] {bySubjectVictim, byClientVictim}) {
            if (victim != null && remove(victim)) {
                evicted.add(victim);
            }
        }
        map.put(entry.id(), entry);
        index(bySubject, entry.subject, entry);
        index(byClient, entry.clientId, entry);
        return null;
    }

    private static int count(Map<String, Set<SessionEntry>> index, String key) {
        Set<SessionEntry> set = index.get(key);
        return set == null ? 0 : set.size();
    }

    private static SessionEntry leastRecentlyUsedIdle(Set<SessionEntry> entries, SessionEntry except) {
        SessionEntry found = null;
        for (SessionEntry e : entries == null ? Set.<SessionEntry>of() : entries) {
            if (e != except && !e.busy() && (found == null || e.idleNanos() > found.idleNanos())) {
                found = e;
            }
        }
        return found;
    }

    private static void index(Map<String, Set<SessionEntry>> index, String key, SessionEntry entry) {
        if (key != null) {
            index.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(entry);
        }
    }

    private static void unindex(Map<String, Set<SessionEntry>> index, String key, SessionEntry entry) {
        Set<SessionEntry> set = key == null ? null : index.get(key);
        if (set != null && set.remove(entry) && set.isEmpty()) {
            index.remove(key);
        }
    }

    /** The live session {@code id}; null when unknown, or when it outlived the idle timeout (it is closed then). */
    SessionEntry get(String id) {
        SessionEntry entry = id == null ? null : map.get(id);
        if (entry != null && expired(entry)) {
            if (remove(entry)) {
                LOG.debug("Session {} expired after {} idle", entry.id(), idleTimeout);
                close(entry);
            }
            return null;
        }
        return entry;
    }

    /** Removes session {@code id}; returns it, or null when it was not there. */
    SessionEntry remove(String id) {
        SessionEntry entry = map.get(id);
        return entry != null && remove(entry) ? entry : null;
    }

    private synchronized boolean remove(SessionEntry entry) {
        if (!map.remove(entry.id(), entry)) {
            return false;
        }
        unindex(bySubject, entry.subject, entry);
        unindex(byClient, entry.clientId, entry);
        return true;
    }

    Collection<SessionEntry> all() {
        return List.copyOf(map.values());
    }

    int size() {
        return map.size();
    }

    private boolean expired(SessionEntry entry) {
        return !entry.busy() && entry.idleNanos() > idleTimeout.toNanos();
    }

    void sweep() {
        for (SessionEntry entry : map.values()) {
            if (expired(entry) && remove(entry)) {
                LOG.debug("Session {} expired after {} idle", entry.id(), idleTimeout);
                close(entry);
            }
        }
    }

    void closeAll() {
        sweeper.shutdownNow();
        for (SessionEntry entry : map.values()) {
            if (remove(entry)) {
                close(entry);
            }
        }
    }

    static void close(SessionEntry entry) {
        entry.inflight.values().forEach(RequestScope::cancel);
        entry.sdk.closeGracefully().onErrorComplete().subscribe();
        List.copyOf(entry.streams.values()).forEach(SseStream::finish);
    }
}
