package dev.fastmcp.ci.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.ci.consumer.TodoServer.Imported;
import dev.fastmcp.ci.consumer.TodoServer.Priority;
import dev.fastmcp.ci.consumer.TodoServer.Todo;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testing.TestIdentity;
import dev.fastmcp.testing.ToolResult;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The to-do server in memory, called with the test kit by callers its API key stands for. */
class TodoServerTest {

    static final TestIdentity WRITER = TestIdentity.subject("alice").scopes("todos:write");
    static final TestIdentity READER = TestIdentity.subject("bob");
    static final TestIdentity ADMIN = TestIdentity.subject("carol").scopes("todos:write").roles("admin");

    private McpTestClient client;

    @BeforeEach
    void connect() {
        client = McpTestClient.inMemory(TodoServer.create("test-key"), o -> o.identity(WRITER));
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void theAnnotatedMethodsAreToolsWithTheirSchemas() {
        assertEquals(List.of("addTodo", "done", "importTodos", "listTodos"),
                client.toolNames().stream().sorted().toList(), "clearTodos needs the role admin");
        McpSchema.Tool add = client.tool("addTodo");
        assertEquals(List.of("title", "priority"), add.inputSchema().get("required"));
        assertTrue(add.outputSchema().toString().contains("due_date"), add.outputSchema().toString());
    }

    @Test
    void recordsGoInAndComeOutAsTheirSchemasSay() {
        client.callTool("addTodo", Map.of("title", "Water the plants", "priority", "high"))
                .assertStructured(Map.of("id", "t1", "title", "Water the plants", "priority", "high"));
        Todo taxes = client.callTool("addTodo", Map.of("title", "File taxes", "due", "2030-04-15", "priority", "low"))
                .structured(Todo.class);
        assertEquals(new Todo("t2", "File taxes", Optional.of("2030-04-15"), Priority.LOW), taxes);
        client.callTool("listTodos", Map.of("priority", "low")).assertText("File taxes");
        client.callTool("addTodo", Map.of("title", "Sleep", "priority", "urgent"))
                .assertToolError("/priority: does not have a value in the enumeration [\"low\", \"high\"]");
    }

    @Test
    void aUserErrorIsTheToolsErrorMessage() {
        client.callTool("addTodo", Map.of("title", "Water the plants", "priority", "high"));
        client.callTool("done", Map.of("id", "t1")).assertText("done t1");
        client.callTool("done", Map.of("id", "t1")).assertToolError("No to-do item t1");
    }

    @Test
    void anImportReportsItsProgressAndLogs() {
        ToolResult imported = client.callTool("importTodos",
                Map.of("titles", List.of("Buy milk", "Call mum", "Pay rent"), "priority", "low"));
        imported.assertStructured(new Imported(List.of("t1", "t2", "t3")))
                .assertProgress(1, 2, 3)
                .assertLogged(McpSchema.LoggingLevel.INFO, "Imported t2: Call mum");
        assertEquals("Pay rent", imported.progress().get(2).message());
        client.callTool("addTodo", Map.of("title", "Water the plants", "priority", "high"))
                .assertLogged(McpSchema.LoggingLevel.INFO, "Added t4");
    }

    @Test
    void scopesAndRolesDecideWhatACallerMayDo() {
        client.callTool("addTodo", Map.of("title", "Water the plants", "priority", "high")).assertSuccess();
        McpTestClient reader = client.as(READER);
        assertEquals(List.of("listTodos"), reader.toolNames());
        reader.callTool("listTodos", Map.of("priority", "high")).assertText("Water the plants");
        reader.callTool("addTodo", Map.of("title", "Sneak in", "priority", "low"))
                .assertProtocolError(-32602, "addTodo");
        client.callTool("clearTodos").assertProtocolError(-32602, "clearTodos");
        client.as(ADMIN).callTool("clearTodos").assertText("cleared 1");
        reader.callTool("listTodos", Map.of("priority", "high")).assertText("");
    }

    @Test
    void aCallerWithoutTheKeyIsRefused() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> McpTestClient.inMemory(TodoServer.create("test-key")));
        assertTrue(refused.getMessage().contains("401"), refused.getMessage());
    }
}
