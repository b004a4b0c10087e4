package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.testing.LogEntry;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testing.Progress;
import dev.fastmcp.testing.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives the conformance fixture with the test kit's client (the SDK's Java client),
 * checking what the suite checks.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConformanceServerTest {

    private FastMCP server;
    private McpTestClient client;

    @BeforeEach
    void start() {
        server = ConformanceServer.create().start(StartOptions.http().host("127.0.0.1").port(0));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        server.close();
    }

    private McpTestClient connect(UnaryOperator<McpTestClient.Options> options) {
        client = McpTestClient.overHttp(server, options);
        return client;
    }

    private McpTestClient connect() {
        return connect(UnaryOperator.identity());
    }

    @Test
    void identifiesItselfAsTheReferenceFixture() {
        McpSchema.InitializeResult init = connect().sdk().getCurrentInitializationResult();
        assertEquals("mcp-conformance-test-server", init.serverInfo().name());
        assertEquals("1.0.0", init.serverInfo().version());
    }

    @Test
    void everyToolAndPromptHasADescription() {
        connect();
        List<McpSchema.Tool> tools = client.tools();
        assertTrue(tools.size() >= 13, "tools: " + tools.size());
        for (McpSchema.Tool tool : tools) {
            assertFalse(tool.description() == null || tool.description().isBlank(), tool.name());
            assertEquals("object", tool.inputSchema().get("type"), tool.name());
        }
        for (McpSchema.Prompt prompt : client.sdk().listPrompts().prompts()) {
            assertFalse(prompt.description() == null || prompt.description().isBlank(), prompt.name());
        }
    }

    @Test
    void jsonSchema2020ToolKeepsItsSchema() {
        McpSchema.Tool tool = connect().tool("json_schema_2020_12_tool");
        assertEquals("https://json-schema.org/draft/2020-12/schema", tool.inputSchema().get("$schema"));
        assertEquals(Boolean.FALSE, tool.inputSchema().get("additionalProperties"));
        assertNotNull(((Map<?, ?>) tool.inputSchema().get("$defs")).get("address"));
        assertEquals(JsonMapper.shared().readValue(ConformanceServer.JSON_SCHEMA_2020_12, Map.class),
                tool.inputSchema(), "the whole schema, $anchor, allOf, anyOf and if/then/else included");
    }

    @Test
    void theSimpleTextToolIsListedFirst() {
        assertEquals("test_simple_text", connect().tools().get(0).name());
    }

    @Test
    void theParamHeaderToolAnnotatesAStringProperty() {
        McpSchema.Tool tool = connect().tool("test_param_header");
        Map<?, ?> region = (Map<?, ?>) ((Map<?, ?>) tool.inputSchema().get("properties")).get("region");
        assertEquals("string", region.get("type"));
        assertEquals("Region", region.get("x-mcp-header"));
        client.callTool("test_param_header", Map.of("region", "us-west1")).assertText("Region: us-west1");
    }

    @Test
    void simpleText() {
        connect().callTool("test_simple_text").assertText("This is a simple text response for testing.");
    }

    @Test
    void imageAndAudioCarryTheirMimeTypes() {
        connect();
        McpSchema.ImageContent image = assertInstanceOf(McpSchema.ImageContent.class,
                client.callTool("test_image_content").assertSuccess().content().get(0));
        assertEquals("image/png", image.mimeType());
        assertEquals(ConformanceServer.PNG, image.data());
        McpSchema.AudioContent audio = assertInstanceOf(McpSchema.AudioContent.class,
                client.callTool("test_audio_content").assertSuccess().content().get(0));
        assertEquals("audio/wav", audio.mimeType());
        assertEquals(ConformanceServer.WAV, audio.data());
    }

    @Test
    void errorToolReturnsAnErrorResult() {
        String message = "This tool intentionally returns an error for testing";
        ToolResult result = connect().callTool("test_error_handling").assertToolError(message);
        assertEquals(message, result.text());
    }

    @Test
    void progressIsReportedAndTheTokenReturned() {
        connect();
        // The token the request carries comes back as the text (a call of the SDK's client, to choose the token).
        McpSchema.CallToolResult echoed = client.sdk().callTool(new McpSchema.CallToolRequest(
                "test_tool_with_progress", Map.of(), Map.of("progressToken", "progress-test-1")));
        assertEquals("progress-test-1", assertInstanceOf(McpSchema.TextContent.class, echoed.content().get(0)).text());
        // The test kit keeps a call's progress by the token it sent, in the order of the wire.
        ToolResult result = client.callTool("test_tool_with_progress").assertSuccess().assertProgress(0, 50, 100);
        assertTrue(result.progress().stream().map(Progress::total).allMatch(t -> t != null && t == 100.0),
                result.progress().toString());
    }

    @Test
    void loggingToolSendsThreeMessages() {
        // The test kit asks for DEBUG and up (logging/setLevel) as it connects, and keeps a call's log messages as
        // its transport receives them: in the order of the wire.
        ToolResult result = connect().callTool("test_tool_with_logging")
                .assertText("Tool with logging executed successfully");
        assertEquals(List.of("Tool execution started", "Tool processing data", "Tool execution completed"),
                result.logs().stream().map(LogEntry::data).toList());
    }

    @Test
    void samplingAndElicitationGoThroughTheClient() {
        connect(o -> o
                .sampling(request -> McpSchema.CreateMessageResult.builder()
                        .role(McpSchema.Role.ASSISTANT)
                        .content(new McpSchema.TextContent("echo: "
                                + ((McpSchema.TextContent) request.messages().get(0).content()).text()))
                        .model("test-model")
                        .build())
                .elicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                        Map.of("response", "yes"))));
        client.callTool("test_sampling", Map.of("prompt", "hi")).assertText("LLM response: echo: hi");
        client.callTool("test_elicitation", Map.of("message", "Please provide your information"))
                .assertText("User response: action=accept, content={\"response\":\"yes\"}");
    }

    @Test
    void promptWithArguments() {
        List<McpSchema.PromptMessage> messages = connect().getPrompt("test_prompt_with_arguments",
                Map.of("arg1", "testValue1", "arg2", "testValue2")).messages();
        McpSchema.TextContent content = assertInstanceOf(McpSchema.TextContent.class, messages.get(0).content());
        assertEquals("Prompt with arguments: arg1='testValue1', arg2='testValue2'", content.text());
        assertEquals(McpSchema.Role.USER, messages.get(0).role());
    }

    @Test
    void templateReadContainsTheId() {
        McpSchema.TextResourceContents contents = assertInstanceOf(McpSchema.TextResourceContents.class,
                connect().readResource("test://template/123/data").contents().get(0));
        assertEquals("test://template/123/data", contents.uri());
        assertEquals("{\"id\":\"123\",\"templateTest\":true,\"data\":\"Data for ID: 123\"}", contents.text());
    }

    @Test
    void promptCompletionAnswersWithAnEmptyList() {
        McpSchema.CompleteResult result = connect().sdk().completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("test_prompt_with_arguments"),
                new McpSchema.CompleteRequest.CompleteArgument("arg1", "test")));
        assertEquals(List.of(), result.completion().values());
    }
}
