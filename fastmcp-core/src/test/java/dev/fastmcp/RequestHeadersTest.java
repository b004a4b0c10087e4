package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import dev.fastmcp.transport.StdioPipe;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tool code reads the headers of the HTTP request that carried its call from the {@link Context}, on both
 * revisions: read-only, names in lower case, without the caller's credentials; none over stdio.
 */
@Timeout(30)
class RequestHeadersTest {

    private static final String KEY = "Bearer key-7f3a";

    private FastMCP server;

    private static FastMCP.Builder builder() {
        return FastMCP.builder("headers", "1.0.0")
                .authenticate(request -> KEY.equals(request.header("authorization"))
                        ? AuthSession.of("api-client", List.of()) : null)
                .addTool(Tool.builder("headers").execute((args, ctx) -> Json.string(new TreeMap<>(ctx.headers())))
                        .build())
                .addTool(Tool.builder("tenant").execute((args, ctx) -> ctx.header("X-Tenant") + "|"
                        + ctx.header("x-tenant") + "|" + ctx.header("x-absent")).build())
                .addTool(Tool.builder("change").execute((args, ctx) -> {
                    try {
                        ctx.headers().put("x-tenant", "other");
                        return "changed";
                    } catch (UnsupportedOperationException e) {
                        return "read-only";
                    }
                }).build())
                .addTool(Tool.builder("token").execute((args, ctx) ->
                        String.valueOf(Auth.getAuthSession(ctx).accessToken())).build());
    }

    @BeforeEach
    void start() {
        server = builder().build().start(StartOptions.http().port(0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The text of the tool result in a JSON or SSE answer. */
    private static String text(String body) {
        Map<String, Object> message = body.startsWith("{") ? Json.parseObject(body, "answer")
                : RawMcp.events(body).get(RawMcp.events(body).size() - 1);
        Map<?, ?> result = (Map<?, ?>) message.get("result");
        assertFalse(Boolean.TRUE.equals(result.get("isError")), body);
        return (String) ((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text");
    }

    private static Map<String, Object> headersIn(String text) {
        return Json.parseObject(text, "headers");
    }

    @Test
    void aToolReadsTheHeadersOfItsRequestWithoutTheCredentials() throws Exception {
        RawMcp mcp = new RawMcp(server);
        HttpResponse<String> init = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\","
                + "\"version\":\"1\"}}}", "Authorization", KEY);
        assertEquals(200, init.statusCode(), init.body());
        mcp.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", "Authorization", KEY);

        String[] headers = {"Authorization", KEY, "MCP-Protocol-Version", "2025-11-25", "X-Tenant", "acme",
            "Cookie", "sid=secret-cookie"};
        Map<String, Object> seen = headersIn(text(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"headers\",\"arguments\":{}}}", headers).body()));
        assertEquals("acme", seen.get("x-tenant"), seen::toString);
        assertEquals(mcp.sessionId, seen.get("mcp-session-id"));
        assertFalse(seen.containsKey("authorization") || seen.containsKey("cookie"), seen::toString);
        assertFalse(seen.toString().contains("key-7f3a") || seen.toString().contains("secret-cookie"),
                seen::toString);
        assertTrue(seen.keySet().stream().allMatch(name -> name.equals(name.toLowerCase(java.util.Locale.ROOT))));

        assertEquals("acme|acme|null", text(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"tenant\",\"arguments\":{}}}", headers).body()));
        assertEquals("read-only", text(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"change\",\"arguments\":{}}}", headers).body()));
        assertEquals("null", text(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"token\",\"arguments\":{}}}", headers).body()),
                "a session of the authenticate hook knows no token for an identity provider");
    }

    @Test
    void onMcp20260728TooAndRepeatedHeadersAreJoined() throws Exception {
        RawModern modern = new RawModern(server);
        Map<String, Object> seen = headersIn(text(modern.call(1, "tools/call",
                "{\"name\":\"headers\",\"arguments\":{}}", "Authorization", KEY, "X-Tenant", "globex").body()));
        assertEquals("globex", seen.get("x-tenant"), seen::toString);
        assertEquals("tools/call", seen.get("mcp-method"));
        assertFalse(seen.containsKey("authorization"), seen::toString);

        String body = RawModern.body(2, "tools/call", "{\"name\":\"headers\",\"arguments\":{}}");
        try (RawHttp http = new RawHttp(server.port())) {
            http.send(RawHttp.head("POST /mcp HTTP/1.1", server.port(), "Content-Type: application/json",
                    "Accept: application/json, text/event-stream", "MCP-Protocol-Version: " + RawModern.VERSION,
                    "Mcp-Method: tools/call", "Mcp-Name: headers", "Authorization: " + KEY, "X-Trace: a",
                    "X-Trace: b", "Content-Length: " + body.length()) + body);
            RawHttp.Response response = http.response();
            assertEquals(200, response.status(), response.body());
            assertEquals("a, b", headersIn(text(response.body())).get("x-trace"));
        }
    }

    @Test
    void overStdioThereAreNoHeaders() throws Exception {
        try (StdioPipe stdio = new StdioPipe(builder().blueprint())) {
            stdio.initialize();
            Map<?, ?> result = (Map<?, ?>) stdio.call(1, "tools/call", "{\"name\":\"headers\",\"arguments\":{}}")
                    .get("result");
            assertEquals("{}", ((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text"));
        }
    }
}
