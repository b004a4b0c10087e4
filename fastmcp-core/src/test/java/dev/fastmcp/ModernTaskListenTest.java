package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fastmcp.server.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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

    /** Opens a listen stream of {@code token} for {@code taskIds}; its frames arrive in the returned queue. */
    private static BlockingQueue<Map<String, Object>> listen(FastMCP server, String token, List<String> taskIds)
            throws Exception {
        String body = TaskClient.body("l-1", "subscriptions/listen", "{\"notifications\":{\"taskIds\":"
                + Json.string(taskIds) + "}}", TaskClient.ALL);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                .timeout(Duration.ofSeconds(25)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "subscriptions/listen").header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<Stream<String>> response = HttpClient.newHttpClient().send(request,
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, response.statusCode());
        BlockingQueue<Map<String, Object>> frames = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                response.body().filter(line -> line.startsWith("data:"))
                        .forEach(line -> frames.add(Json.parseObject(line.substring(5).strip(), "frame")));
            } catch (RuntimeException closed) {
                // the server stopped
            }
        }, "listen-reader");
        reader.setDaemon(true);
        reader.start();
        return frames;
    }

    private static Map<String, Object> next(BlockingQueue<Map<String, Object>> frames) throws InterruptedException {
        Map<String, Object> frame = frames.poll(5, TimeUnit.SECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within 5 seconds");
        }
        return frame;
    }

    @Test
    void aListenerFollowsItsOwnTasksOnly() throws Exception {
        try (FastMCP server = server()) {
            TaskClient alice = new TaskClient(server, "alice");
            String mine = alice.start("ask", "{}");
            alice.await(mine, "input_required");
            String bobs = new TaskClient(server, "bob").start("ask", "{}");

            BlockingQueue<Map<String, Object>> frames = listen(server, "alice", List.of(mine, bobs, "made-up"));
            Map<String, Object> ack = next(frames);
            assertEquals("notifications/subscriptions/acknowledged", ack.get("method"));
            assertEquals(Map.of("taskIds", List.of(mine)), ((Map<?, ?>) ack.get("params")).get("notifications"),
                    "only alice's own task is followed");

            Map<?, ?> now = (Map<?, ?>) next(frames).get("params");
            assertEquals(mine, now.get("taskId"));
            assertEquals("input_required", now.get("status"), "the task as it is when the stream opens");

            alice.update(mine, "{\"input_1\":{\"action\":\"accept\",\"content\":{\"confirm\":true}}}");
            Map<String, Object> frame = next(frames);
            while (!"completed".equals(((Map<?, ?>) frame.get("params")).get("status"))) {
                assertEquals("notifications/tasks", frame.get("method"));
                frame = next(frames);
            }
            Map<?, ?> done = (Map<?, ?>) frame.get("params");
            assertEquals(mine, done.get("taskId"));
            assertEquals("answered ACCEPT", TaskClient.text(done.get("result")));
            assertEquals("l-1", ((Map<?, ?>) done.get("_meta")).get("io.modelcontextprotocol/subscriptionId"));
            assertNull(frames.poll(300, TimeUnit.MILLISECONDS), "nothing about bob's task: " + frames);
        }
    }
}
