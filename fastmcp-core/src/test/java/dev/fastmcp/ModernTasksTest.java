package dev.fastmcp;

import static dev.fastmcp.TaskClient.refused;
import static dev.fastmcp.TaskClient.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tasks extension on MCP 2026-07-28, over real HTTP: a tool that supports tasks answers with a task, and
 * {@code tasks/get} gives its status and then its result; the handler's questions go through the task
 * ({@code input_required}, answered by {@code tasks/update}); clients that do not declare the extension get the
 * result, or -32021 when the tool runs only as a task.
 */
@Timeout(30)
class ModernTasksTest {

    static final Map<String, Object> CONFIRM = Map.of("type", "object",
            "properties", Map.of("confirm", Map.of("type", "boolean")), "required", List.of("confirm"));
    private static final CountDownLatch HALFWAY = new CountDownLatch(1);

    private static FastMCP server;
    private static TaskClient client;

    @BeforeAll
    static void start() {
        server = FastMCP.builder("tasks", "1.0.0")
                .addTool(Tool.builder("quick").execute((args, ctx) -> "quick").build())
                .addTool(Tool.builder("slow").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) -> {
                    Thread.sleep(((Number) args.getOrDefault("ms", 0)).longValue());
                    return "slept";
                }).build())
                .addTool(Tool.builder("only_task").taskSupport(TaskSupport.REQUIRED)
                        .execute((args, ctx) -> "done").build())
                .addTool(Tool.builder("oops").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) -> {
                    throw new UserError("no luck");
                }).build())
                .addTool(Tool.builder("broken").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) -> {
                    throw new AssertionError("an invariant broke");
                }).build())
                .addTool(Tool.builder("confirm").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) ->
                        "confirmed: " + ctx.elicit("Sure?", CONFIRM).content().get("confirm")).build())
                .addTool(Tool.builder("pair").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) -> {
                    Context.Answers answers = ctx.inputs().elicit("a", "A?", CONFIRM).elicit("b", "B?", CONFIRM)
                            .await();
                    return answers.elicitation("a").content().get("confirm") + "/"
                            + answers.elicitation("b").content().get("confirm");
                }).build())
                .addTool(Tool.builder("twice").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) ->
                        ctx.elicit("One?", CONFIRM).content().get("confirm") + "+"
                                + ctx.elicit("Two?", CONFIRM).content().get("confirm")).build())
                .addTool(Tool.builder("roots").taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> ctx.listRoots().roots().size()).build())
                .addTool(Tool.builder("gated").taskSupport(TaskSupport.REQUIRED).startTaskInHandler()
                        .execute((args, ctx) -> {
                            Object ok = ctx.inputs().elicit("go", "Go?", CONFIRM).await().elicitation("go")
                                    .content().get("confirm");
                            ctx.runAsTask();
                            return "went: " + ok;
                        }).build())
                .addTool(Tool.builder("progress").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) -> {
                    ctx.reportProgress(1, 2.0, "halfway there");
                    HALFWAY.await(10, TimeUnit.SECONDS);
                    return "arrived";
                }).build())
                .build().start(StartOptions.http().port(0));
        client = new TaskClient(server, null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aTaskToolAnswersWithATaskAndTasksGetGivesItsResult() throws Exception {
        Map<String, Object> created = client.call("slow", "{\"ms\":300}");
        assertEquals("task", created.get("resultType"), created.toString());
        String id = (String) created.get("taskId");
        assertEquals("working", created.get("status"));
        assertEquals(3_600_000, ((Number) created.get("ttlMs")).intValue());
        assertEquals(1_000, ((Number) created.get("pollIntervalMs")).intValue());
        Instant.parse((String) created.get("createdAt"));
        Instant.parse((String) created.get("lastUpdatedAt"));
        for (String absent : List.of("result", "error", "inputRequests", "requestState", "content")) {
            assertFalse(created.containsKey(absent), absent + " in " + created);
        }
        Map<String, Object> working = client.get(id);
        assertEquals("complete", working.get("resultType"));
        assertEquals(id, working.get("taskId"));
        assertEquals("working", working.get("status"));
        assertFalse(working.containsKey("result"));

        Map<String, Object> done = client.await(id, "completed");
        assertEquals("slept", text(done.get("result")));
        assertEquals(false, ((Map<?, ?>) done.get("result")).get("isError"));
        assertEquals(created.get("createdAt"), done.get("createdAt"));
        assertFalse(done.containsKey("requestState"));
    }

    @Test
    void aClientWithoutTheExtensionGetsTheResultOrMinus32021() throws Exception {
        HttpResponse<String> sync = client.send("tools/call", "{\"name\":\"slow\",\"arguments\":{}}",
                TaskClient.NONE);
        Map<String, Object> result = RawModern.result(sync);
        assertEquals("complete", result.get("resultType"));
        assertEquals("slept", text(result));
        assertNull(result.get("taskId"));

        String required = "{\"requiredCapabilities\":{\"extensions\":{\"" + TaskClient.EXTENSION + "\":{}}}}";
        Map<String, Object> onlyTask = refused(client.send("tools/call",
                "{\"name\":\"only_task\",\"arguments\":{}}", TaskClient.NONE), 400, -32021);
        assertEquals(Json.parseObject(required, "data"), onlyTask.get("data"));
        for (String method : List.of("tasks/get", "tasks/cancel", "tasks/update")) {
            String params = method.equals("tasks/update") ? "{\"taskId\":\"t\",\"inputResponses\":{}}"
                    : TaskClient.taskParams("t");
            Map<String, Object> error = refused(client.send(method, params, TaskClient.NONE), 400, -32021);
            assertEquals(Json.parseObject(required, "data"), error.get("data"), method);
        }
        assertEquals("quick", text(client.call("quick", "{}")), "a tool without task support is never a task");
        assertEquals("done", text(client.await(client.start("only_task", "{}"), "completed").get("result")));
    }

    @Test
    void toolErrorsCompleteTheTaskAndJsonRpcErrorsFailIt() throws Exception {
        Map<String, Object> oops = client.await(client.start("oops", "{}"), "completed", "failed");
        assertEquals("completed", oops.get("status"));
        assertEquals(true, ((Map<?, ?>) oops.get("result")).get("isError"));
        assertEquals("no luck", text(oops.get("result")));

        Map<String, Object> broken = client.await(client.start("broken", "{}"), "completed", "failed");
        assertEquals("failed", broken.get("status"));
        Map<?, ?> error = (Map<?, ?>) broken.get("error");
        assertEquals(-32603, ((Number) error.get("code")).intValue());
        assertTrue(((String) error.get("message")).matches(
                "Error calling tool 'broken' \\(correlation id [0-9a-f]{16}\\)"), error::toString);
        assertFalse(broken.containsKey("result"));
        assertFalse(broken.toString().contains("invariant"), "nothing of the Java error reaches the client");

        Map<String, Object> asking = RawModern.result(client.send("tools/call",
                "{\"name\":\"roots\",\"arguments\":{}}", TaskClient.TASKS_ONLY)); // a client without roots
        Map<String, Object> refused = client.await((String) asking.get("taskId"), "failed");
        assertEquals(-32021, ((Number) ((Map<?, ?>) refused.get("error")).get("code")).intValue());
    }

    @Test
    void theHandlersQuestionsGoThroughTheTask() throws Exception {
        String id = client.start("confirm", "{}");
        Map<String, Object> waiting = client.await(id, "input_required");
        Map<?, ?> requests = (Map<?, ?>) waiting.get("inputRequests");
        assertEquals(List.of("input_1"), List.copyOf(requests.keySet()));
        assertEquals("elicitation/create", ((Map<?, ?>) requests.get("input_1")).get("method"));
        assertEquals("Sure?", ((Map<?, ?>) ((Map<?, ?>) requests.get("input_1")).get("params")).get("message"));

        Map<String, Object> badShape = client.error("tasks/update", "{\"taskId\":\"" + id
                + "\",\"inputResponses\":{\"input_1\":{\"action\":\"maybe\"}}}");
        assertEquals(-32602, ((Number) badShape.get("code")).intValue());
        Map<String, Object> ignored = client.update(id, "{\"nobody_asked\":{\"action\":\"accept\"}}");
        assertEquals(java.util.Set.of("resultType", "_meta"), ignored.keySet(), "an empty acknowledgment");
        assertEquals("input_required", client.get(id).get("status"), "neither answer counts");

        Map<String, Object> ack = client.update(id,
                "{\"input_1\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}");
        assertEquals("complete", ack.get("resultType"));
        for (String absent : List.of("taskId", "status", "result", "error", "inputRequests")) {
            assertFalse(ack.containsKey(absent), absent + " in the ack " + ack);
        }
        assertEquals("confirmed: true", text(client.await(id, "completed").get("result")));
        client.update(id, "{\"input_1\":{\"action\":\"decline\"}}");
        assertEquals("confirmed: true", text(client.get(id).get("result")), "a finished task never changes");
    }

    @Test
    void answersComeOneAtATimeAndKeysAreNeverReused() throws Exception {
        String pair = client.start("pair", "{}");
        Map<?, ?> both = (Map<?, ?>) client.await(pair, "input_required").get("inputRequests");
        assertEquals(List.of("a", "b"), List.copyOf(both.keySet()));
        client.update(pair, "{\"a\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}");
        Map<String, Object> half = client.get(pair);
        assertEquals("input_required", half.get("status"));
        assertEquals(List.of("b"), List.copyOf(((Map<?, ?>) half.get("inputRequests")).keySet()));
        client.update(pair, "{\"a\":{\"action\":\"accept\",\"content\":{\"confirm\":false}},"
                + "\"b\":{\"action\":\"accept\",\"content\":{\"confirm\":false}}}");
        assertEquals("true/false", text(client.await(pair, "completed").get("result")),
                "an answered key cannot be answered again");

        String twice = client.start("twice", "{}");
        assertEquals(List.of("input_1"), List.copyOf(((Map<?, ?>) client.await(twice, "input_required")
                .get("inputRequests")).keySet()));
        client.update(twice, "{\"input_1\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}");
        Map<String, Object> second = client.await(twice, "input_required");
        assertEquals(List.of("input_2"), List.copyOf(((Map<?, ?>) second.get("inputRequests")).keySet()));
        client.update(twice, "{\"input_2\":{\"action\":\"accept\",\"content\":{\"confirm\":false}}}");
        assertEquals("true+false", text(client.await(twice, "completed").get("result")));
    }

    @Test
    void aHandlerCanAskOnTheRequestBeforeItBecomesATask() throws Exception {
        Map<String, Object> round1 = client.call("gated", "{}");
        assertEquals("input_required", round1.get("resultType"));
        assertNull(round1.get("taskId"));
        String state = (String) round1.get("requestState");
        Map<String, Object> round2 = client.result("tools/call", "{\"name\":\"gated\",\"arguments\":{},"
                + "\"inputResponses\":{\"go\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}},"
                + "\"requestState\":" + Json.string(state) + "}");
        assertEquals("task", round2.get("resultType"), round2.toString());
        assertFalse(round2.containsKey("requestState"));
        assertFalse(round2.containsKey("inputRequests"));
        assertEquals("went: true", text(client.await((String) round2.get("taskId"), "completed").get("result")));
    }

    @Test
    void cancellingEndsTheTaskForGood() throws Exception {
        String id = client.start("slow", "{\"ms\":60000}");
        Map<String, Object> ack = client.cancel(id);
        assertEquals("complete", ack.get("resultType"));
        assertFalse(ack.containsKey("status"));
        Map<String, Object> cancelled = client.get(id);
        assertEquals("cancelled", cancelled.get("status"));
        assertEquals("complete", client.cancel(id).get("resultType"), "cancelling again is acknowledged");
        assertEquals("cancelled", client.get(id).get("status"));

        String done = client.start("slow", "{}");
        client.await(done, "completed");
        client.cancel(done);
        assertEquals("completed", client.get(done).get("status"), "a finished task stays finished");
    }

    @Test
    void aProgressMessageBecomesTheStatusMessage() throws Exception {
        String id = client.start("progress", "{}");
        long deadline = System.nanoTime() + 5_000_000_000L;
        Map<String, Object> task = client.get(id);
        while (!"halfway there".equals(task.get("statusMessage")) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            task = client.get(id);
        }
        assertEquals("halfway there", task.get("statusMessage"), task.toString());
        assertEquals("working", task.get("status"));
        HALFWAY.countDown();
        assertEquals("arrived", text(client.await(id, "completed").get("result")));
    }

    @Test
    void taskOptionsWithoutTaskSupportAreRefusedAtBuild() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Tool.builder("x").taskTtl(java.time.Duration.ofMinutes(1)).execute((args, ctx) -> "x").build());
        assertTrue(e.getMessage().contains("taskSupport(TaskSupport.OPTIONAL)"), e.getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> Tool.builder("x").startTaskInHandler().execute((args, ctx) -> "x").build());
    }

    @Test
    void removedMethodsAndWrongRoutingHeadersAreRefused() throws Exception {
        for (String removed : List.of("tasks/result", "tasks/list")) {
            String params = removed.equals("tasks/list") ? "{}" : TaskClient.taskParams("t");
            refused(client.send(removed, params, TaskClient.ALL), 404, -32601);
        }
        String id = client.start("slow", "{\"ms\":10}");
        refused(client.send("tasks/get", TaskClient.taskParams(id), TaskClient.ALL, "Mcp-Name", "another"), 400,
                -32020);
        refused(client.send("tasks/get", TaskClient.taskParams(id), TaskClient.ALL, "Mcp-Name", null), 400, -32020);
        Map<String, Object> noAnswers = client.error("tasks/update", TaskClient.taskParams(id));
        assertEquals(-32602, ((Number) noAnswers.get("code")).intValue());
        assertTrue(((String) noAnswers.get("message")).contains("inputResponses"), noAnswers.toString());
    }
}
