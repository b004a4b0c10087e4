package dev.fastmcp;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * Where the tasks of the tasks extension (MCP 2026-07-28) are known to every instance of a deployment, so that a
 * {@code tasks/get}, {@code tasks/update} or {@code tasks/cancel} reaching another instance than the one that
 * created the task finds it, and a client following a task ({@code subscriptions/listen}) at one instance hears of
 * changes made at another.
 *
 * <pre>{@code
 * FastMCP.builder("reports", "1.0.0").tasks(t -> t.store(RedisTaskStore.on(redisTokenStorage)))
 * }</pre>
 *
 * <p>A task is opaque to the store: JSON text kept until it expires, with its owner, so that no caller holds more
 * than its share. The run of a task (the thread of its handler) stays at the instance that started it; a
 * {@code tasks/cancel} received elsewhere reaches that instance through {@link #changed} and {@link #onChanged}.
 * Implementations are thread-safe and each operation is atomic.
 */
public interface TaskStore {

    /**
     * A task as stored.
     *
     * @param id        the task id: unguessable, the task's only name on the wire
     * @param owner     who created it, as an opaque key (a digest of its subject and client)
     * @param finished  whether it has ended (completed, failed or cancelled); finished tasks make room for new ones
     * @param expiresAt when the store forgets it, to the millisecond
     * @param json      the task, as JSON text
     */
    record StoredTask(String id, String owner, boolean finished, Instant expiresAt, String json) {
    }

    /**
     * Keeps {@code task}. When its owner holds {@code ownerLimit} tasks already, the oldest finished one is forgotten
     * to make room; when none has finished, {@code task} is refused.
     *
     * @return false when refused
     */
    boolean add(StoredTask task, int ownerLimit);

    /** The task of {@code id}; null when unknown or expired. */
    StoredTask find(String id);

    /**
     * Replaces {@code expected} with {@code next} if the task is still stored as {@code expected} (the same JSON);
     * else changes nothing.
     *
     * @return whether it was replaced
     */
    boolean replace(StoredTask expected, StoredTask next);

    /** Forgets the task of {@code id}, if kept. */
    void delete(String id);

    /** Tells the other instances (not necessarily this one) that a task changed: {@code notice} names it. */
    void changed(String notice);

    /**
     * Receives what {@link #changed} sends, at every instance sharing the store: {@code receiver} is called with the
     * notice on a thread of the store. Called once, when the server starts.
     */
    void onChanged(Consumer<String> receiver);
}
