package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fastmcp.server.Json;
import dev.fastmcp.transport.StdioPipe;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TransportHardeningTest {

    private FastMCP server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private FastMCP build(boolean stateless) {
        server = FastMCP.builder("probe", "1.0.0")
                .http(h -> h.keepAliveInterval(Duration.ofSeconds(1))) // so that stream reads below return within bounds
                .addTool(Tool.builder("secret").canAccess(Auth.requireAuth()).execute((a, c) -> "s").build())
                .addTool(Tool.builder("open").execute((a, c) -> "o").build())
                .addResource(Resource.builder("secret://r", "r").canAccess(Auth.requireAuth())
                        .read(c -> "hidden").build())
                .build();
        return server.start(StartOptions.http().port(0).stateless(stateless));
    }

    private static String normalize(String body, String name) {
        return body.replace(name, "NAME");
    }

    /** A refused tool must be indistinguishable from a missing one, whatever the arguments look like. */
    @Test
    void refusedToolWithMalformedArgumentsAnswersLikeUnknownTool() throws Exception {
        RawMcp raw = new RawMcp(build(false));
        raw.initialize();
        HttpResponse<String> missing = raw.call(2, "tools/call", "{\"name\":\"nope\",\"arguments\":\"x\"}");
        HttpResponse<String> refused = raw.call(2, "tools/call", "{\"name\":\"secret\",\"arguments\":\"x\"}");
        assertTrue(refused.body().contains("\"id\":2"), "no JSON-RPC response at all for request 2: [" + refused.body() + "]");
        assertEquals(normalize(missing.body(), "nope"), normalize(refused.body(), "secret"));
    }

    @Test
    void allowedToolWithMalformedArgumentsGetsAnError() throws Exception {
        RawMcp raw = new RawMcp(build(false));
        raw.initialize();
        HttpResponse<String> r = raw.call(3, "tools/call", "{\"name\":\"open\",\"arguments\":[1]}");
        assertTrue(r.body().contains("\"id\":3"), "no JSON-RPC response for request 3: [" + r.body() + "]");
    }

    @Test
    void statelessRefusedToolWithMalformedArgumentsAnswersLikeUnknownTool() throws Exception {
        RawMcp raw = new RawMcp(build(true));
        HttpResponse<String> missing = raw.call(2, "tools/call", "{\"name\":\"nope\",\"arguments\":\"x\"}");
        HttpResponse<String> refused = raw.call(2, "tools/call", "{\"name\":\"secret\",\"arguments\":\"x\"}");
        assertEquals(missing.statusCode(), refused.statusCode());
        assertEquals(normalize(missing.body(), "nope"), normalize(refused.body(), "secret"));
    }

    @Test
    void statelessAdvertisesOnlyWhatItServes() throws Exception {
        RawMcp raw = new RawMcp(build(true));
        HttpResponse<String> init = raw.initialize();
        HttpResponse<String> level = raw.call(5, "logging/setLevel", "{\"level\":\"debug\"}");
        // A stateless server cannot send log messages, so it does not advertise logging, and setLevel is unknown.
        Object result = Json.parseObject(init.body(), "initialize").get("result");
        assertTrue(result instanceof Map<?, ?> r && r.get("capabilities") instanceof Map<?, ?> c
                && c.containsKey("tools") && !c.containsKey("logging"), init.body());
        assertTrue(level.body().contains("\"code\":-32601"), level.body());
    }

    /** Bodies under the configured limit (4 MiB by default) must be accepted. */
    @Test
    void threeMegabyteBodyIsUnderTheDefaultLimit() throws Exception {
        RawMcp raw = new RawMcp(build(false));
        raw.initialize();
        String big = "x".repeat(3 * 1024 * 1024);
        HttpResponse<String> r = raw.call(4, "ping", "{\"pad\":\"" + big + "\"}");
        assertEquals(200, r.statusCode());
    }

    /**
     * canAccess on a resource: a caller who may not read it must not subscribe to it either. The open resource is
     * the control: its update proves that updates reach this stream, and, sent after the refused one's on the same
     * stream, that the refused one's would have arrived first.
     */
    @Test
    void refusedResourceCannotBeSubscribed() throws Exception {
        server = FastMCP.builder("probe", "1.0.0")
                .http(h -> h.keepAliveInterval(Duration.ofSeconds(1))) // so that the reads below see the deadline
                .addResource(Resource.builder("secret://r", "r").canAccess(Auth.requireAuth())
                        .read(c -> "hidden").build())
                .addResource(Resource.builder("open://r", "o").read(c -> "shown").build())
                .build().start(StartOptions.http().port(0));
        RawMcp raw = new RawMcp(server);
        raw.initialize();
        HttpResponse<String> read = raw.call(6, "resources/read", "{\"uri\":\"secret://r\"}");
        HttpResponse<String> sub = raw.call(7, "resources/subscribe", "{\"uri\":\"secret://r\"}");
        assertTrue(sub.body().contains("-32002"), "refused like a missing resource: " + sub.body());
        assertEquals(read.body().replace("\"id\":6", ""), sub.body().replace("\"id\":7", ""));
        HttpResponse<String> control = raw.call(8, "resources/subscribe", "{\"uri\":\"open://r\"}");
        assertTrue(control.body().contains("\"result\""), "the open resource can be subscribed: " + control.body());

        HttpResponse<java.io.InputStream> get = raw.http.sendAsync(
                raw.request("Accept", "text/event-stream", "MCP-Protocol-Version", "2025-11-25").GET().build(),
                HttpResponse.BodyHandlers.ofInputStream()).get(5, TimeUnit.SECONDS);
        assertEquals(200, get.statusCode());
        BufferedReader lines = new BufferedReader(new InputStreamReader(get.body(), StandardCharsets.UTF_8));
        for (String line = lines.readLine(); !": open".equals(line); line = lines.readLine()) {
            assertTrue(line != null, "the listening stream ended before it opened");
        }
        server.notifyResourceUpdated("secret://r");
        server.notifyResourceUpdated("open://r");
        List<String> updates = new java.util.ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (String line = lines.readLine(); line != null && System.nanoTime() < end; line = lines.readLine()) {
            if (line.contains("resources/updated")) {
                updates.add(line);
                if (line.contains("open://r")) {
                    break;
                }
            }
        }
        assertEquals(1, updates.size(), "only the open resource's update arrives: " + updates);
        assertTrue(updates.get(0).contains("open://r"), updates.get(0));
    }

    /** stdio: a request whose params the SDK cannot read must still get a response. */
    @Test
    void stdioMalformedArgumentsGetAResponse() throws Exception {
        FastMCP.Builder server = FastMCP.builder("p", "1")
                .addTool(Tool.builder("open").execute((a, ctx) -> "o").build());
        try (StdioPipe stdio = new StdioPipe(server.blueprint())) {
            stdio.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                    + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}");
            stdio.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"open\","
                    + "\"arguments\":\"x\"}}");
            stdio.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}");
            assertTrue(stdio.nextLine(30).contains("\"id\":1"), "initialize is answered first");
            String second = stdio.nextLine(30);
            assertTrue(second.contains("\"id\":2") && second.contains("-32602"),
                    "request 2 is answered (invalid params) before the ping: " + second);
        }
    }

    /** A client that keeps POSTing (and never opens GET) is not idle. */
    @Test
    void activePostOnlySessionDoesNotExpire() throws Exception {
        server = FastMCP.builder("probe", "1.0.0").sessions(s -> s.idleTimeout(Duration.ofSeconds(2)))
                .addTool(Tool.builder("open").execute((a, c) -> "o").build()).build()
                .start(StartOptions.http().port(0));
        RawMcp raw = new RawMcp(server);
        raw.initialize();
        for (int i = 0; i < 12; i++) {
            HttpResponse<String> r = raw.call(100 + i, "ping", "{}");
            assertEquals(200, r.statusCode(), "ping " + i + " after " + (i * 500) + " ms of activity: " + r.body());
            Thread.sleep(500);
        }
    }

    /** A tool with an invalid schema is refused at build time, so a running server never half-registers it. */
    @Test
    void aToolWithAnInvalidSchemaIsRefusedBeforeRegistration() throws Exception {
        RawMcp raw = new RawMcp(build(false));
        raw.initialize();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Tool.builder("open").parameters("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"bogus\"}}}")
                        .execute((a, c) -> "NEW").build());
        assertTrue(e.getMessage().contains("open"), e.getMessage());
        String list = raw.call(8, "tools/list", "{}").body();
        assertFalse(list.contains("bogus"), list);
        assertTrue(raw.call(9, "tools/call", "{\"name\":\"open\",\"arguments\":{}}").body().contains("\"text\":\"o\""));
    }

    @Test
    void stopEndsOpenStreamsAndRunningCallsPromptly() throws Exception {
        server = FastMCP.builder("probe", "1.0.0")
                .addTool(Tool.builder("slow").execute((a, c) -> {
                    c.log().info("started");
                    Thread.sleep(20000);
                    return "done";
                }).build())
                .build().start(StartOptions.http().port(0));
        RawMcp raw = new RawMcp(server);
        raw.initialize();
        CompletableFuture<HttpResponse<String>> get = raw.http.sendAsync(
                raw.request("Accept", "text/event-stream").GET().build(), HttpResponse.BodyHandlers.ofString());
        CompletableFuture<HttpResponse<String>> call = raw.http.sendAsync(raw.request("Content-Type",
                "application/json", "Accept", RawMcp.ACCEPT_BOTH).POST(HttpRequest.BodyPublishers.ofString(
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Thread.sleep(500);
        long t0 = System.nanoTime();
        server.stop();
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 5_000, "stop is prompt");
        assertEquals(200, get.get(5, TimeUnit.SECONDS).statusCode());
        assertFalse(call.get(5, TimeUnit.SECONDS).body().contains("done"), "the interrupted call sends no result");
    }
}
