package dev.fastmcp.redis;

import dev.fastmcp.TaskStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The tasks of the tasks extension (MCP 2026-07-28) kept in the Redis of a {@link RedisTokenStorage}, so that any
 * instance answers {@code tasks/get}, {@code tasks/update} and {@code tasks/cancel} for any task:
 *
 * <pre>{@code
 * RedisTokenStorage redis = RedisTokenStorage.builder(System.getenv("REDIS_URL")).build();
 * FastMCP.builder("reports", "1.0.0")
 *         .sessions(s -> s.store(RedisSessionStore.on(redis)))
 *         .tasks(t -> t.store(RedisTaskStore.on(redis)))
 * }</pre>
 *
 * <p>Each task is one key, expiring with the task; its changes are compare-and-set on the stored value. Each owner
 * has an index of its tasks, changed compare-and-set too, so that two instances adding tasks for one owner at once
 * never exceed its share. Keys are digests of the task ids and owners. Changes are announced on the storage's
 * channel. A task's arguments and result are stored as they are: protect the Redis as the tokens' (TLS, ACL).
 */
public final class RedisTaskStore implements TaskStore {

    /** The topic of the task change notices between instances. */
    private static final String TOPIC = "tasks";
    /** Compare-and-set rounds on an owner's index before an add gives up. */
    private static final int ATTEMPTS = 64;

    private final RedisTokenStorage storage;

    /** A task as kept in Redis: {@link StoredTask} with its expiry in epoch milliseconds. */
    record Kept(String id, String owner, boolean finished, long expiresAtMillis, String json) {

        static Kept of(StoredTask task) {
            return new Kept(task.id(), task.owner(), task.finished(), task.expiresAt().toEpochMilli(), task.json());
        }

        StoredTask task() {
            return new StoredTask(id, owner, finished, Instant.ofEpochMilli(expiresAtMillis), json);
        }
    }

    /** The tasks of one owner, oldest first. */
    record Owned(List<Entry> tasks) {
    }

    /** One task of an owner's index. */
    record Entry(String id, long expiresAtMillis) {
    }

    private RedisTaskStore(RedisTokenStorage storage) {
        this.storage = storage;
    }

    /** Tasks kept in {@code storage}'s Redis, under its key prefix. */
    public static RedisTaskStore on(RedisTokenStorage storage) {
        return new RedisTaskStore(Objects.requireNonNull(storage, "storage == null"));
    }

    @Override
    public boolean add(StoredTask task, int ownerLimit) {
        String ownerKey = Keys.of("mcp-task-owner", task.owner());
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long now = System.currentTimeMillis();
            Owned index = storage.get(ownerKey, Owned.class);
            List<Entry> kept = new ArrayList<>();
            if (index != null) {
                index.tasks().stream().filter(e -> e.expiresAtMillis() > now).forEach(kept::add);
            }
            Entry evicted = null;
            if (kept.size() >= ownerLimit) {
                // Only at the limit are the owner's tasks read, to find the oldest finished one (or those gone).
                for (Entry e : List.copyOf(kept)) {
                    Kept existing = storage.get(key(e.id()), Kept.class);
                    if (existing == null) {
                        kept.remove(e);
                    } else if (existing.finished() && evicted == null) {
                        evicted = e;
                    }
                }
                if (kept.size() >= ownerLimit && evicted == null) {
                    return false;
                }
                if (kept.size() >= ownerLimit) {
                    kept.remove(evicted);
                } else {
                    evicted = null;
                }
            }
            kept.add(new Entry(task.id(), task.expiresAt().toEpochMilli()));
            Owned next = new Owned(List.copyOf(kept));
            long ttl = seconds(kept.stream().mapToLong(Entry::expiresAtMillis).max().orElse(now) - now);
            boolean indexed = index == null ? storage.saveIfAbsent(ownerKey, next, ttl)
                    : storage.replace(ownerKey, index, next, ttl);
            if (indexed) {
                if (evicted != null) {
                    storage.delete(key(evicted.id()));
                }
                storage.save(key(task.id()), Kept.of(task), seconds(task.expiresAt().toEpochMilli() - now));
                return true;
            }
        }
        throw new IllegalStateException("The tasks of one owner kept changing at other instances; " + ATTEMPTS
                + " attempts to add one failed");
    }

    @Override
    public StoredTask find(String id) {
        Kept kept = storage.get(key(id), Kept.class);
        return kept == null ? null : kept.task();
    }

    @Override
    public boolean replace(StoredTask expected, StoredTask next) {
        long left = next.expiresAt().toEpochMilli() - System.currentTimeMillis();
        return left > 0 && storage.replace(key(next.id()), Kept.of(expected), Kept.of(next), seconds(left));
    }

    @Override
    public void delete(String id) {
        storage.delete(key(id));
    }

    @Override
    public void changed(String notice) {
        storage.broadcast(TOPIC, notice);
    }

    @Override
    public void onChanged(Consumer<String> receiver) {
        storage.onBroadcast(TOPIC, Objects.requireNonNull(receiver, "receiver == null"));
    }

    private static String key(String id) {
        return Keys.of("mcp-task", id);
    }

    /** A lifetime in whole seconds, at least one: Redis keeps the key a little longer, the task's own expiry rules. */
    private static long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
