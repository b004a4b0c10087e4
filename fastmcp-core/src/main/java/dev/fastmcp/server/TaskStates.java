package dev.fastmcp.server;

import java.util.function.UnaryOperator;

/**
 * Where the tasks of the tasks extension are kept. Every read names the caller, so a store never hands out another
 * caller's task, nor one past its TTL. {@link MemoryTaskStates} keeps them in this process; {@link SharedTaskStates}
 * keeps them in a {@link dev.fastmcp.TaskStore} shared by several instances, since a task holds only values
 * ({@link TaskState}). What cannot be shared (the thread running a task) stays with {@link Tasks}.
 */
interface TaskStates {

    /** What {@link #add} did. */
    enum Added { ADDED, OWNER_FULL, STORE_FULL }

    /**
     * Keeps a new task, once a {@code tasks/get} for it can find it. When its owner holds {@code ownerLimit} tasks
     * already, or the store is full, the oldest finished task (of the owner, or of anyone) makes room; when there
     * is none, the task is refused.
     */
    Added add(TaskState task, int ownerLimit);

    /** The task with this id if {@code owner} created it and it has not expired; else null, whichever the reason. */
    TaskState get(String id, RequestStateCodec.Principal owner);

    /**
     * Replaces the task of {@code owner} with {@code change} applied to it, atomically, and returns the new state;
     * null (and {@code change} not applied) when {@link #get} would not find it. When {@code change} throws, nothing
     * changes.
     */
    TaskState update(String id, RequestStateCodec.Principal owner, UnaryOperator<TaskState> change);

    /** Forgets the task, if kept. */
    void remove(String id);

    /** The task with this id, whoever its owner, for this process's own bookkeeping; never for an answer. */
    TaskState peek(String id);

    /** Tells the other instances sharing the store, if any, that {@code task} changed. */
    default void changed(TaskState task) {
    }

    /** Receives the ids of the tasks other instances changed; called once. Default: none, nothing shared. */
    default void onChangedElsewhere(java.util.function.Consumer<String> receiver) {
    }
}
