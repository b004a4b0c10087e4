package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Status notifications of tasks ({@code notifications/tasks}) on {@code subscriptions/listen}: a listener names the
 * tasks it follows, and follows only those that are its own; each change of their status arrives as the task,
 * tagged with the listen request's id.
 */
@Timeout(30)
class ModernTaskListenTest {

    private static final Map<String, AuthSession> SESSIONS = Map.of(
            "alice", AuthSession.of("alice", "app", List.of(), Map.of(), null),
            "bob", AuthSession.of("bob", "app", List.of(), Map.of(), null));

    private static FastMCP server() {
        return FastMCP.builder("listened", "1.0.0")
                .authenticate(request -> SESSIONS.get(String.valueOf(request.header("authorization"))
                        .replace("Bearer ", "")))
                .addTool(Tool.builder("ask").taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> "answered " + ctx.elicit("Sure?", ModernTasksTest.CONFIRM).action())
                        .build())
                .build().start(StartOptions.http().port(0));
    }

    @Test
    void aListenerFollowsItsOwnTasksOnly() throws Exception {
        try (FastMCP server = server()) {
            TaskClient alice = new TaskClient(server, "alice");
            String mine = alice.start("ask", "{}");
            alice.await(mine, "input_required");
            String bobs = new TaskClient(server, "bob").start("ask", "{}");

            BlockingQueue<Map<String, Object>> frames = TaskClient.listen(server, "alice", List.of(mine, bobs, "made-up"));
            Map<String, Object> ack = TaskClient.next(frames);
            assertEquals("notifications/subscriptions/acknowledged", ack.get("method"));
            assertEquals(Map.of("taskIds", List.of(mine)), ((Map<?, ?>) ack.get("params")).get("notifications"),
                    "only alice's own task is followed");

            Map<?, ?> now = (Map<?, ?>) TaskClient.next(frames).get("params");
            assertEquals(mine, now.get("taskId"));
            assertEquals("input_required", now.get("status"), "the task as it is when the stream opens");

            alice.update(mine, "{\"input_1\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}");
            Map<String, Object> frame = TaskClient.next(frames);
            while (!"completed".equals(((Map<?, ?>) frame.get("params")).get("status"))) {
                assertEquals("notifications/tasks", frame.get("method"));
                frame = TaskClient.next(frames);
            }
            Map<?, ?> done = (Map<?, ?>) frame.get("params");
            assertEquals(mine, done.get("taskId"));
            assertEquals("answered ACCEPT", TaskClient.text(done.get("result")));
            assertEquals("l-1", ((Map<?, ?>) done.get("_meta")).get("io.modelcontextprotocol/subscriptionId"));
            assertNull(frames.poll(300, TimeUnit.MILLISECONDS), "nothing about bob's task: " + frames);
        }
    }
}
