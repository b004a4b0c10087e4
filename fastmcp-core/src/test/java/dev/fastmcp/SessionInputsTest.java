package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tools of {@link ModernInputRequiredTest}, unchanged, on the older revisions: over a session the SDK client
 * is asked one question after the other, and the call completes in one request.
 */
@Timeout(30)
class SessionInputsTest {

    private FastMCP server;
    private McpSyncClient client;
    private final List<String> asked = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        server = ModernInputRequiredTest.inputs(FastMCP.builder("inputs", "1.0.0")).build()
                .start(StartOptions.http().port(0));
        client = TestClients.connect(server, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().sampling().roots(true).build())
                .roots(new McpSchema.Root("file:///work", "Work"))
                .elicitation(request -> {
                    asked.add("elicitation/create");
                    Map<?, ?> properties = (Map<?, ?>) request.requestedSchema().get("properties");
                    String field = properties.containsKey("color") ? "color"
                            : properties.containsKey("context") ? "context" : "name";
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                            Map.of(field, switch (field) {
                                case "color" -> "blue";
                                case "context" -> "tests";
                                default -> "Alice";
                            }));
                })
                .sampling(request -> {
                    asked.add("sampling/createMessage");
                    return new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT,
                            new McpSchema.TextContent("Paris"), "m", McpSchema.CreateMessageResult.StopReason.END_TURN);
                }));
    }

    @AfterEach
    void stop() {
        client.closeGracefully();
        server.close();
    }

    private String call(String tool) {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void theSameToolsAskOverTheSession() {
        assertEquals("Hello, Alice", call("greet"));
        assertEquals("The model says: Paris", call("think"));
        assertEquals("file:///work", call("roots"));
        assertEquals("Alice likes blue", call("rounds"));
        assertEquals(List.of("elicitation/create", "sampling/createMessage", "elicitation/create",
                "elicitation/create"), asked);
    }

    @Test
    void severalInputsAreAskedOneAfterTheOther() {
        assertEquals("Alice|Paris|file:///work", call("several"));
        assertEquals(List.of("elicitation/create", "sampling/createMessage"), asked);
    }

    @Test
    void aPromptAsksToo() {
        McpSchema.GetPromptResult prompt = client.getPrompt(new McpSchema.GetPromptRequest("context", Map.of()));
        assertEquals("Context: tests", ((McpSchema.TextContent) prompt.messages().get(0).content()).text());
    }
}
