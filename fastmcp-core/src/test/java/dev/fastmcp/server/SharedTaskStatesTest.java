package dev.fastmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.fastmcp.TaskStore;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Tasks kept in a store shared by instances: a task survives its trip through JSON whole, a change made from a
 * stale copy is made again on the current one, and each instance hears only of the others' changes.
 */
class SharedTaskStatesTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00.123Z");
    private static final RequestStateCodec.Principal ALICE = new RequestStateCodec.Principal("alice", "app");

    /** A store of one process standing for the shared one: what matters here is the adapter's use of it. */
    private static final class MapStore implements TaskStore {
        final Map<String, StoredTask> tasks = new ConcurrentHashMap<>();
        final List<Consumer<String>> receivers = new ArrayList<>();
        /** Runs once before the next replace, as another instance changing the task meanwhile. */
        Runnable meanwhile;

        @Override
        public boolean add(StoredTask task, int ownerLimit) {
            return tasks.putIfAbsent(task.id(), task) == null;
        }

        @Override
        public StoredTask find(String id) {
            return tasks.get(id);
        }

        @Override
        public boolean replace(StoredTask expected, StoredTask next) {
            if (meanwhile != null) {
                Runnable r = meanwhile;
                meanwhile = null;
                r.run();
            }
            return tasks.replace(expected.id(), expected, next);
        }

        @Override
        public void delete(String id) {
            tasks.remove(id);
        }

        @Override
        public void changed(String notice) {
            receivers.forEach(r -> r.accept(notice));
        }

        @Override
        public void onChanged(Consumer<String> receiver) {
            receivers.add(receiver);
        }
    }

    private static TaskState task() {
        McpSchema.CreateMessageRequest sampling = McpSchema.CreateMessageRequest.builder(List.of(
                new McpSchema.SamplingMessage(McpSchema.Role.USER, new McpSchema.TextContent("Say hello"))), 50)
                .build();
        ModernRequest call = new ModernRequest(7, "tools/call", Map.of("name", "greet", "arguments",
                Map.of("who", "Ada", "times", 2)), Map.of("elicitation", Map.of()),
                new McpSchema.Implementation("client", "1.0"), McpSchema.LoggingLevel.INFO);
        return TaskState.created("task-1", ALICE, "greet", call, NOW, Duration.ofMinutes(5), Map.of("a", Map.of(
                "action", "accept"))).waitingFor(Map.of(
                        "name", InputRequest.elicit("name", "Your name?", Map.of("type", "object")),
                        "hello", InputRequest.sample("hello", sampling)), NOW.plusSeconds(1));
    }

    @Test
    void aTaskSurvivesItsTripThroughTheStoreWhole() {
        TaskState task = task();
        assertEquals(task, SharedTaskStates.decode(Json.string(SharedTaskStates.encode(task))));
        TaskState done = task.answered(Map.of("x", 1), Map.of(), NOW.plusSeconds(2))
                .completed(Map.of("resultType", "complete", "content", List.of()), NOW.plusSeconds(3));
        assertEquals(done, SharedTaskStates.decode(Json.string(SharedTaskStates.encode(done))));
    }

    @Test
    void aChangeFromAStaleCopyIsMadeAgainOnTheCurrentOne() {
        MapStore store = new MapStore();
        SharedTaskStates states = new SharedTaskStates(store, Clock.fixed(NOW.plusSeconds(5), ZoneOffset.UTC));
        states.add(task(), 100);
        SharedTaskStates other = new SharedTaskStates(store, Clock.fixed(NOW.plusSeconds(5), ZoneOffset.UTC));
        store.meanwhile = () -> other.update("task-1", ALICE, t -> t.saying("changed elsewhere", NOW.plusSeconds(4)));
        AtomicInteger applied = new AtomicInteger();

        TaskState after = states.update("task-1", ALICE, t -> {
            applied.incrementAndGet();
            return t.cancelled("Cancelled by the client", NOW.plusSeconds(5));
        });
        assertEquals(2, applied.get(), "applied again to the task as the other instance left it");
        assertEquals(TaskState.Status.CANCELLED, after.status());
        assertEquals(after, states.get("task-1", ALICE));
    }

    @Test
    void aTaskIsItsOwnersAloneAndGoneAtItsTtl() {
        MapStore store = new MapStore();
        new SharedTaskStates(store, Clock.fixed(NOW, ZoneOffset.UTC)).add(task(), 100);
        SharedTaskStates later = new SharedTaskStates(store, Clock.fixed(NOW.plus(Duration.ofMinutes(5)),
                ZoneOffset.UTC));
        SharedTaskStates now = new SharedTaskStates(store, Clock.fixed(NOW, ZoneOffset.UTC));
        assertNull(now.get("task-1", new RequestStateCodec.Principal("alice", "another-app")));
        assertNull(now.get("task-1", RequestStateCodec.Principal.ANONYMOUS));
        assertNull(later.get("task-1", ALICE), "expired, though the store still holds it");
        assertNull(later.update("task-1", ALICE, t -> t.cancelled("late", NOW)));
        TaskState same = now.get("task-1", ALICE);
        assertSame(same.status(), now.update("task-1", ALICE, t -> t).status(), "no change, nothing written");
    }

    @Test
    void eachInstanceHearsOnlyOfTheOthersChanges() {
        MapStore store = new MapStore();
        SharedTaskStates a = new SharedTaskStates(store, Clock.systemUTC());
        SharedTaskStates b = new SharedTaskStates(store, Clock.systemUTC());
        List<String> heardAtA = new ArrayList<>();
        List<String> heardAtB = new ArrayList<>();
        a.onChangedElsewhere(heardAtA::add);
        b.onChangedElsewhere(heardAtB::add);
        a.changed(task());
        assertEquals(List.of(), heardAtA);
        assertEquals(List.of("task-1"), heardAtB);
    }

    @Test
    void ownersAreKeptAsDigests() {
        String key = SharedTaskStates.ownerKey(ALICE);
        assertEquals(43, key.length());
        assertNotEquals(key, SharedTaskStates.ownerKey(new RequestStateCodec.Principal("alice", null)));
        assertEquals("anonymous", SharedTaskStates.ownerKey(RequestStateCodec.Principal.ANONYMOUS));
    }
}
