package dev.fastmcp;

import static dev.fastmcp.ModernEnvelopeTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Tools, resources, prompts and completions over MCP 2026-07-28: the same components, in the revision's shapes. */
@Timeout(30)
class ModernDispatchTest {

    record Forecast(String city, int days) {
    }

    record Weather(String city, String sky) {
    }

    private static FastMCP server;
    private static RawModern mcp;

    @BeforeAll
    static void start() {
        server = FastMCP.builder("dispatch", "1.0.0")
                .addTool(Tool.builder("test_simple_text").description("Text")
                        .execute((args, ctx) -> "This is a simple text response for testing.").build())
                .addTool(Tool.builder("forecast").description("Forecast").parameters(Forecast.class)
                        .execute((args, ctx) -> args.city() + " for " + args.days() + " days").build())
                .addTool(Tool.builder("weather").description("Structured").parameters(Forecast.class)
                        .outputType(Weather.class)
                        .execute((args, ctx) -> new Weather(args.city(), "clear")).build())
                .addTool(Tool.builder("traced").description("Its own _meta")
                        .execute((args, ctx) -> McpSchema.CallToolResult.builder().addTextContent("traced")
                                .isError(false).meta(Map.of("trace", "t1")).build()).build())
                .addTool(Tool.builder("progress").description("Reports progress").execute((args, ctx) -> {
                    for (int i = 0; i <= 100; i += 50) {
                        ctx.reportProgress(i, 100.0, "step " + i);
                    }
                    return "done";
                }).build())
                .addTool(Tool.builder("logging").description("Logs").execute((args, ctx) -> {
                    ctx.log().debug("a debug line");
                    ctx.log().warn("a warning");
                    return "logged";
                }).build())
                .addTool(Tool.builder("who").description("The client").execute((args, ctx) ->
                        ctx.clientInfo().name() + "/" + (ctx.clientCapabilities().sampling() != null) + "/"
                                + ctx.sessionId() + "/" + ctx.requestId()).build())
                .addTool(Tool.builder("needs_sampling").description("Needs sampling")
                        .requireClientCapabilities("sampling")
                        .execute((args, ctx) -> "sampled").build())
                .addTool(Tool.builder("asks").description("Elicits").execute((args, ctx) ->
                        ctx.elicit("Name?", Map.of("type", "object", "properties", Map.of())).action().name())
                        .build())
                .addTool(Tool.builder("secret").description("Hidden").canAccess(auth -> false)
                        .execute((args, ctx) -> "secret").build())
                .addResource(Resource.builder("test://static-text", "static").mimeType("text/plain")
                        .read(ctx -> "This is the content of the static text resource.").build())
                .addResourceTemplate(ResourceTemplate.builder("test://template/{id}/data", "data")
                        .read((uri, vars, ctx) -> "{\"id\":\"" + vars.get("id") + "\"}").build())
                .addPrompt(Prompt.builder("test_prompt_with_arguments").description("Args")
                        .argument("arg1", "first", true).argument("arg2", "second", false)
                        .complete("arg1", (value, ctx) -> List.of(value + "-one", value + "-two"))
                        .render((args, ctx) -> "Prompt with arguments: arg1='" + args.get("arg1") + "', arg2='"
                                + args.get("arg2") + "'").build())
                .build().start(StartOptions.http().port(0));
        mcp = new RawModern(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listsCarryTheResultTypeAndCachingHints() throws Exception {
        for (String method : List.of("tools/list", "resources/list", "resources/templates/list", "prompts/list")) {
            HttpResponse<String> r = mcp.call(1, method, "{}");
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Object> result = RawModern.result(r);
            assertEquals("complete", result.get("resultType"), method);
            assertEquals(60_000, ((Number) result.get("ttlMs")).intValue(), method);
            assertEquals("private", result.get("cacheScope"), "a component has canAccess: " + method);
            assertTrue(((Map<?, ?>) result.get("_meta")).containsKey("io.modelcontextprotocol/serverInfo"), method);
        }
        List<?> tools = (List<?>) RawModern.result(mcp.call(2, "tools/list", "{}")).get("tools");
        assertEquals("test_simple_text", ((Map<?, ?>) tools.get(0)).get("name"), "in the order they were added");
        assertFalse(tools.toString().contains("name=secret"), "a hidden tool is not listed: " + tools);
    }

    @Test
    void toolsAreCalledAsOnTheOlderRevisions() throws Exception {
        Map<String, Object> simple = RawModern.result(mcp.call(1, "tools/call", "{\"name\":\"test_simple_text\"}"));
        assertEquals("complete", simple.get("resultType"));
        assertEquals(List.of(Map.of("type", "text", "text", "This is a simple text response for testing.")),
                simple.get("content"));
        assertFalse(simple.containsKey("ttlMs"), "a call result is not cached");

        Map<String, Object> bound = RawModern.result(mcp.call(2, "tools/call",
                "{\"name\":\"forecast\",\"arguments\":{\"city\":\"Oslo\",\"days\":3}}"));
        assertEquals("Oslo for 3 days", ((Map<?, ?>) ((List<?>) bound.get("content")).get(0)).get("text"));

        Map<String, Object> invalid = RawModern.result(mcp.call(3, "tools/call",
                "{\"name\":\"forecast\",\"arguments\":{\"city\":\"Oslo\"}}"));
        assertEquals(true, invalid.get("isError"), "bad arguments are a tool error: " + invalid);

        Map<String, Object> structured = RawModern.result(mcp.call(4, "tools/call",
                "{\"name\":\"weather\",\"arguments\":{\"city\":\"Oslo\",\"days\":1}}"));
        assertEquals(Map.of("city", "Oslo", "sky", "clear"), structured.get("structuredContent"));
        assertTrue(String.valueOf(structured.get("content")).contains("clear"), "with its JSON text: " + structured);

        for (String name : List.of("nope", "secret")) {
            HttpResponse<String> unknown = mcp.call(5, "tools/call", "{\"name\":\"" + name + "\"}");
            Map<String, Object> error = assertRefused(unknown, 200, -32602, 5);
            assertEquals("Unknown tool: " + name, error.get("message"), "hidden and unknown answer alike");
        }
    }

    @Test
    void aResultsOwnMetaIsKeptBesideTheServersName() throws Exception {
        HttpResponse<String> r = mcp.call(1, "tools/call", "{\"name\":\"traced\"}");
        Map<String, Object> result = RawModern.result(r);
        Map<?, ?> meta = (Map<?, ?>) result.get("_meta");
        assertEquals("t1", meta.get("trace"), r.body());
        assertTrue(meta.containsKey("io.modelcontextprotocol/serverInfo"), r.body());
        assertEquals(r.body().indexOf("\"_meta\""), r.body().lastIndexOf("\"_meta\""), "one _meta: " + r.body());
        assertTrue(r.body().contains("{\"resultType\":\"complete\","), "resultType comes first: " + r.body());
        assertTrue(r.body().indexOf("\"_meta\"") > r.body().indexOf("\"isError\""), "_meta comes last: " + r.body());
        assertEquals(false, result.get("isError"));
    }

    @Test
    void resourcesArePromptsAndCompletionsToo() throws Exception {
        Map<String, Object> text = RawModern.result(mcp.call(1, "resources/read", "{\"uri\":\"test://static-text\"}"));
        assertEquals("complete", text.get("resultType"));
        assertTrue(text.containsKey("ttlMs") && text.containsKey("cacheScope"), "a read is cacheable: " + text);
        Map<?, ?> contents = (Map<?, ?>) ((List<?>) text.get("contents")).get(0);
        assertEquals("text/plain", contents.get("mimeType"));
        assertEquals("This is the content of the static text resource.", contents.get("text"));

        Map<String, Object> templated = RawModern.result(mcp.call(2, "resources/read",
                "{\"uri\":\"test://template/123/data\"}"));
        assertTrue(templated.get("contents").toString().contains("123"), templated.toString());

        HttpResponse<String> missing = mcp.call(3, "resources/read", "{\"uri\":\"test://nonexistent\"}");
        Map<String, Object> error = assertRefused(missing, 200, -32602, 3);
        assertEquals(Map.of("uri", "test://nonexistent"), error.get("data"));

        Map<String, Object> prompt = RawModern.result(mcp.call(4, "prompts/get",
                "{\"name\":\"test_prompt_with_arguments\",\"arguments\":{\"arg1\":\"a\",\"arg2\":\"b\"}}"));
        assertTrue(prompt.get("messages").toString().contains("arg1='a', arg2='b'"), prompt.toString());
        assertRefused(mcp.call(5, "prompts/get", "{\"name\":\"test_prompt_with_arguments\"}"), 200, -32602, 5);

        Map<String, Object> completion = RawModern.result(mcp.call(6, "completion/complete",
                "{\"ref\":{\"type\":\"ref/prompt\",\"name\":\"test_prompt_with_arguments\"},"
                        + "\"argument\":{\"name\":\"arg1\",\"value\":\"x\"}}"));
        assertEquals(List.of("x-one", "x-two"), ((Map<?, ?>) completion.get("completion")).get("values"));
    }

    @Test
    void progressGoesOnAnSseResponseOfTheRequest() throws Exception {
        HttpResponse<String> r = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"progress\",\"_meta\":{\"progressToken\":\"p-1\","
                + RawModern.META.substring("\"_meta\":{".length()) + "}}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), r.body());
        assertFalse(r.body().contains("id:"), "no event ids: the stream cannot be resumed: " + r.body());
        List<Map<String, Object>> frames = RawModern.frames(r.body());
        assertEquals(4, frames.size(), r.body());
        for (int i = 0; i < 3; i++) {
            assertEquals("notifications/progress", frames.get(i).get("method"));
            Map<?, ?> params = (Map<?, ?>) frames.get(i).get("params");
            assertEquals("p-1", params.get("progressToken"));
            assertEquals(i * 50.0, ((Number) params.get("progress")).doubleValue());
        }
        assertEquals(9, frames.get(3).get("id"));
        assertEquals("complete", ((Map<?, ?>) frames.get(3).get("result")).get("resultType"));

    }

    @Test
    void aClientTakingJsonOnlyGetsTheResultAloneFromAStatelessServer() throws Exception {
        try (FastMCP stateless = FastMCP.builder("json", "1.0.0")
                .addTool(Tool.builder("progress").execute((args, ctx) -> {
                    ctx.reportProgress(1, 2.0, "half");
                    return "done";
                }).build())
                .build().start(StartOptions.http().port(0).stateless(true))) {
            HttpResponse<String> r = new RawModern(stateless).post("{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":"
                    + "\"tools/call\",\"params\":{\"name\":\"progress\",\"_meta\":{\"progressToken\":\"p-2\","
                    + RawModern.META.substring("\"_meta\":{".length()) + "}}", "Accept", "application/json");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals("done", ((Map<?, ?>) ((List<?>) RawModern.result(r).get("content")).get(0)).get("text"));
        }
    }

    @Test
    void logMessagesGoOnlyWhenAskedForAndFromTheLevelAsked() throws Exception {
        HttpResponse<String> silent = mcp.call(1, "tools/call", "{\"name\":\"logging\"}");
        assertEquals("application/json", silent.headers().firstValue("Content-Type").orElse(""));
        assertFalse(silent.body().contains("notifications/message"), silent.body());

        HttpResponse<String> warned = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"logging\",\"_meta\":{\"io.modelcontextprotocol/logLevel\":\"info\","
                + RawModern.META.substring("\"_meta\":{".length()) + "}}");
        List<Map<String, Object>> frames = RawModern.frames(warned.body());
        assertEquals(2, frames.size(), warned.body());
        assertEquals("notifications/message", frames.get(0).get("method"));
        Map<?, ?> params = (Map<?, ?>) frames.get(0).get("params");
        assertEquals("warning", params.get("level"));
        assertEquals("a warning", params.get("data"));

        HttpResponse<String> badLevel = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"logging\",\"_meta\":{\"io.modelcontextprotocol/logLevel\":\"loud\","
                + RawModern.META.substring("\"_meta\":{".length()) + "}}");
        assertRefused(badLevel, 400, -32602, 3);
    }

