package dev.fastmcp.server;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The tasks of this process, in memory, at most {@code capacity} of them. Expired tasks are dropped as the store is
 * used (the earliest expiry first, so that a use costs nothing when none is due). Task operations are rare next to
 * calls, so one lock guards them all.
 */
final class MemoryTaskStates implements TaskStates {

    private record Expiry(String id, Instant at) {
    }

    private final Clock clock;
    private final int capacity;
    /** By id, oldest first. */
    private final Map<String, TaskState> byId = new LinkedHashMap<>();
    /** Ids by owner, oldest first. */
    private final Map<RequestStateCodec.Principal, Set<String>> byOwner = new HashMap<>();
    private final PriorityQueue<Expiry> expiries = new PriorityQueue<>(Comparator.comparing(Expiry::at));

    MemoryTaskStates(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    @Override
    public synchronized Added add(TaskState task, int ownerLimit) {
        purge();
        Set<String> owned = byOwner.getOrDefault(task.owner(), Set.of());
        if (owned.size() >= ownerLimit && !dropOldestFinished(owned)) {
            return Added.OWNER_FULL;
        }
        if (byId.size() >= capacity && !dropOldestFinished(byId.keySet())) {
            return Added.STORE_FULL;
        }
        byId.put(task.id(), task);
        byOwner.computeIfAbsent(task.owner(), o -> new LinkedHashSet<>()).add(task.id());
        expiries.add(new Expiry(task.id(), task.expiresAt()));
        return Added.ADDED;
    }

    @Override
    public synchronized TaskState get(String id, RequestStateCodec.Principal owner) {
        purge();
        TaskState task = byId.get(id);
        return task != null && task.owner().equals(owner) ? task : null;
    }

    @Override
    public synchronized TaskState update(String id, RequestStateCodec.Principal owner,
            UnaryOperator<TaskState> change) {
        TaskState task = get(id, owner);
        if (task == null) {
            return null;
        }
        TaskState changed = change.apply(task);
        byId.put(id, changed);
        return changed;
    }

    @Override
    public synchronized TaskState peek(String id) {
        return byId.get(id);
    }

    @Override
    public synchronized void remove(String id) {
        TaskState task = byId.remove(id);
        if (task != null) {
            Set<String> owned = byOwner.get(task.owner());
            owned.remove(id);
            if (owned.isEmpty()) {
                byOwner.remove(task.owner());
            }
        }
    }

    /** Removes the oldest finished task among {@code ids}; false when none has finished. */
    private boolean dropOldestFinished(Set<String> ids) {
        for (Iterator<String> it = ids.iterator(); it.hasNext();) {
            String id = it.next();
            TaskState task = byId.get(id);
            if (task != null && task.status().terminal()) {
                remove(id);
                return true;
            }
        }
        return false;
    }

    private void purge() {
        Instant now = clock.instant();
        while (!expiries.isEmpty() && !expiries.peek().at().isAfter(now)) {
            remove(expiries.poll().id());
        }
    }
}
