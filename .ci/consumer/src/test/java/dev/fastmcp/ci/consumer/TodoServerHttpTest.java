package dev.fastmcp.ci.consumer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.ci.consumer.TodoServer.Imported;
import dev.fastmcp.testing.McpTestClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The to-do server on a free port, called over HTTP with the test kit as a remote client would. */
class TodoServerHttpTest {

    @Test
    void aWriterManagesTheListOverHttp() {
        try (McpTestClient client = McpTestClient.overHttp(TodoServer.create("test-key"),
                o -> o.identity(TodoServerTest.WRITER))) {
            client.callTool("addTodo", Map.of("title", "Water the plants", "priority", "high"))
                    .assertStructured(Map.of("id", "t1", "title", "Water the plants", "priority", "high"))
                    .assertLogged(McpSchema.LoggingLevel.INFO, "Added t1");
            client.callTool("importTodos", Map.of("titles", List.of("Buy milk", "Call mum"), "priority", "high"))
                    .assertStructured(new Imported(List.of("t2", "t3")))
                    .assertProgress(1, 2)
                    .assertLogged(McpSchema.LoggingLevel.INFO, "Imported t3: Call mum");
            client.callTool("done", Map.of("id", "t2")).assertText("done t2");
            client.callTool("done", Map.of("id", "t2")).assertToolError("No to-do item t2");
            McpTestClient reader = client.as(TodoServerTest.READER);
            reader.callTool("listTodos", Map.of("priority", "high")).assertText("Call mum\nWater the plants");
            // An API key cannot ask for more scopes, so a tool the caller may not use is hidden, as in memory.
            reader.callTool("done", Map.of("id", "t1")).assertProtocolError(-32602, "done");
            client.as(TodoServerTest.ADMIN).callTool("clearTodos").assertText("cleared 2");
        }
    }

    @Test
    void theHolderOfTheRealKeyIsTheOwner() {
        try (McpTestClient client = McpTestClient.overHttp(TodoServer.create("test-key"),
                o -> o.header("x-api-key", "test-key"))) {
            client.callTool("addTodo", Map.of("title", "Pay rent", "priority", "high")).assertSuccess();
            client.callTool("clearTodos").assertText("cleared 1");
        }
    }

    @Test
    void aRequestWithoutTheKeyIsAnsweredWith401() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> McpTestClient.overHttp(TodoServer.create("test-key")));
        assertTrue(refused.getMessage().contains("refused with HTTP 401"), refused.getMessage());
        IllegalStateException wrongKey = assertThrows(IllegalStateException.class,
                () -> McpTestClient.overHttp(TodoServer.create("test-key"), o -> o.header("x-api-key", "guess")));
        assertTrue(wrongKey.getMessage().contains("refused with HTTP 401"), wrongKey.getMessage());
    }
}
