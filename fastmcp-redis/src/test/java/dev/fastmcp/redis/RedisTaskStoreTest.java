package dev.fastmcp.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.TaskClient;
import dev.fastmcp.TaskStore;
import dev.fastmcp.TaskSupport;
import dev.fastmcp.Tool;
import dev.fastmcp.server.Json;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two server instances on one Redis share the tasks of the tasks extension (MCP 2026-07-28): a task created at one
 * is read, answered, cancelled and followed at the other, as a round-robin load balancer sends those requests, and
 * stays its owner's alone.
 */
@Timeout(60)
class RedisTaskStoreTest {

    private static final Map<String, Object> CONFIRM = Map.of("type", "object",
            "properties", Map.of("confirm", Map.of("type", "boolean")), "required", List.of("confirm"));
    private static final Map<String, AuthSession> SESSIONS = Map.of(
            "alice", AuthSession.of("alice", "app", List.of(), Map.of(), null),
            "bob", AuthSession.of("bob", "app", List.of(), Map.of(), null));

    private final TestRedis redis = new TestRedis();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final CountDownLatch interrupted = new CountDownLatch(1);

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        redis.close();
    }

    private RedisTokenStorage storage() {
        RedisTokenStorage storage = RedisTokenStorage.builder(redis.url()).keyPrefix("tasks:").build();
        open.add(storage);
        return storage;
    }

    private FastMCP instance() {
        RedisTokenStorage storage = storage();
        FastMCP server = FastMCP.builder("shared-tasks", "1.0.0")
                .authenticate(request -> SESSIONS.get(String.valueOf(request.header("authorization"))
                        .replace("Bearer ", "")))
                .tasks(t -> t.store(RedisTaskStore.on(storage)))
                .addTool(Tool.builder("confirm").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) ->
                        "confirmed: " + ctx.elicit("Sure?", CONFIRM).content().get("confirm")).build())
                .addTool(Tool.builder("endless").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) -> {
                    try {
                        Thread.sleep(60_000);
                        return "never";
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                }).build())
                .build().start(StartOptions.http().port(0));
        open.add(server);
        return server;
    }

    @Test
    void aTaskCreatedAtOneInstanceIsAnsweredAndFinishedAtAnother() throws Exception {
        FastMCP a = instance();
        FastMCP b = instance();
        String id = new TaskClient(a, "alice").start("confirm", "{}");

        TaskClient atB = new TaskClient(b, "alice");
        Map<String, Object> waiting = atB.await(id, "input_required");
        assertTrue(waiting.get("inputRequests") instanceof Map<?, ?> questions && questions.size() == 1,
                "the question asked at A is read at B: " + waiting);
        String key = (String) ((Map<?, ?>) waiting.get("inputRequests")).keySet().iterator().next();

        atB.update(id, "{\"" + key + "\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}");
        Map<String, Object> done = new TaskClient(a, "alice").await(id, "completed");
        assertEquals("confirmed: true", TaskClient.text(done.get("result")),
                "the run resumed at B finished the task A created");
    }

    @Test
    void aCancelAtAnotherInstanceStopsTheRunWhereItRuns() throws Exception {
        FastMCP a = instance();
        FastMCP b = instance();
        String id = new TaskClient(a, "alice").start("endless", "{}");
        TaskClient atB = new TaskClient(b, "alice");
        assertEquals("working", atB.get(id).get("status"));

        atB.cancel(id);
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the handler running at A was interrupted");
        assertEquals("cancelled", new TaskClient(a, "alice").get(id).get("status"));
    }

    @Test
    void anotherCallersTaskIsUnknownAtEveryInstance() throws Exception {
        FastMCP a = instance();
        FastMCP b = instance();
        String id = new TaskClient(a, "alice").start("endless", "{}");

        for (FastMCP server : List.of(a, b)) {
            TaskClient bob = new TaskClient(server, "bob");
            Map<String, Object> error = bob.error("tasks/get", "{\"taskId\":" + Json.string(id) + "}");
            assertEquals(-32602, ((Number) error.get("code")).intValue(), "bob does not see alice's task");
            bob.error("tasks/cancel", "{\"taskId\":" + Json.string(id) + "}");
        }
        assertEquals("working", new TaskClient(b, "alice").get(id).get("status"), "bob's cancel changed nothing");
        new TaskClient(a, "alice").cancel(id);
    }

    @Test
    void aListenerAtOneInstanceHearsOfChangesMadeAtAnother() throws Exception {
        FastMCP a = instance();
        FastMCP b = instance();
        TaskClient atA = new TaskClient(a, "alice");
        String id = atA.start("confirm", "{}");
        Map<String, Object> waiting = atA.await(id, "input_required");
        String key = (String) ((Map<?, ?>) waiting.get("inputRequests")).keySet().iterator().next();

        BlockingQueue<Map<String, Object>> frames = TaskClient.listen(b, "alice", List.of(id));
        assertEquals("notifications/subscriptions/acknowledged", TaskClient.next(frames).get("method"));
        assertEquals("input_required", ((Map<?, ?>) TaskClient.next(frames).get("params")).get("status"));

        atA.update(id, "{\"" + key + "\":{\"action\":\"accept\",\"content\":{\"confirm\":false}}}");
        Map<?, ?> params = (Map<?, ?>) TaskClient.next(frames).get("params");
        while (!"completed".equals(params.get("status"))) {
            params = (Map<?, ?>) TaskClient.next(frames).get("params");
        }
        assertEquals("confirmed: false", TaskClient.text(params.get("result")),
                "the listener at B heard the task finish at A");
    }

    @Test
    void whileRedisIsDownTaskRequestsAreAnswered503AndWorkAgainAfter() throws Exception {
        FastMCP a = instance();
        TaskClient alice = new TaskClient(a, "alice");
        redis.stop();
        HttpResponse<String> down = alice.send("tools/call", "{\"name\":\"confirm\",\"arguments\":{}}",
                TaskClient.ALL);
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.headers().firstValue("Retry-After").isPresent());
        HttpResponse<String> get = alice.send("tasks/get", "{\"taskId\":\"some-task\"}", TaskClient.ALL);
        assertEquals(503, get.statusCode(), get.body());

        redis.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String id = null;
        while (id == null) {
            try {
                id = alice.start("confirm", "{}");
            } catch (AssertionError stillDown) {
                if (System.nanoTime() > deadline) {
                    throw stillDown;
                }
                Thread.sleep(100);
            }
        }
        assertEquals("input_required", alice.await(id, "input_required").get("status"));
    }

    @Test
    void oneOwnersShareHoldsWhenInstancesAddAtOnce() throws Exception {
        List<RedisTaskStore> stores = List.of(RedisTaskStore.on(storage()), RedisTaskStore.on(storage()),
                RedisTaskStore.on(storage()));
        Instant expires = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> adds = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                RedisTaskStore store = stores.get(i % 3);
                TaskStore.StoredTask task = new TaskStore.StoredTask("t" + i, "alice", false, expires, "{\"n\":" + i
                        + "}");
                adds.add(pool.submit(() -> store.add(task, 4)));
            }
            int added = 0;
            for (Future<Boolean> add : adds) {
                added += add.get(20, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertEquals(4, added, "four tasks at most for one owner, whichever instance adds them");
            assertTrue(stores.get(0).add(new TaskStore.StoredTask("bob-1", "bob", false, expires, "{}"), 4),
                    "another owner has a share of its own");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theOldestFinishedTaskMakesRoomAndAChangeIsCompareAndSet() {
        RedisTaskStore store = RedisTaskStore.on(storage());
        Instant expires = Instant.now().plusSeconds(60).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        TaskStore.StoredTask first = new TaskStore.StoredTask("first", "alice", false, expires, "{\"v\":1}");
        TaskStore.StoredTask second = new TaskStore.StoredTask("second", "alice", false, expires, "{\"v\":1}");
        assertTrue(store.add(first, 2));
        assertTrue(store.add(second, 2));
        assertFalse(store.add(new TaskStore.StoredTask("third", "alice", false, expires, "{}"), 2),
                "refused: both tasks still run");

        TaskStore.StoredTask finished = new TaskStore.StoredTask("second", "alice", true, expires, "{\"v\":2}");
        assertTrue(store.replace(second, finished));
        assertFalse(store.replace(second, new TaskStore.StoredTask("second", "alice", true, expires, "{\"v\":3}")),
                "a change from a stale value is refused");
        assertEquals(finished, store.find("second"));

        assertTrue(store.add(new TaskStore.StoredTask("third", "alice", false, expires, "{}"), 2));
        assertNull(store.find("second"), "the finished task made room");
        assertNotNull(store.find("first"), "the running one stays");
    }

}