    @Test
    void theContextTellsWhatTheRequestDeclared() throws Exception {
        Map<String, Object> result = RawModern.result(mcp.post("{\"jsonrpc\":\"2.0\",\"id\":\"w\",\"method\":"
                + "\"tools/call\",\"params\":{\"name\":\"who\",\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{}},"
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"cli\",\"version\":\"3\"}}}}"));
        assertEquals("cli/true/null/w", ((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text"));
    }

    @Test
    void aToolNeedingACapabilityTheClientLacksIsRefusedBeforeItRuns() throws Exception {
        HttpResponse<String> refused = mcp.call(401, "tools/call", "{\"name\":\"needs_sampling\"}");
        Map<String, Object> error = assertRefused(refused, 400, -32021, 401);
        assertEquals(Map.of("requiredCapabilities", Map.of("sampling", Map.of())), error.get("data"));

        HttpResponse<String> served = mcp.post(RawModern.body(402, "tools/call", "{\"name\":\"needs_sampling\"}")
                .replace("clientCapabilities\":{}", "clientCapabilities\":{\"sampling\":{}}"));
        assertEquals("sampled", ((Map<?, ?>) ((List<?>) RawModern.result(served).get("content")).get(0)).get("text"));
    }

    @Test
    void elicitationIsAnInputRequiredResultOnThisRevision() throws Exception {
        HttpResponse<String> undeclared = mcp.call(1, "tools/call", "{\"name\":\"asks\"}");
        Map<String, Object> missing = assertRefused(undeclared, 200, -32021, 1);
        assertEquals(Map.of("requiredCapabilities", Map.of("elicitation", Map.of())), missing.get("data"));

        HttpResponse<String> declared = mcp.post(RawModern.body(2, "tools/call", "{\"name\":\"asks\"}")
                .replace("clientCapabilities\":{}", "clientCapabilities\":{\"elicitation\":{}}"));
        assertEquals(200, declared.statusCode(), declared.body());
        Map<String, Object> asked = RawModern.result(declared);
        assertEquals("input_required", asked.get("resultType"), asked.toString());
        assertEquals("elicitation/create", ((Map<?, ?>) ((Map<?, ?>) asked.get("inputRequests")).get("input_1"))
                .get("method"));
    }
}
