package dev.fastmcp.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two server instances on one Redis serve each other's MCP sessions (2025-11-25, with {@code Mcp-Session-Id}):
 * round robin needs no sticky routing, and a session deleted at one instance ends at the other at once.
 */
@Timeout(60)
class RedisSessionStoreTest {

    private final TestRedis redis = new TestRedis();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void stop() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        redis.close();
    }

    private FastMCP instance() {
        RedisTokenStorage storage = RedisTokenStorage.builder(redis.url()).keyPrefix("sessions:").build();
        open.add(storage);
        FastMCP server = FastMCP.builder("shared", "1.0.0")
                .sessions(s -> s.store(RedisSessionStore.on(storage)))
                .addTool(Tool.builder("hello").execute((args, ctx) -> "hi from " + ctx.sessionId()).build())
                .addTool(Tool.builder("ask").execute((args, ctx) -> "hello " + ctx.elicit("Your name?",
                        java.util.Map.of("type", "object", "properties", java.util.Map.of("name",
                                java.util.Map.of("type", "string")))).content().get("name")).build())
                .build().start(StartOptions.http().port(0));
        open.add(server);
        return server;
    }

    private HttpResponse<String> post(FastMCP server, String session, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2025-11-25");
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theAnswerToAnElicitationSentToAnotherInstanceReachesTheToolThatAsked() throws Exception {
        FastMCP a = instance();
        FastMCP b = instance();
        HttpResponse<String> init = post(a, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"elicitation\":{}},\"clientInfo\":"
                + "{\"name\":\"t\",\"version\":\"1\"}}}");
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<java.util.stream.Stream<String>> call = http.sendAsync(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + a.port() + "/mcp")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-11-25").header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
                        + "\"tools/call\",\"params\":{\"name\":\"ask\",\"arguments\":{}}}")).build(),
                HttpResponse.BodyHandlers.ofLines()).get(10, java.util.concurrent.TimeUnit.SECONDS);
        java.util.Iterator<String> lines = call.body().iterator();
        String asked = null;
        while (asked == null && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data:") && line.contains("elicitation/create")) {
                asked = line;
            }
        }
        assertTrue(asked != null, "A asked");
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"id\":\"([^\"]+)\"").matcher(asked);
        assertTrue(id.find(), asked);
        HttpResponse<String> answered = post(b, session, "{\"jsonrpc\":\"2.0\",\"id\":\"" + id.group(1)
                + "\",\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}}");
        assertEquals(202, answered.statusCode(), answered.body());
        String result = null;
        while (result == null && lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("data:") && line.contains("\"id\":7")) {
                result = line;
            }
        }
        assertTrue(result != null && result.contains("hello Ada"), "the call at A completed: " + result);
    }

    @Test
    void sessionsAreServedRoundRobinAndEndEverywhereWhenDeleted() throws Exception {
        FastMCP a = instance();
        FastMCP b = instance();
        HttpResponse<String> init = post(a, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                + "\"version\":\"1\"}}}");
        assertEquals(200, init.statusCode(), init.body());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        List<FastMCP> roundRobin = List.of(b, a, b, a, b);
        for (int i = 0; i < roundRobin.size(); i++) {
            HttpResponse<String> r = post(roundRobin.get(i), session, "{\"jsonrpc\":\"2.0\",\"id\":" + (i + 1)
                    + ",\"method\":\"tools/call\",\"params\":{\"name\":\"hello\",\"arguments\":{}}}");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("hi from " + session), "the same session at every instance: " + r.body());
        }
        HttpResponse<String> deleted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port()
                + "/mcp")).header("Mcp-Session-Id", session).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, deleted.statusCode());
        for (FastMCP server : List.of(a, b)) {
            HttpResponse<String> r = post(server, session, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/list\","
                    + "\"params\":{}}");
            assertEquals(404, r.statusCode(), "deleted: " + r.body());
        }
    }

    @Test
    void aSubjectsShareOfSessionsHoldsAcrossInstances() throws Exception {
        java.util.function.Supplier<FastMCP> guarded = () -> {
            RedisTokenStorage storage = RedisTokenStorage.builder(redis.url()).keyPrefix("shares:").build();
            open.add(storage);
            FastMCP server = FastMCP.builder("shares", "1.0.0")
                    .authenticate(request -> {
                        String token = String.valueOf(request.header("authorization")).replace("Bearer ", "");
                        return dev.fastmcp.AuthSession.of(token, "app", List.of(), java.util.Map.of(), null);
                    })
                    .sessions(s -> s.max(10).perSubject(2).store(RedisSessionStore.on(storage)))
                    .addTool(Tool.builder("hello").execute((args, ctx) -> "hi " + ctx.auth().subject()).build())
                    .build().start(StartOptions.http().port(0));
            open.add(server);
            return server;
        };
        FastMCP a = guarded.get();
        FastMCP b = guarded.get();
        String first = initialize(a, "alice");
        String second = initialize(b, "alice");
        String bobs = initialize(a, "bob");
        for (FastMCP server : List.of(a, b)) {
            assertEquals(200, call(server, "alice", first).statusCode(), "within alice's share of 2");
        }
        String third = initialize(a, "alice");
        for (FastMCP server : List.of(a, b)) {
            assertEquals(404, call(server, "alice", first).statusCode(),
                    "alice's oldest session ended at every instance when she opened a third");
            assertEquals(200, call(server, "alice", second).statusCode());
            assertEquals(200, call(server, "alice", third).statusCode());
            assertEquals(200, call(server, "bob", bobs).statusCode(), "bob's share is his own");
        }
    }

    /** A new session at {@code server}: its id. {@code token} is sent as a bearer token unless null. */
    private String initialize(FastMCP server, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/mcp")).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> init = http.send(request
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
                        + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, init.statusCode(), init.body());
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    private HttpResponse<String> call(FastMCP server, String token, String session) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2025-11-25")
                .header("Authorization", "Bearer " + token).header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                        + "\"tools/call\",\"params\":{\"name\":\"hello\",\"arguments\":{}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void resumingAStreamAtAnotherInstanceIsSaidInTheLog() throws Exception {
        FastMCP a = instance();
        FastMCP b = instance();
        String session = initialize(a, null);
        try (dev.fastmcp.LogCapture log = dev.fastmcp.LogCapture.atInfo("dev.fastmcp")) {
            var stream = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + b.port() + "/mcp"))
                    .timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream")
                    .header("MCP-Protocol-Version", "2025-11-25").header("Mcp-Session-Id", session)
                    .header("Last-Event-ID", "s1-17").GET().build(), HttpResponse.BodyHandlers.ofLines())
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(200, stream.statusCode(), "a new stream opens");
            stream.body().close();
            assertTrue(log.text().contains("resumed a stream (Last-Event-ID) of a session another instance created"),
                    log.text());
        }
    }

    @Test
    void aSubscriptionOfASharedSessionIsSaidToStayWithItsInstance() throws Exception {
        FastMCP a = instance();
        String session = initialize(a, null);
        a.addResource(dev.fastmcp.Resource.builder("notes://today", "today").read(ctx -> "notes").build());
        try (dev.fastmcp.LogCapture log = dev.fastmcp.LogCapture.atInfo("dev.fastmcp")) {
            HttpResponse<String> subscribed = post(a, session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                    + "\"resources/subscribe\",\"params\":{\"uri\":\"notes://today\"}}");
            assertEquals(200, subscribed.statusCode(), subscribed.body());
            assertTrue(log.text().contains("the subscription is kept by this instance"), log.text());
        }
    }

    @Test
    void whatTheServerSendsOutsideARequestReachesTheStreamAtAnotherInstance() throws Exception {
        FastMCP a = instance();
        FastMCP b = instance();
        a.addResource(dev.fastmcp.Resource.builder("notes://today", "today").read(ctx -> "notes").build());
        String session = initialize(a, null);
        HttpResponse<java.util.stream.Stream<String>> stream = http.sendAsync(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + b.port() + "/mcp")).timeout(Duration.ofSeconds(20))
                .header("Accept", "text/event-stream").header("MCP-Protocol-Version", "2025-11-25")
                .header("Mcp-Session-Id", session).GET().build(), HttpResponse.BodyHandlers.ofLines())
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, stream.statusCode(), "the session's GET stream opens at B");
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                stream.body().filter(line -> line.startsWith("data:")).forEach(lines::add);
            } catch (RuntimeException closed) {
                // the server stopped
            }
        }, "stream-reader");
        reader.setDaemon(true);
        reader.start();

        HttpResponse<String> subscribed = post(a, session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                + "\"resources/subscribe\",\"params\":{\"uri\":\"notes://today\"}}");
        assertEquals(200, subscribed.statusCode(), subscribed.body());
        a.notifyResourceUpdated("notes://today");
        String line = lines.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        while (line != null && !line.contains("notifications/resources/updated")) {
            line = lines.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertTrue(line != null && line.contains("notes://today"),
                "the update raised at A reached the stream open at B: " + line);
        stream.body().close();
    }
}
