package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/** Drives the conformance fixture with the SDK's Java client, checking what the suite checks. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConformanceServerTest {

    private FastMCP server;
    private McpSyncClient client;

    @BeforeEach
    void start() {
        server = ConformanceServer.create().start(StartOptions.http().host("127.0.0.1").port(0));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.closeGracefully();
        }
        server.close();
    }

    private McpSyncClient connect(UnaryOperator<McpClient.SyncSpec> customize) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp")
                .build();
        client = customize.apply(McpClient.sync(transport)
                        .requestTimeout(Duration.ofSeconds(10))
                        .initializationTimeout(Duration.ofSeconds(10)))
                .build();
        client.initialize();
        return client;
    }

    private McpSyncClient connect() {
        return connect(UnaryOperator.identity());
    }

    private McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    private static String text(McpSchema.CallToolResult result) {
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    @Test
    void identifiesItselfAsTheReferenceFixture() {
        McpSchema.InitializeResult init = connect().getCurrentInitializationResult();
        assertEquals("mcp-conformance-test-server", init.serverInfo().name());
        assertEquals("1.0.0", init.serverInfo().version());
    }

    @Test
    void everyToolAndPromptHasADescription() {
        connect();
        List<McpSchema.Tool> tools = client.listTools().tools();
        assertTrue(tools.size() >= 13, "tools: " + tools.size());
        for (McpSchema.Tool tool : tools) {
            assertFalse(tool.description() == null || tool.description().isBlank(), tool.name());
            assertEquals("object", tool.inputSchema().get("type"), tool.name());
        }
        for (McpSchema.Prompt prompt : client.listPrompts().prompts()) {
            assertFalse(prompt.description() == null || prompt.description().isBlank(), prompt.name());
        }
    }

    @Test
    void jsonSchema2020ToolKeepsItsSchema() {
        connect();
        McpSchema.Tool tool = client.listTools().tools().stream()
                .filter(t -> t.name().equals("json_schema_2020_12_tool")).findFirst().orElseThrow();
        assertEquals("https://json-schema.org/draft/2020-12/schema", tool.inputSchema().get("$schema"));
        assertEquals(Boolean.FALSE, tool.inputSchema().get("additionalProperties"));
        assertNotNull(((Map<?, ?>) tool.inputSchema().get("$defs")).get("address"));
        assertEquals(JsonMapper.shared().readValue(ConformanceServer.JSON_SCHEMA_2020_12, Map.class),
                tool.inputSchema(), "the whole schema, $anchor, allOf, anyOf and if/then/else included");
    }

    @Test
    void theSimpleTextToolIsListedFirst() {
        connect();
        assertEquals("test_simple_text", client.listTools().tools().get(0).name());
    }

    @Test
    void theParamHeaderToolAnnotatesAStringProperty() {
        connect();
        McpSchema.Tool tool = client.listTools().tools().stream()
                .filter(t -> t.name().equals("test_param_header")).findFirst().orElseThrow();
        Map<?, ?> region = (Map<?, ?>) ((Map<?, ?>) tool.inputSchema().get("properties")).get("region");
        assertEquals("string", region.get("type"));
        assertEquals("Region", region.get("x-mcp-header"));
        assertEquals("Region: us-west1", text(call("test_param_header", Map.of("region", "us-west1"))));
    }

    @Test
    void simpleText() {
        connect();
        assertEquals("This is a simple text response for testing.", text(call("test_simple_text", Map.of())));
    }

    @Test
    void imageAndAudioCarryTheirMimeTypes() {
        connect();
        McpSchema.ImageContent image = assertInstanceOf(McpSchema.ImageContent.class,
                call("test_image_content", Map.of()).content().get(0));
        assertEquals("image/png", image.mimeType());
        assertEquals(ConformanceServer.PNG, image.data());
        McpSchema.AudioContent audio = assertInstanceOf(McpSchema.AudioContent.class,
                call("test_audio_content", Map.of()).content().get(0));
        assertEquals("audio/wav", audio.mimeType());
        assertEquals(ConformanceServer.WAV, audio.data());
    }

    @Test
    void errorToolReturnsAnErrorResult() {
        connect();
        McpSchema.CallToolResult result = call("test_error_handling", Map.of());
        assertEquals(Boolean.TRUE, result.isError());
        assertEquals("This tool intentionally returns an error for testing", text(result));
    }

    @Test
    void progressIsReportedAndTheTokenReturned() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        connect(spec -> spec.progressConsumer(progress::add));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(
                "test_tool_with_progress", Map.of(), Map.of("progressToken", "progress-test-1")));
        assertEquals("progress-test-1", text(result));
        awaitSize(progress, 3);
        // Delivered to the consumer on several threads (see loggingToolSendsThreeMessages): compared in order of value.
        assertEquals(List.of(0.0, 50.0, 100.0),
                progress.stream().map(McpSchema.ProgressNotification::progress).sorted().toList());
        assertTrue(progress.stream().allMatch(p -> p.total() == 100.0 && "progress-test-1".equals(p.progressToken())));
    }

    @Test
    void loggingToolSendsThreeMessages() {
        List<McpSchema.LoggingMessageNotification> messages = new CopyOnWriteArrayList<>();
        connect(spec -> spec.loggingConsumer(messages::add));
        client.setLoggingLevel(McpSchema.LoggingLevel.DEBUG);
        assertEquals("Tool with logging executed successfully", text(call("test_tool_with_logging", Map.of())));
        awaitSize(messages, 3);
        // The SDK client hands notifications to the consumer on several threads, so their order here is not the
        // order on the wire (the conformance run checks that); the three messages are.
        assertEquals(Set.of("Tool execution started", "Tool processing data", "Tool execution completed"),
                messages.stream().map(McpSchema.LoggingMessageNotification::data).collect(Collectors.toSet()));
    }

    @Test
    void samplingAndElicitationGoThroughTheClient() {
        connect(spec -> spec
                .sampling(request -> McpSchema.CreateMessageResult.builder()
                        .role(McpSchema.Role.ASSISTANT)
                        .content(new McpSchema.TextContent("echo: "
                                + ((McpSchema.TextContent) request.messages().get(0).content()).text()))
                        .model("test-model")
                        .build())
                .elicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                        Map.of("response", "yes"))));
        assertEquals("LLM response: echo: hi", text(call("test_sampling", Map.of("prompt", "hi"))));
        assertEquals("User response: action=accept, content={\"response\":\"yes\"}",
                text(call("test_elicitation", Map.of("message", "Please provide your information"))));
    }

    @Test
    void promptWithArguments() {
        connect();
        McpSchema.GetPromptResult prompt = client.getPrompt(new McpSchema.GetPromptRequest(
                "test_prompt_with_arguments", Map.of("arg1", "testValue1", "arg2", "testValue2")));
        McpSchema.TextContent content = assertInstanceOf(McpSchema.TextContent.class,
                prompt.messages().get(0).content());
        assertEquals("Prompt with arguments: arg1='testValue1', arg2='testValue2'", content.text());
        assertEquals(McpSchema.Role.USER, prompt.messages().get(0).role());
    }

    @Test
    void templateReadContainsTheId() {
        connect();
        McpSchema.ReadResourceResult result = client.readResource(
                new McpSchema.ReadResourceRequest("test://template/123/data"));
        McpSchema.TextResourceContents contents = assertInstanceOf(McpSchema.TextResourceContents.class,
                result.contents().get(0));
        assertEquals("test://template/123/data", contents.uri());
        assertEquals("{\"id\":\"123\",\"templateTest\":true,\"data\":\"Data for ID: 123\"}", contents.text());
    }

    @Test
    void promptCompletionAnswersWithAnEmptyList() {
        connect();
        McpSchema.CompleteResult result = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("test_prompt_with_arguments"),
                new McpSchema.CompleteRequest.CompleteArgument("arg1", "test")));
        assertEquals(List.of(), result.completion().values());
    }

    /** The SDK client hands notifications to consumers asynchronously: wait for them, boundedly. */
    private static void awaitSize(List<?> list, int size) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (list.size() < size && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
    }
}
