package dev.fastmcp.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The entries one owner holds (its tasks, its sessions), kept as one record in a {@link RedisTokenStorage} and
 * changed compare-and-set, so that instances adding at once never pass the owner's share. Adding at the share makes
 * room by evicting the oldest entry that may go; entries whose record is gone are dropped on the way, so a record
 * is written before its entry is added.
 */
final class OwnerIndex {

    /** Compare-and-set rounds before an add gives up: only an owner adding without pause at other instances. */
    private static final int ATTEMPTS = 64;

    /** What an entry of the index is now, read from its own record. */
    enum State { GONE, EVICTABLE, KEPT }

    /** The index as stored: oldest first. */
    record Owned(List<Entry> entries) {
    }

    /** One entry: its id and when it expires, in epoch milliseconds. */
    record Entry(String id, long expiresAtMillis) {
    }

    private final RedisTokenStorage storage;

    OwnerIndex(RedisTokenStorage storage) {
        this.storage = storage;
    }

    /**
     * Adds {@code entry} to the index at {@code key}, at most {@code limit} entries. At the limit the entries are
     * read ({@code state}), only then, and the oldest {@link State#EVICTABLE} ones make room.
     *
     * @return the ids evicted (their records are the caller's to delete); null when no room could be made
     */
    List<String> add(String key, Entry entry, int limit, Function<String, State> state) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long now = System.currentTimeMillis();
            Owned index = storage.get(key, Owned.class);
            List<Entry> kept = new ArrayList<>();
            if (index != null) {
                index.entries().stream().filter(e -> e.expiresAtMillis() > now && !e.id().equals(entry.id()))
                        .forEach(kept::add);
            }
            List<String> evicted = new ArrayList<>();
            if (kept.size() >= limit) {
                List<Entry> evictable = new ArrayList<>();
                for (Entry e : List.copyOf(kept)) {
                    State s = state.apply(e.id());
                    if (s == State.GONE) {
                        kept.remove(e);
                    } else if (s == State.EVICTABLE) {
                        evictable.add(e);
                    }
                }
                for (Entry e : evictable) {
                    if (kept.size() < limit) {
                        break;
                    }
                    kept.remove(e);
                    evicted.add(e.id());
                }
                if (kept.size() >= limit) {
                    return null;
                }
            }
            kept.add(entry);
            Owned next = new Owned(List.copyOf(kept));
            long ttl = seconds(kept.stream().mapToLong(Entry::expiresAtMillis).max().orElse(now) - now);
            if (index == null ? storage.saveIfAbsent(key, next, ttl) : storage.replace(key, index, next, ttl)) {
                return evicted;
            }
        }
        throw new IllegalStateException("The index " + key + " kept changing at other instances; " + ATTEMPTS
                + " attempts to add to it failed");
    }

    /** A lifetime in whole seconds, at least one: Redis keeps the key a little longer; expiries are checked too. */
    static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
