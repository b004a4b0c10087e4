package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testing.Progress;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code hello} example's tools, resources and prompt, through the test kit in memory. */
class HelloServerTest {

    @Test
    void everyComponentAnswersAsTheGuideSays() {
        try (McpTestClient client = McpTestClient.inMemory(HelloServer.create())) {
            client.callTool("add", Map.of("a", 2, "b", 3)).assertStructured(Map.of("sum", 5.0));
            client.callTool("add", Map.of("a", 2)).assertToolError("b");
            McpSchema.ImageContent swatch = assertInstanceOf(McpSchema.ImageContent.class,
                    client.callTool("swatch", Map.of("color", "#ff0000")).assertSuccess().content().get(0));
            assertEquals("image/png", swatch.mimeType());
            client.readResource("greetings://french").assertText("Bonjour, le monde !");
            client.readResource("greetings://xx").assertProtocolError(-32603, "No greeting in 'xx'");
            client.getPrompt("explain", Map.of("topic", "tides")).assertText(
                    "Explain tides to a curious beginner, in three short paragraphs.");
        }
    }

    @Test
    void theCountdownReportsProgressAndLogsAsItGoes() {
        try (McpTestClient client = McpTestClient.inMemory(HelloServer.create())) {
            client.callTool("countdown", Map.of("from", 2))
                    .assertText("Liftoff!")
                    .assertProgress(0, 1, 2)
                    .assertLogged(McpSchema.LoggingLevel.INFO, "2...");
            assertEquals(new Progress(1, 1.0, "Liftoff"),
                    client.callTool("countdown", Map.of("from", 1)).progress().get(1));
            client.callTool("countdown", Map.of("from", 11)).assertToolError("'from' must be between 1 and 10");
            assertEquals(List.of("hello://about"), client.resourceUris());
        }
    }
}
