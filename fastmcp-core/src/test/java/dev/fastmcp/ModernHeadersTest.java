package dev.fastmcp;

import static dev.fastmcp.ModernEnvelopeTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The standard request headers of MCP 2026-07-28 (SEP-2243): {@code Mcp-Method} and {@code Mcp-Name} must repeat
 * the body, and the parameters a tool marks {@code x-mcp-header} come in {@code Mcp-Param-*} headers that must too.
 */
@Timeout(30)
class ModernHeadersTest {

    record Query(String region, String query, Optional<Integer> limit, Optional<Boolean> dryRun) {
    }

    private static FastMCP server;
    private static RawModern mcp;

    @BeforeAll
    static void start() {
        server = FastMCP.builder("headers", "1.0.0")
                .addTool(Tool.builder("echo").description("Echoes").execute((args, ctx) -> "ok").build())
                .addTool(Tool.builder("execute_sql").description("Runs a query").parameters(Query.class)
                        .paramHeader("region", "Region").paramHeader("limit", "Limit")
                        .paramHeader("dryRun", "Dry-Run")
                        .execute((args, ctx) -> args.region() + ":" + args.query()).build())
                .addResource(Resource.builder("test://static-text", "static").read(ctx -> "text").build())
                .build().start(StartOptions.http().port(0));
        mcp = new RawModern(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void mcpMethodMustRepeatTheMethod() throws Exception {
        assertEquals(200, mcp.call(1, "tools/list", "{}").statusCode());
        assertRefused(mcp.call(2, "tools/list", "{}", "Mcp-Method", null), 400, -32020, 2);
        assertRefused(mcp.call(3, "tools/list", "{}", "Mcp-Method", "prompts/list"), 400, -32020, 3);
        assertRefused(mcp.call(4, "tools/list", "{}", "Mcp-Method", "TOOLS/LIST"), 400, -32020, 4);
        assertEquals(200, mcp.call(5, "tools/list", "{}", "mcp-method", " tools/list ").statusCode(),
                "names ignore case, values are trimmed");
    }

    @Test
    void mcpNameMustRepeatTheNameOrUri() throws Exception {
        assertEquals(200, mcp.call(1, "tools/call", "{\"name\":\"echo\",\"arguments\":{}}").statusCode());
        assertRefused(mcp.call(2, "tools/call", "{\"name\":\"echo\"}", "Mcp-Name", null), 400, -32020, 2);
        assertRefused(mcp.call(3, "tools/call", "{\"name\":\"echo\"}", "Mcp-Name", "other"), 400, -32020, 3);
        assertEquals(200, mcp.call(4, "tools/call", "{\"name\":\"echo\"}", "Mcp-Name", "  echo ").statusCode());
        assertEquals(200, mcp.call(5, "tools/call", "{\"name\":\"echo\"}", "Mcp-Name", "=?base64?ZWNobw==?=")
                .statusCode(), "a Base64 value is decoded");
        assertRefused(mcp.call(6, "tools/call", "{\"name\":\"echo\"}", "Mcp-Name", "=?base64?ZWNobw?="),
                400, -32020, 6);
        assertRefused(mcp.call(7, "tools/call", "{\"name\":\"echo\"}", "Mcp-Name", "=?base64?ZW!!bw==?="),
                400, -32020, 7);
        assertEquals(200, mcp.call(8, "resources/read", "{\"uri\":\"test://static-text\"}").statusCode());
        assertRefused(mcp.call(9, "resources/read", "{\"uri\":\"test://static-text\"}", "Mcp-Name", "test://x"),
                400, -32020, 9);
    }

    @Test
    void paramHeadersMustRepeatTheirArguments() throws Exception {
        String call = "{\"name\":\"execute_sql\",\"arguments\":{\"region\":\"us-west1\",\"query\":\"select 1\","
                + "\"limit\":42}}";
        HttpResponse<String> ok = mcp.call(1, "tools/call", call, "Mcp-Param-Region", "us-west1",
                "Mcp-Param-Limit", "42.0");
        assertEquals(200, ok.statusCode(), ok.body());
        assertTrue(ok.body().contains("us-west1:select 1"), ok.body());
        assertRefused(mcp.call(2, "tools/call", call, "Mcp-Param-Limit", "42"), 400, -32020, 2);
        assertRefused(mcp.call(3, "tools/call", call, "Mcp-Param-Region", "eu-north1", "Mcp-Param-Limit", "42"),
                400, -32020, 3);
        assertRefused(mcp.call(4, "tools/call", call, "Mcp-Param-Region", "us-west1", "Mcp-Param-Limit", "43"),
                400, -32020, 4);

        String unicode = "{\"name\":\"execute_sql\",\"arguments\":{\"region\":\"Hello, 世界\",\"query\":\"q\","
                + "\"dryRun\":true}}";
        assertEquals(200, mcp.call(5, "tools/call", unicode, "mcp-param-region", "=?base64?SGVsbG8sIOS4lueVjA==?=",
                "Mcp-Param-Dry-Run", "true").statusCode());
        assertRefused(mcp.call(6, "tools/call", unicode, "Mcp-Param-Region", "=?base64?SGVsbG8sIOS4lueVjA==?=",
                "Mcp-Param-Dry-Run", "false"), 400, -32020, 6);
    }

    @Test
    void theToolSchemaCarriesTheAnnotations() throws Exception {
        Map<String, Object> listed = RawModern.result(mcp.call(1, "tools/list", "{}"));
        Map<?, ?> sql = ((List<?>) listed.get("tools")).stream().map(Map.class::cast)
                .filter(t -> "execute_sql".equals(t.get("name"))).findFirst().orElseThrow();
        Map<?, ?> properties = (Map<?, ?>) ((Map<?, ?>) sql.get("inputSchema")).get("properties");
        assertEquals("Region", ((Map<?, ?>) properties.get("region")).get("x-mcp-header"));
        assertEquals("Limit", ((Map<?, ?>) properties.get("limit")).get("x-mcp-header"));
    }

    @Test
    void annotationsBreakingTheRulesAreRefusedWhenTheToolIsBuilt() {
        String number = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"number\",\"x-mcp-header\":\"N\"}}}";
        String twice = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"Zone\"},"
                + "\"b\":{\"type\":\"string\",\"x-mcp-header\":\"zone\"}}}";
        String badName = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"a b\"}}}";
        String empty = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\",\"x-mcp-header\":\"\"}}}";
        String inItems = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"array\",\"items\":"
                + "{\"type\":\"string\",\"x-mcp-header\":\"A\"}}}}";
        String inAnyOf = "{\"type\":\"object\",\"anyOf\":[{\"properties\":{\"a\":{\"type\":\"string\","
                + "\"x-mcp-header\":\"A\"}}}]}";
        for (String schema : List.of(number, twice, badName, empty, inItems, inAnyOf)) {
            assertThrows(IllegalArgumentException.class, () -> Tool.builder("t").parameters(schema)
                    .execute((args, ctx) -> "").build(), schema);
        }
        String nested = "{\"type\":\"object\",\"properties\":{\"target\":{\"type\":\"object\",\"properties\":"
                + "{\"zone\":{\"type\":\"string\",\"x-mcp-header\":\"Zone\"}}}}}";
        Tool.builder("t").parameters(nested).execute((args, ctx) -> "").build();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Tool.builder("t")
                .parameters(Query.class).paramHeader("regio", "Region").execute((args, ctx) -> "").build());
        assertTrue(unknown.getMessage().contains("'regio'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tool.builder("t").parameters(Query.class)
                .paramHeader("region", "Re gion").execute((args, ctx) -> "").build());
    }

    @Test
    void aNestedAnnotatedArgumentIsCheckedToo() throws Exception {
        try (FastMCP nested = FastMCP.builder("nested", "1.0.0")
                .addTool(Tool.builder("deploy").parameters("{\"type\":\"object\",\"properties\":{\"target\":"
                        + "{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\","
                        + "\"x-mcp-header\":\"Zone\"}}}}}").execute((args, ctx) -> "deployed").build())
                .build().start(StartOptions.http().port(0))) {
            RawModern client = new RawModern(nested);
            String call = "{\"name\":\"deploy\",\"arguments\":{\"target\":{\"zone\":\"z1\"}}}";
            assertEquals(200, client.call(1, "tools/call", call, "Mcp-Param-Zone", "z1").statusCode());
            assertRefused(client.call(2, "tools/call", call), 400, -32020, 2);
            assertEquals(200, client.call(3, "tools/call", "{\"name\":\"deploy\",\"arguments\":{}}").statusCode(),
                    "no argument, no header expected");
        }
    }
}
