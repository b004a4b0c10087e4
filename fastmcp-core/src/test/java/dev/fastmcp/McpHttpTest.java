package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Streamable HTTP rules, checked with plain HTTP. */
@Timeout(60)
class McpHttpTest {

    private FastMCP server;
    private RawMcp mcp;

    @BeforeEach
    void start() {
        server = FastMCP.builder("http-test", "1.0.0")
                .http(h -> h.maxRequestBytes(64 * 1024))
                .addTool(Tool.builder("quiet").description("Answers at once").execute((a, ctx) -> "hi").build())
                .addTool(Tool.builder("thread").description("Names its thread")
                        .execute((a, ctx) -> Thread.currentThread().getName()).build())
                .addTool(Tool.builder("chatty").description("Logs and reports progress").execute((a, ctx) -> {
                    for (int i = 1; i <= 3; i++) {
                        ctx.log().info("step " + i);
                        ctx.reportProgress(i, 3.0, null);
                    }
                    return "done";
                }).build())
                .build()
                .start(StartOptions.http().port(0));
        mcp = new RawMcp(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void initializeAnswersJsonWithASessionIdAndNotificationsGet202() throws Exception {
        HttpResponse<String> init = mcp.initialize();
        assertEquals(200, init.statusCode());
        assertTrue(init.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertNotNull(mcp.sessionId);
        assertTrue(mcp.sessionId.matches("[\\x21-\\x7E]{16,}"), "visible ASCII, long: " + mcp.sessionId);
        assertTrue(init.body().contains("\"protocolVersion\":\"2025-11-25\""));
        HttpResponse<String> note = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertEquals(202, note.statusCode());
        assertEquals("", note.body());
    }

    @Test
    void aRequestThatSendsNothingElseGetsPlainJson() throws Exception {
        mcp.initialize();
        HttpResponse<String> r = mcp.call(1, "tools/call", "{\"name\":\"quiet\",\"arguments\":{}}");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        assertTrue(r.body().contains("\"text\":\"hi\""), r.body());
    }

    @Test
    void toolCodeRunsOnTheToolExecutorNeverOnAnIoThread() throws Exception {
        mcp.initialize();
        HttpResponse<String> r = mcp.call(1, "tools/call", "{\"name\":\"thread\",\"arguments\":{}}");
        assertTrue(r.body().contains("\"text\":\"fastmcp-tool-"), r.body());
        assertFalse(r.body().contains("I/O"), r.body());
    }

    @Test
    void notificationsSwitchTheReplyToSseInTheOrderSent() throws Exception {
        mcp.initialize();
        HttpResponse<String> r = mcp.call(2, "tools/call",
                "{\"name\":\"chatty\",\"arguments\":{},\"_meta\":{\"progressToken\":\"p\"}}");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<Map<String, Object>> events = RawMcp.events(r.body());
        List<String> methods = events.stream().map(e -> String.valueOf(e.get("method"))).toList();
        assertEquals(List.of("notifications/message", "notifications/progress", "notifications/message",
                "notifications/progress", "notifications/message", "notifications/progress", "null"), methods);
        assertEquals(2, events.get(6).get("id"));
        List<String> ids = RawMcp.eventIds(r.body());
        assertEquals(ids.size(), ids.stream().distinct().count(), "event ids are unique: " + ids);
    }

    @Test
    void sessionHeaderMissingGives400AndUnknownGives404() throws Exception {
        HttpResponse<String> missing = mcp.call(1, "tools/list", "{}");
        assertEquals(400, missing.statusCode());
        assertTrue(missing.body().contains("Mcp-Session-Id"));
        mcp.sessionId = "not-a-session";
        HttpResponse<String> unknown = mcp.call(1, "tools/list", "{}");
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body().contains("\"id\":1"), "the error echoes the request id: " + unknown.body());
    }

    @Test
    void deleteEndsTheSession() throws Exception {
        mcp.initialize();
        HttpResponse<String> deleted = mcp.http.send(mcp.request().DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, deleted.statusCode());
        assertEquals(404, mcp.call(1, "tools/list", "{}").statusCode());
    }

    @Test
    void protocolVersionHeaderIsChecked() throws Exception {
        mcp.initialize();
        for (String ok : List.of("2025-03-26", "2025-06-18", "2025-11-25")) {
            assertEquals(200, mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                    "MCP-Protocol-Version", ok).statusCode(), ok);
        }
        HttpResponse<String> bad = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}",
                "MCP-Protocol-Version", "1999-01-01");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("1999-01-01") && bad.body().contains("\"id\":7"), bad.body());
    }

    @Test
    void badMediaTypesAndBodiesGetTheRightStatus() throws Exception {
        mcp.initialize();
        assertEquals(415, mcp.post("{}", "Content-Type", "text/plain").statusCode());
        HttpResponse<String> notAcceptable = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                "Accept", "text/html");
        assertEquals(406, notAcceptable.statusCode());
        assertTrue(notAcceptable.body().contains("Accept"));
        HttpResponse<String> malformed = mcp.post("{\"jsonrpc\":");
        assertEquals(400, malformed.statusCode());
        assertTrue(malformed.body().contains("-32700"), malformed.body());
        HttpResponse<String> batch = mcp.post("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
        assertEquals(400, batch.statusCode());
        assertTrue(batch.body().contains("batches are not supported"), batch.body());
        HttpResponse<String> tooBig = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\""
                + "a".repeat(70 * 1024) + "\"}}");
        assertEquals(413, tooBig.statusCode());
        for (HttpResponse<String> r : List.of(notAcceptable, malformed, batch, tooBig)) {
            assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), "no stack trace: " + r.body());
            assertTrue(r.body().contains("\"jsonrpc\":\"2.0\""), "a JSON-RPC envelope: " + r.body());
        }
    }

    @Test
    void foreignHostAndOriginAreRefused() throws Exception {
        String evilHost = mcp.rawStatusLine("POST /mcp HTTP/1.1\r\nHost: evil.example.com\r\nContent-Type: "
                + "application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertTrue(evilHost.contains(" 403"), evilHost);
        HttpResponse<String> evilOrigin = mcp.post("{}", "Origin", "http://evil.example.com");
        assertEquals(403, evilOrigin.statusCode());
        HttpResponse<String> local = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\",\"version\":\"1\"}}}",
                "Origin", "http://localhost:6274");
        assertEquals(200, local.statusCode());
        assertEquals("http://localhost:6274", local.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(local.headers().firstValue("Access-Control-Expose-Headers").orElse("").contains("Mcp-Session-Id"));
    }

    @Test
    void corsPreflightNamesTheMcpHeaders() throws Exception {
        HttpResponse<String> r = mcp.http.send(mcp.request("Origin", "http://localhost:6274",
                        "Access-Control-Request-Method", "POST")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, r.statusCode());
        String allowed = r.headers().firstValue("Access-Control-Allow-Headers").orElse("");
        for (String h : List.of("Mcp-Session-Id", "Mcp-Protocol-Version", "Authorization", "Last-Event-ID")) {
            assertTrue(allowed.contains(h), h + " in " + allowed);
        }
    }

    @Test
    void corsPreflightNamesTheHeadersOfTheNewRevision() throws Exception {
        HttpResponse<String> r = mcp.http.send(mcp.request("Origin", "http://localhost:6274",
                        "Access-Control-Request-Method", "POST",
                        "Access-Control-Request-Headers", "mcp-method, mcp-name, mcp-param-region, x-other")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, r.statusCode());
        String allowed = r.headers().firstValue("Access-Control-Allow-Headers").orElse("");
        for (String h : List.of("Mcp-Method", "Mcp-Name", "mcp-param-region")) {
            assertTrue(allowed.contains(h), h + " in " + allowed);
        }
        assertFalse(allowed.contains("x-other"), allowed);
    }

    @Test
    void healthAndReadyAnswer() throws Exception {
        HttpResponse<String> health = mcp.http.send(HttpRequest.newBuilder(mcp.uri.resolve("/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());
        HttpResponse<String> ready = mcp.http.send(HttpRequest.newBuilder(mcp.uri.resolve("/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode());
        assertTrue(ready.body().contains("\"ready\""));
        HttpResponse<String> missing = mcp.http.send(HttpRequest.newBuilder(mcp.uri.resolve("/nope")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
    }

    @Test
    void unsupportedMethodGets405WithAllow() throws Exception {
        HttpResponse<String> r = mcp.http.send(mcp.request().PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, r.statusCode());
        assertEquals("GET, POST, DELETE", r.headers().firstValue("Allow").orElse(null));
        assertNull(r.headers().firstValue("Mcp-Session-Id").orElse(null));
    }
}
