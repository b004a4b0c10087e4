package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import dev.fastmcp.transport.StdioPipe;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a misbehaving or hostile client sends (found by fuzzing) gets a client error in the JSON-RPC shape, never a
 * server error or a Java exception's text, and cannot write lines of its own into the server's log nor flood it.
 */
@Timeout(60)
class RequestRobustnessTest {

    /** Requests whose params are missing or of the wrong shape, as {method, params JSON or null}. */
    private static final List<String[]> BAD_PARAMS = List.of(
            new String[] {"logging/setLevel", null},
            new String[] {"logging/setLevel", "{}"},
            new String[] {"logging/setLevel", "{\"level\":7}"},
            new String[] {"resources/unsubscribe", null},
            new String[] {"resources/unsubscribe", "{\"uri\":{}}"},
            new String[] {"resources/subscribe", "{}"},
            new String[] {"resources/read", null},
            new String[] {"resources/read", "{\"uri\":[1]}"},
            new String[] {"prompts/get", null},
            new String[] {"prompts/get", "{\"name\":\"greet\",\"arguments\":\"x\"}"},
            new String[] {"tools/call", null},
            new String[] {"tools/call", "{\"name\":\"echo\",\"arguments\":[1]}"},
            new String[] {"tools/call", "{\"name\":\"echo\",\"arguments\":{},\"_meta\":{\"progressToken\":{}}}"},
            new String[] {"completion/complete", null},
            new String[] {"completion/complete", "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"greet\"}}"},
            new String[] {"completion/complete", "{\"ref\":{\"type\":\"ref/nope\"},\"argument\":{\"name\":\"a\"}}"},
            new String[] {"tools/list", "{\"cursor\":{}}"});

    private static FastMCP.Builder base() {
        return FastMCP.builder("robust", "1.0.0")
                .addTool(Tool.builder("echo").description("echo").execute((a, c) -> "echo").build())
                .addResource(Resource.builder("res://one", "one").read(c -> "one").build())
                .addPrompt(Prompt.builder("greet").description("greet").render((a, c) -> "hello").build());
    }

