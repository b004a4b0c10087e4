package dev.fastmcp;

import static dev.fastmcp.ModernEnvelopeTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code subscriptions/listen} of MCP 2026-07-28: the acknowledgment first, then the changes asked for and no
 * others, every frame tagged with the listen request's id, and a clean end when the server stops.
 */
@Timeout(30)
class ModernListenTest {

    private static final String END = "<end of stream>";

    /** An open listen stream: its frames, as they come. */
    private record Listen(HttpResponse<Stream<String>> response, BlockingQueue<String> frames) {

        Map<String, Object> next() throws InterruptedException {
            String frame = frames.poll(5, TimeUnit.SECONDS);
            if (frame == null || frame.equals(END)) {
                throw new AssertionError("no frame within 5 seconds: " + frame);
            }
            return Json.parseObject(frame, "frame");
        }

        String nothingWithin(long millis) throws InterruptedException {
            return frames.poll(millis, TimeUnit.MILLISECONDS);
        }
    }

    private static Listen listen(RawModern mcp, Object id, String filter) throws Exception {
        String body = RawModern.body(id, "subscriptions/listen", "{\"notifications\":" + filter + "}");
        HttpRequest.Builder b = HttpRequest.newBuilder(mcp.uri).timeout(Duration.ofSeconds(25))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream");
        RawModern.headersFor(body).forEach(b::header);
        HttpResponse<Stream<String>> response = mcp.http.send(b.POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofLines());
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                response.body().filter(line -> line.startsWith("data:"))
                        .forEach(line -> frames.add(line.substring(5).strip()));
            } catch (RuntimeException closed) {
                // the stream was cut
            }
            frames.add(END);
        });
        reader.setDaemon(true);
        reader.start();
        return new Listen(response, frames);
    }

    private static Map<?, ?> params(Map<String, Object> frame) {
        return (Map<?, ?>) frame.get("params");
    }

    private static Object subscriptionId(Map<String, Object> frame) {
        Map<?, ?> meta = (Map<?, ?>) (frame.containsKey("params") ? params(frame) : (Map<?, ?>) frame.get("result"))
                .get("_meta");
        return meta.get("io.modelcontextprotocol/subscriptionId");
    }

    @Test
    void theStreamCarriesWhatWasAskedForTaggedWithTheListenId() throws Exception {
        AtomicReference<FastMCP> self = new AtomicReference<>();
        FastMCP server = FastMCP.builder("listen", "1.0.0")
                .addTool(Tool.builder("test_trigger_tool_change").description("Adds a tool").execute((args, ctx) -> {
                    self.get().addTool(Tool.builder("added").execute((a, c) -> "added").build());
                    return "triggered";
                }).build())
                .addResource(Resource.builder("test://watched", "watched").read(ctx -> "now").build())
                .build().start(StartOptions.http().port(0));
        self.set(server);
        try {
            RawModern mcp = new RawModern(server);
            Listen listen = listen(mcp, 77, "{\"toolsListChanged\":true,\"resourceSubscriptions\":"
                    + "[\"test://watched\",\"test://unknown\"]}");
            assertEquals(200, listen.response().statusCode());
            assertTrue(listen.response().headers().firstValue("Content-Type").orElse("")
                    .startsWith("text/event-stream"));
            Map<String, Object> ack = listen.next();
            assertEquals("notifications/subscriptions/acknowledged", ack.get("method"));
            assertEquals(77, subscriptionId(ack));
            assertEquals(Map.of("toolsListChanged", true, "resourceSubscriptions", List.of("test://watched")),
                    params(ack).get("notifications"), "what the server honours: no unknown resource");

            HttpResponse<String> trigger = mcp.call(1, "tools/call", "{\"name\":\"test_trigger_tool_change\"}");
            assertTrue(trigger.body().contains("triggered"), trigger.body());
            Map<String, Object> changed = listen.next();
            assertEquals("notifications/tools/list_changed", changed.get("method"));
            assertEquals(77, subscriptionId(changed));

            server.addPrompt(Prompt.builder("p").render((a, c) -> "p").build());
            server.removeResource("test://other");
            server.notifyResourceUpdated("test://watched");
            Map<String, Object> updated = listen.next();
            assertEquals("notifications/resources/updated", updated.get("method"), "no prompt change: " + updated);
            assertEquals("test://watched", params(updated).get("uri"));
            assertEquals(77, subscriptionId(updated));

            server.stop();
            Map<String, Object> cancelled = listen.next();
            assertEquals("notifications/cancelled", cancelled.get("method"));
            assertEquals(77, params(cancelled).get("requestId"));
            Map<String, Object> result = listen.next();
            assertEquals(77, result.get("id"));
            assertEquals("complete", ((Map<?, ?>) result.get("result")).get("resultType"));
            assertEquals(77, subscriptionId(result));
            assertEquals(END, listen.frames().poll(5, TimeUnit.SECONDS), "the stream ends");
        } finally {
            server.close();
        }
    }

    @Test
    void theFilterIsHonoured() throws Exception {
        try (FastMCP server = FastMCP.builder("filter", "1.0.0").build().start(StartOptions.http().port(0))) {
            Listen prompts = listen(new RawModern(server), "l-1", "{\"promptsListChanged\":true}");
            assertEquals(Map.of("promptsListChanged", true), params(prompts.next()).get("notifications"));
            server.addTool(Tool.builder("t").execute((a, c) -> "t").build());
            server.addPrompt(Prompt.builder("p").render((a, c) -> "p").build());
            Map<String, Object> frame = prompts.next();
            assertEquals("notifications/prompts/list_changed", frame.get("method"), "no tool change before it");
            assertEquals("l-1", subscriptionId(frame));
            assertNull(prompts.nothingWithin(300));
        }
    }

    @Test
    void badFiltersAreRefusedBeforeTheStreamOpens() throws Exception {
        try (FastMCP server = FastMCP.builder("bad", "1.0.0").build().start(StartOptions.http().port(0))) {
            RawModern mcp = new RawModern(server);
            HttpResponse<String> tasks = mcp.call(5, "subscriptions/listen", "{\"notifications\":{\"taskIds\":[\"t\"]}}");
            Map<String, Object> error = assertRefused(tasks, 400, -32021, 5);
            assertEquals(Map.of("requiredCapabilities", Map.of("extensions",
                    Map.of("io.modelcontextprotocol/tasks", Map.of()))), error.get("data"));
            assertRefused(mcp.call(6, "subscriptions/listen", "{}"), 200, -32602, 6);
        }
    }
}
