package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MCP 2026-07-28 beside the older revisions on one endpoint: which requests take the modern path, and the checks
 * of its envelope in the revision's order, each refusal with its status and code and the request's id.
 */
@Timeout(30)
class ModernEnvelopeTest {

    private static FastMCP server(boolean stateless) {
        return FastMCP.builder("modern", "2.0.0").instructions("Use the tools.")
                .addTool(Tool.builder("echo").description("Echoes").execute((args, ctx) -> "echo").build())
                .build().start(StartOptions.http().port(0).stateless(stateless));
    }

    @ParameterizedTest(name = "stateless={0}")
    @ValueSource(booleans = {false, true})
    void discoverDescribesTheServer(boolean stateless) throws Exception {
        try (FastMCP server = server(stateless)) {
            HttpResponse<String> r = new RawModern(server).call("d-1", "server/discover", "{}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            assertFalse(r.body().contains("\n"), "one line of compact JSON: " + r.body());
            assertEquals("d-1", RawModern.json(r).get("id"));
            Map<String, Object> result = RawModern.result(r);
            assertEquals("complete", result.get("resultType"));
            assertEquals(List.of("2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"),
                    result.get("supportedVersions"));
            assertEquals("Use the tools.", result.get("instructions"));
            assertEquals(60_000, ((Number) result.get("ttlMs")).intValue());
            assertEquals("public", result.get("cacheScope"));
            Map<?, ?> caps = (Map<?, ?>) result.get("capabilities");
            assertEquals(Map.of("listChanged", true), caps.get("tools"));
            assertEquals(Map.of("listChanged", true), caps.get("prompts"));
            assertEquals(Map.of("subscribe", true, "listChanged", true), caps.get("resources"));
            assertEquals(Map.of(), caps.get("completions"));
            assertEquals(Map.of("io.modelcontextprotocol/tasks", Map.of()), caps.get("extensions"));
            assertEquals(Map.of("name", "modern", "version", "2.0.0"),
                    ((Map<?, ?>) result.get("_meta")).get("io.modelcontextprotocol/serverInfo"));
            assertNull(r.headers().firstValue("Mcp-Session-Id").orElse(null), "no session on the modern path");
        }
    }

    @ParameterizedTest(name = "stateless={0}")
    @ValueSource(booleans = {false, true})
    void theEnvelopeIsCheckedInTheRevisionsOrder(boolean stateless) throws Exception {
        try (FastMCP server = server(stateless)) {
            RawModern mcp = new RawModern(server);
            String capsOnly = "\"io.modelcontextprotocol/clientCapabilities\":{}";
            String versionOnly = "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"";
            // _meta missing, or without the version or the capabilities: 400 and -32602
            assertRefused(mcp.post(discover(101, null)), 400, -32602, 101);
            assertRefused(mcp.post(discover(102, capsOnly)), 400, -32602, 102);
            assertRefused(mcp.post(discover(104, versionOnly)), 400, -32602, 104);
            // clientInfo is optional
            assertEquals(200, mcp.post(discover(105, versionOnly + "," + capsOnly)).statusCode());
            // the header differs from _meta: -32020, even though the meta version is not served either
            String v999 = "\"io.modelcontextprotocol/protocolVersion\":\"v999.0.0\"," + capsOnly;
            assertRefused(mcp.post(discover(302, v999)), 400, -32020, 302);
            // both name a version not served: -32022 with what is served and what was asked
            HttpResponse<String> unsupported = mcp.post(discover(301, v999), "MCP-Protocol-Version", "v999.0.0");
            Map<String, Object> error = assertRefused(unsupported, 400, -32022, 301);
            assertEquals(Map.of("supported", List.of("2026-07-28"), "requested", "v999.0.0"), error.get("data"));
            // modern _meta without the version header
            assertRefused(mcp.post(discover(3, versionOnly + "," + capsOnly), "MCP-Protocol-Version", null),
                    400, -32020, 3);
        }
    }

    @ParameterizedTest(name = "stateless={0}")
    @ValueSource(booleans = {false, true})
    void removedAndUnknownMethodsAreNotFound(boolean stateless) throws Exception {
        try (FastMCP server = server(stateless)) {
            RawModern mcp = new RawModern(server);
            for (String method : List.of("initialize", "ping", "logging/setLevel", "resources/subscribe",
                    "resources/unsubscribe", "unknown/method")) {
                String params = method.startsWith("resources/") ? "{\"uri\":\"x://y\"}"
                        : method.equals("logging/setLevel") ? "{\"level\":\"info\"}" : "{}";
                assertRefused(mcp.call(500, method, params), 404, -32601, 500);
            }
        }
    }

    @ParameterizedTest(name = "stateless={0}")
    @ValueSource(booleans = {false, true})
    void notificationsAreAcceptedAndBatchesRefused(boolean stateless) throws Exception {
        try (FastMCP server = server(stateless)) {
            RawModern mcp = new RawModern(server);
            HttpResponse<String> notification = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                    + "\"params\":{\"requestId\":1," + RawModern.META + "}}");
            assertEquals(202, notification.statusCode(), notification.body());
            HttpResponse<String> batch = mcp.post("[" + RawModern.body(1, "tools/list", "{}") + "]");
            assertEquals(400, batch.statusCode(), batch.body());
            assertEquals(-32600, ((Number) RawModern.error(batch).get("code")).intValue());
            HttpResponse<String> notJson = mcp.post("{not json");
            assertEquals(400, notJson.statusCode(), notJson.body());
            assertEquals(-32700, ((Number) RawModern.error(notJson).get("code")).intValue());
        }
    }

    @ParameterizedTest(name = "stateless={0}")
    @ValueSource(booleans = {false, true})
    void legacyClientsAreServedAsBefore(boolean stateless) throws Exception {
        try (FastMCP server = server(stateless)) {
            RawMcp legacy = new RawMcp(server);
            HttpResponse<String> init = legacy.initialize();
            assertEquals(200, init.statusCode(), init.body());
            assertTrue(init.body().contains("\"protocolVersion\":\"2025-11-25\""), init.body());
            assertEquals(!stateless, legacy.sessionId != null, "sessions only when configured with them");
            HttpResponse<String> listed = legacy.call(2, "tools/list", "{}");
            assertEquals(200, listed.statusCode(), listed.body());
            assertFalse(listed.body().contains("resultType"), "legacy results keep their shape: " + listed.body());
            // a legacy client that sends a legacy version with a body of the modern path is still legacy
            HttpResponse<String> ping = legacy.call(3, "ping", "{}");
            assertEquals(200, ping.statusCode(), ping.body());
            // and discover, with the modern envelope, is served on the same endpoint at the same time
            assertEquals(200, new RawModern(server).call(4, "server/discover", "{}").statusCode());
        }
    }

    private static String discover(int id, String meta) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"server/discover\",\"params\":{"
                + (meta == null ? "" : "\"_meta\":{" + meta + "}") + "}}";
    }

    static Map<String, Object> assertRefused(HttpResponse<String> r, int status, int code, Object id) {
        assertEquals(status, r.statusCode(), r.body());
        assertFalse(r.body().contains("\n"), "one line of compact JSON: " + r.body());
        Map<String, Object> body = RawModern.json(r);
        assertEquals(id, body.get("id"), "the error echoes the request id: " + r.body());
        Map<String, Object> error = RawModern.error(r);
        assertEquals(code, ((Number) error.get("code")).intValue(), r.body());
        return error;
    }
}
