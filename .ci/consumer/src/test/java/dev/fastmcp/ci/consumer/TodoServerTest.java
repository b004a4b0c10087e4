package dev.fastmcp.ci.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The to-do server on port 0, called over HTTP by the SDK's client. */
class TodoServerTest {

    private FastMCP server;
    private McpSyncClient client;

    @BeforeEach
    void start() {
        server = TodoServer.create().start(StartOptions.http().port(0));
        client = McpClient.sync(HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp").build()).requestTimeout(Duration.ofSeconds(20)).build();
        client.initialize();
    }

    @AfterEach
    void stop() {
        try {
            client.closeGracefully();
        } finally {
            server.close();
        }
    }

    @Test
    void theAnnotatedMethodsAreToolsWithTheirSchemas() {
        List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
        assertEquals(List.of("addTodo", "done", "listTodos"), names);
        McpSchema.Tool add = client.listTools().tools().stream().filter(t -> t.name().equals("addTodo"))
                .findFirst().orElseThrow();
        assertEquals(List.of("title", "priority"), add.inputSchema().get("required"));
        assertTrue(add.outputSchema().toString().contains("due_date"), add.outputSchema().toString());
    }

    @Test
    void recordsGoInAndComeOutAsTheirSchemasSay() {
        McpSchema.CallToolResult added = client.callTool(new McpSchema.CallToolRequest("addTodo",
                Map.of("title", "Water the plants", "priority", "high")));
        assertFalse(Boolean.TRUE.equals(added.isError()), added.toString());
        assertEquals(Map.of("id", "t1", "title", "Water the plants", "priority", "high"), added.structuredContent(),
                "no due_date: an empty Optional is left out");
        McpSchema.CallToolResult listed = client.callTool(new McpSchema.CallToolRequest("listTodos",
                Map.of("priority", "high")));
        assertTrue(((McpSchema.TextContent) listed.content().get(0)).text().contains("Water the plants"));
        McpSchema.CallToolResult missing = client.callTool(new McpSchema.CallToolRequest("done", Map.of("id", "t9")));
        assertTrue(Boolean.TRUE.equals(missing.isError()));
        assertEquals("No to-do item t9", ((McpSchema.TextContent) missing.content().get(0)).text());
    }
}