    /** The JSON-RPC message answering a request: the body, or the last event of an SSE body. */
    private static Map<String, Object> lastMessage(HttpResponse<String> r) {
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
            List<Map<String, Object>> events = RawMcp.events(r.body());
            return events.get(events.size() - 1);
        }
        return Json.parseObject(r.body(), "response");
    }

    private static Map<String, Object> error(Map<String, Object> response) {
        assertTrue(response.get("error") instanceof Map, "an error response: " + response);
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) response.get("error");
        return error;
    }

    private static void assertInvalidParams(String what, Map<String, Object> response) {
        Map<String, Object> error = error(response);
        assertEquals(-32602, ((Number) error.get("code")).intValue(), what + ": " + response);
        String text = Json.string(error);
        for (String internal : List.of("Cannot invoke", "java.", "Exception", "McpSchema", "jackson", "null")) {
            assertFalse(text.contains(internal), what + " leaks '" + internal + "': " + text);
        }
    }

    private static String request(int id, String method, String params) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
                + (params == null ? "" : ",\"params\":" + params) + "}";
    }

    // HTTP

    @Test
    void missingParamsAreInvalidParamsWithoutInternalText() throws Exception {
        try (FastMCP server = base().build().start(StartOptions.http().port(0))) {
            RawMcp mcp = new RawMcp(server);
            mcp.initialize();
            int id = 10;
            for (String[] bad : BAD_PARAMS) {
                HttpResponse<String> r = mcp.post(request(id++, bad[0], bad[1]), "MCP-Protocol-Version", "2025-11-25");
                String what = bad[0] + " " + bad[1];
                assertEquals(200, r.statusCode(), what + ": " + r.body());
                assertInvalidParams(what, lastMessage(r));
            }
        }
    }

    @Test
    void missingParamsAreInvalidParamsOnAStatelessServerToo() throws Exception {
        try (FastMCP server = base().build().start(StartOptions.http().port(0).stateless(true))) {
            RawMcp mcp = new RawMcp(server);
            int id = 10;
            for (String[] bad : BAD_PARAMS) {
                if (bad[0].startsWith("logging/") || bad[0].startsWith("resources/") && bad[0].endsWith("subscribe")) {
                    continue; // no logging or subscriptions without sessions
                }
                HttpResponse<String> r = mcp.post(request(id++, bad[0], bad[1]));
                assertInvalidParams(bad[0] + " " + bad[1], Json.parseObject(r.body(), "response"));
            }
        }
    }

    @Test
    void anInvalidLoggingLevelIsRefused() throws Exception {
        try (FastMCP server = base().build().start(StartOptions.http().port(0))) {
            RawMcp mcp = new RawMcp(server);
            mcp.initialize();
            assertInvalidParams("loud", lastMessage(mcp.call(2, "logging/setLevel", "{\"level\":\"loud\"}")));
            Map<String, Object> ok = lastMessage(mcp.call(3, "logging/setLevel", "{\"level\":\"warning\"}"));
            assertTrue(ok.containsKey("result"), ok.toString());
        }
    }

    @Test
    void cancelledNotificationWithoutARequestIdIsNotAServerError() throws Exception {
        try (FastMCP server = base().build().start(StartOptions.http().port(0));
                LogCapture log = new LogCapture("dev.fastmcp")) {
            RawMcp mcp = new RawMcp(server);
            mcp.initialize();
            for (String params : new String[] {null, "{}", "{\"requestId\":null}", "{\"requestId\":{}}", "[]"}) {
                if ("[]".equals(params)) {
                    continue; // params must be an object: refused as an invalid request before any transport
                }
                HttpResponse<String> r = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\""
                        + (params == null ? "" : ",\"params\":" + params) + "}", "MCP-Protocol-Version", "2025-11-25");
                assertEquals(202, r.statusCode(), params + ": " + r.body());
            }
            assertEquals(200, mcp.call(5, "ping", "{}").statusCode());
            assertFalse(log.text().contains("Exception"), log.text());
        }
    }

    @Test
    void controlCharactersFromAClientCannotForgeLogLines() throws Exception {
        try (FastMCP server = base().build().start(StartOptions.http().port(0));
                LogCapture log = new LogCapture("dev.fastmcp", "io.modelcontextprotocol")) {
            RawMcp mcp = new RawMcp(server);
            mcp.initialize();
            String forged = "x\\r\\nFORGED WARN dev.fastmcp - admin logged in\\u2028FORGED";
            assertEquals(202, mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"" + forged + "\",\"result\":{}}",
                    "MCP-Protocol-Version", "2025-11-25").statusCode());
            assertEquals(202, mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"" + forged + "\",\"params\":{}}",
                    "MCP-Protocol-Version", "2025-11-25").statusCode());
            assertEquals(200, mcp.post(request(7, "nope/" + forged, "{}"), "MCP-Protocol-Version", "2025-11-25")
                    .statusCode());
            assertEquals(200, mcp.call(8, "ping", "{}").statusCode());
            assertEquals(200, new RawMcp(server).post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
                    + "\"params\":{\"protocolVersion\":\"" + forged + "\",\"capabilities\":{\"experimental\":{\""
                    + forged + "\":\"" + forged + "\"}},\"clientInfo\":{\"name\":\"" + forged + "\",\"version\":\""
                    + forged + "\"}}}").statusCode());
            String text = log.text();
            assertTrue(text.contains("x\\r\\nFORGED"), "the value is logged, escaped: " + text);
            for (String line : text.split("\n")) {
                assertFalse(line.startsWith("FORGED"), "a forged log line: " + text);
            }
            assertFalse(text.contains("\u2028"), text);
        }
    }

    @Test
    void unknownNotificationsCannotFloodTheLog() throws Exception {
        try (FastMCP server = base().build().start(StartOptions.http().port(0))) {
            RawMcp mcp = new RawMcp(server);
            mcp.initialize();
            try (LogCapture log = new LogCapture()) { // the levels a server runs with
                for (int i = 0; i < 30; i++) {
                    assertEquals(202, mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/flood" + i
                            + "\",\"params\":{\"secret\":\"PARAMS-MARKER\"}}", "MCP-Protocol-Version", "2025-11-25")
                            .statusCode());
                    assertEquals(202, mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}",
                            "MCP-Protocol-Version", "2025-11-25").statusCode());
                }
                for (int i = 0; i < 5; i++) { // responses to nothing
                    assertEquals(202, mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"s-" + i + "\",\"result\":{}}",
                            "MCP-Protocol-Version", "2025-11-25").statusCode());
                }
                assertEquals(200, mcp.call(2, "ping", "{}").statusCode());
                assertEquals("", log.text().strip(), "nothing logged at the levels a server runs with");
            }
            try (LogCapture debug = new LogCapture("dev.fastmcp", "io.modelcontextprotocol")) {
                mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/flood\",\"params\":{\"secret\":"
                        + "\"PARAMS-MARKER\"}}", "MCP-Protocol-Version", "2025-11-25");
                assertEquals(200, mcp.call(3, "ping", "{}").statusCode());
                assertFalse(debug.text().contains("PARAMS-MARKER"), "params are never logged: " + debug.text());
            }
        }
    }

    @Test
    void theListeningStreamSendsItsHeadersAtOnce() throws Exception {
        try (FastMCP server = base().http(h -> h.keepAliveInterval(Duration.ofMinutes(10))).build()
                .start(StartOptions.http().port(0))) {
            RawMcp mcp = new RawMcp(server);
            // 2025-06-18: no priming event, so nothing but the headers is due when the stream opens
            HttpResponse<String> init = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                    + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\","
                    + "\"version\":\"1\"}}}");
            mcp.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpRequest get = mcp.request("Accept", "text/event-stream", "MCP-Protocol-Version", "2025-06-18")
                    .GET().build();
            HttpResponse<InputStream> stream = mcp.http.sendAsync(get, HttpResponse.BodyHandlers.ofInputStream())
                    .get(3, TimeUnit.SECONDS);
            try (InputStream body = stream.body()) {
                assertEquals(200, stream.statusCode());
                assertEquals("text/event-stream", stream.headers().firstValue("Content-Type").orElse(""));
            }
        }
    }

    @Test
    void readyDoesNotTellStrangersTheNumberOfSessions() throws Exception {
        try (FastMCP server = base().build().start(StartOptions.http().port(0))) {
            RawMcp mcp = new RawMcp(server);
            mcp.initialize();
            HttpResponse<String> ready = mcp.http.send(HttpRequest.newBuilder(mcp.uri.resolve("/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode());
            assertEquals(Map.of("status", "ready"), Json.parseObject(ready.body(), "ready"));
        }
    }

    // stdio

    @Test
    void overStdioMissingParamsAndInvalidLevelsAreInvalidParams() throws Exception {
        try (StdioPipe stdio = new StdioPipe(base().blueprint())) {
            stdio.initialize();
            int id = 10;
            for (String[] bad : BAD_PARAMS) {
                assertInvalidParams(bad[0] + " " + bad[1], stdio.call(id++, bad[0], bad[1]));
            }
            assertInvalidParams("loud", stdio.call(id++, "logging/setLevel", "{\"level\":\"loud\"}"));
        }
    }

    @Test
    void overStdioBadNotificationsAreIgnoredQuietly() throws Exception {
        try (LogCapture log = new LogCapture(); StdioPipe stdio = new StdioPipe(base().blueprint())) {
            stdio.initialize();
            stdio.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":null}}");
            stdio.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\"}");
            stdio.send("{\"jsonrpc\":\"2.0\",\"method\":\"x\\r\\nFORGED\",\"params\":{\"secret\":\"PARAMS-MARKER\"}}");
            stdio.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/roots/list_changed\"}");
            Map<String, Object> pong = stdio.call(3, "ping", "{}");
            assertTrue(pong.containsKey("result"), "nothing but the ping's answer was written: " + pong);
            String text = log.text();
            assertFalse(text.contains("Exception") || text.contains("PARAMS-MARKER") || text.contains("FORGED"), text);
        }
    }
}
