package dev.fastmcp;

import java.util.Objects;

/**
 * Where the tasks of the tasks extension are kept: one group of {@link FastMCP.Builder}'s options, immutable.
 *
 * <pre>{@code
 * FastMCP.builder("reports", "1.0.0").tasks(t -> t.store(RedisTaskStore.on(redisTokenStorage)))
 * }</pre>
 *
 * @param store where the tasks are known to every instance of a deployment; null (the default) for this instance
 *        alone, in memory
 */
public record TaskOptions(TaskStore store) {

    private static final TaskOptions DEFAULTS = new TaskOptions(null);

    /** The defaults listed on the record's components. */
    public static TaskOptions defaults() {
        return DEFAULTS;
    }

    /**
     * Makes the tasks known to every instance sharing {@code store}: any instance answers {@code tasks/get},
     * {@code tasks/update} and {@code tasks/cancel} for them (see {@link TaskStore}). Default none: a task is known
     * only to the instance that created it, and requests about it must reach that instance.
     */
    public TaskOptions store(TaskStore store) {
        return new TaskOptions(Objects.requireNonNull(store, "store == null"));
    }
}
