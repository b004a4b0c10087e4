package dev.fastmcp.auth.proxy;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client ids this instance registered that have not obtained a token yet, least recently seen first, at most
 * {@code max} of them: adding one more names the least recently seen to evict. A sign-in started for a client
 * ({@link #touch}) moves it to the young end, so a flood of new registrations evicts abandoned ones before one
 * whose user is signing in. Only a started sign-in counts, which the per-address sign-in limit meters: a mere
 * lookup, which anyone can make for any client id as often as they like, would let a flood keep its own
 * registrations young and push out a chosen victim's.
 *
 * <p>The index is in this process only: each instance bounds the registrations it made itself, so instances
 * sharing a storage hold at most their number times {@code max} unused registrations. Entries are ids and
 * expiry times (about a hundred bytes each); an entry whose registration has expired is dropped when seen at the
 * old end. Thread-safe.
 */
final class UnusedRegistrations {

    /** The default of {@code maxUnusedRegistrations}. */
    static final int DEFAULT_MAX = 10_000;

    private final int max;
    /** Client id to the time its unused registration expires (epoch millis), in access order. */
    private final LinkedHashMap<String, Long> byUse = new LinkedHashMap<>(16, 0.75f, true);

    UnusedRegistrations(int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("max must be positive, was " + max);
        }
        this.max = max;
    }

    /** Adds a new registration; returns the client ids to evict to stay within the bound (oldest first). */
    synchronized List<String> add(String clientId, long expiresAtMillis, long nowMillis) {
        dropExpired(nowMillis);
        byUse.put(clientId, expiresAtMillis);
        List<String> evicted = new ArrayList<>(1);
        Iterator<String> oldest = byUse.keySet().iterator();
        while (byUse.size() > max && oldest.hasNext()) {
            evicted.add(oldest.next());
            oldest.remove();
        }
        return evicted;
    }

    /** Marks a registration as seen now, if it is indexed. */
    synchronized void touch(String clientId) {
        byUse.get(clientId);
    }

    /** Forgets a registration (it obtained a token, or was deleted). */
    synchronized void remove(String clientId) {
        byUse.remove(clientId);
    }

    synchronized int size() {
        return byUse.size();
    }

    private void dropExpired(long nowMillis) {
        Iterator<Map.Entry<String, Long>> it = byUse.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() > nowMillis) {
                return;
            }
            it.remove();
        }
    }
}
