package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code StartOptions.http().stateless(true)}: plain JSON replies, no sessions, no way back to the client. */
@Timeout(30)
class StatelessModeTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";

    record EchoArgs(String text) {
    }

    private final AtomicReference<String> chattyOutcome = new AtomicReference<>();
    private FastMCP server;
    private McpSyncClient client;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        server = FastMCP.builder("stateless", "1.0.0")
                .addTool(Tool.builder("echo").parameters(EchoArgs.class).execute((args, ctx) -> "echo: " + args.text())
                        .build())
                .addTool(Tool.builder("ask").execute((args, ctx) -> {
                    McpSchema.ElicitResult answer = ctx.elicit("Name?", Map.of("type", "object",
                            "properties", Map.of("name", Map.of("type", "string"))));
                    return "answered " + answer.action();
                }).build())
                .addTool(Tool.builder("chatty").execute((args, ctx) -> {
                    ctx.log().info("info message");
                    ctx.log().error("error message", Map.of("k", "v"));
                    ctx.reportProgress(1, 2.0, "half");
                    ctx.reportProgress(2);
                    chattyOutcome.set("session=" + ctx.sessionId());
                    return "chatty done";
                }).build())
                .build()
                .start(StartOptions.http().port(0).stateless(true));
    }

    @AfterEach
    void stop() {
        try {
            if (client != null) {
                client.closeGracefully();
            }
        } finally {
            server.close();
        }
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String onlyText(McpSchema.CallToolResult result) {
        assertEquals(1, result.content().size(), () -> "expected exactly one content item: " + result);
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    @Test
    void sdkClientInitializesListsAndCallsTools() {
        client = TestClients.connect(server);
        assertEquals("stateless", client.getServerInfo().name());
        assertEquals(List.of("echo", "ask", "chatty"),
                client.listTools().tools().stream().map(McpSchema.Tool::name).toList());
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hi")));
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertEquals("echo: hi", onlyText(result));
    }

    @Test
    void rawPostsGetPlainJsonWithoutASessionId() throws Exception {
        HttpResponse<String> init = post(INITIALIZE);
        assertEquals(200, init.statusCode(), init::body);
        assertTrue(init.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> "Content-Type: " + init.headers().firstValue("Content-Type"));
        assertTrue(init.headers().firstValue("Mcp-Session-Id").isEmpty(),
                () -> "a stateless server sent Mcp-Session-Id: " + init.headers().map());
        JsonNode initBody = JSON.readTree(init.body());
        assertEquals(1, initBody.get("id").asInt());
        assertEquals("stateless", initBody.get("result").get("serverInfo").get("name").asString());

        // no session header needed for the next request
        HttpResponse<String> call = post("{\"jsonrpc\":\"2.0\",\"id\":\"c-1\",\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"echo\",\"arguments\":{\"text\":\"raw\"}}}");
        assertEquals(200, call.statusCode(), call::body);
        assertTrue(call.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> "Content-Type: " + call.headers().firstValue("Content-Type"));
        assertTrue(call.headers().firstValue("Mcp-Session-Id").isEmpty(), () -> call.headers().map().toString());
        JsonNode callBody = JSON.readTree(call.body());
        assertEquals("c-1", callBody.get("id").asString());
        assertEquals("echo: raw", callBody.get("result").get("content").get(0).get("text").asString());

        HttpResponse<String> list = post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
        assertEquals(200, list.statusCode(), list::body);
        assertEquals(3, JSON.readTree(list.body()).get("result").get("tools").size(), list::body);
    }

    @Test
    void getIsRefusedWith405AndAnAllowHeader() throws Exception {
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(server.url()))
                .header("Accept", "text/event-stream")
                .GET()
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode(), get::body);
        String allow = get.headers().firstValue("Allow").orElse(null);
        assertTrue(allow != null && allow.contains("POST"), () -> "Allow header: " + get.headers().map());
        assertFalse(allow.contains("GET"), allow);
    }

    @Test
    void elicitInStatelessModeGivesAnErrorResultExplainingWhy() {
        client = TestClients.connect(server, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                        Map.of("name", "Ada"))));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("ask", Map.of()));
        assertEquals(Boolean.TRUE, result.isError(), result::toString);
        String text = onlyText(result).toLowerCase(Locale.ROOT);
        assertTrue(text.contains("stateless"), text);
        assertTrue(text.contains("elicit"), text);
    }

    @Test
    void logAndProgressAreSilentNoOps() throws Exception {
        List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        client = TestClients.connect(server, spec -> spec.loggingConsumer(logs::add).progressConsumer(progress::add));
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder().name("chatty")
                .arguments(Map.of()).progressToken("p-1").build());
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertEquals("chatty done", onlyText(result));
        assertEquals("session=null", chattyOutcome.get());
        Thread.sleep(200);
        assertTrue(logs.isEmpty(), logs::toString);
        assertTrue(progress.isEmpty(), progress::toString);
    }

    @Test
    void rawToolCallWithProgressTokenStillGetsASingleJsonReply() throws Exception {
        HttpResponse<String> call = post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{"
                + "\"name\":\"chatty\",\"arguments\":{},\"_meta\":{\"progressToken\":\"t\"}}}");
        assertEquals(200, call.statusCode(), call::body);
        assertTrue(call.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonNode body = JSON.readTree(call.body());
        assertEquals(7, body.get("id").asInt());
        assertEquals("chatty done", body.get("result").get("content").get(0).get("text").asString());
        assertTrue(body.get("result").get("isError") == null || !body.get("result").get("isError").asBoolean(),
                call::body);
    }
}
