package dev.fastmcp.redis;

import dev.fastmcp.TaskStore;
import java.time.Instant;
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
    private final RedisTokenStorage storage;
    private final OwnerIndex owners;

    /** A task as kept in Redis: {@link StoredTask} with its expiry in epoch milliseconds. */
    record Kept(String id, String owner, boolean finished, long expiresAtMillis, String json) {

        static Kept of(StoredTask task) {
            return new Kept(task.id(), task.owner(), task.finished(), task.expiresAt().toEpochMilli(), task.json());
        }

        StoredTask task() {
            return new StoredTask(id, owner, finished, Instant.ofEpochMilli(expiresAtMillis), json);
        }
    }

    private RedisTaskStore(RedisTokenStorage storage) {
        this.storage = storage;
        this.owners = new OwnerIndex(storage);
    }

    /** Tasks kept in {@code storage}'s Redis, under its key prefix. */
    public static RedisTaskStore on(RedisTokenStorage storage) {
        return new RedisTaskStore(Objects.requireNonNull(storage, "storage == null"));
    }

    @Override
    public boolean add(StoredTask task, int ownerLimit) {
        // Stored before it is indexed: another instance at the share reading the index finds every task it lists,
        // and drops only those truly gone.
        storage.save(key(task.id()), Kept.of(task), OwnerIndex.seconds(task.expiresAt().toEpochMilli()
                - System.currentTimeMillis()));
        List<String> evicted;
        try {
            evicted = owners.add(Keys.of("mcp-task-owner", task.owner()),
                    new OwnerIndex.Entry(task.id(), task.expiresAt().toEpochMilli()), ownerLimit, id -> {
                        Kept existing = storage.get(key(id), Kept.class);
                        return existing == null ? OwnerIndex.State.GONE
                                : existing.finished() ? OwnerIndex.State.EVICTABLE : OwnerIndex.State.KEPT;
                    });
        } catch (RuntimeException e) {
            delete(task.id());
            throw e;
        }
        if (evicted == null) {
            delete(task.id());
            return false;
        }
        evicted.forEach(this::delete);
        return true;
    }

    @Override
    public StoredTask find(String id) {
        Kept kept = storage.get(key(id), Kept.class);
        return kept == null ? null : kept.task();
    }

    @Override
    public boolean replace(StoredTask expected, StoredTask next) {
        long left = next.expiresAt().toEpochMilli() - System.currentTimeMillis();
        return left > 0 && storage.replace(key(next.id()), Kept.of(expected), Kept.of(next), OwnerIndex.seconds(left));
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
}
