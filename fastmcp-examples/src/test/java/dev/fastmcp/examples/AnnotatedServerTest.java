package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastmcp.FastMCP;
import dev.fastmcp.examples.AnnotatedServer.Note;
import dev.fastmcp.examples.AnnotatedServer.Notes;
import dev.fastmcp.testing.McpTestClient;
import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code annotated} example, tested in memory with the test kit, as the guide shows. */
class AnnotatedServerTest {

    @Test
    void notesAreAddedFoundAndDeleted() {
        FastMCP server = FastMCP.builder("notes", "1.0.0").addTools(new Notes()).build();
        try (McpTestClient client = McpTestClient.inMemory(server)) {
            client.callTool("addNote", Map.of("text", "milk", "tags", List.of("shop")))
                    .assertStructured(new Note("n1", "milk", List.of("shop")))
                    .assertLogged(LoggingLevel.INFO, "Added note n1");
            client.callTool("findNotes", Map.of("tag", "shop")).assertTextContains("milk");
            client.callTool("deleteNote", Map.of("id", "n9")).assertToolError("No note n9");
            client.callTool("addNote", Map.of("tags", List.of("shop"))).assertToolError("text");
        }
    }

    @Test
    void theExampleServesTheSameOverHttp() {
        try (McpTestClient client = McpTestClient.overHttp(AnnotatedServer.create())) {
            assertEquals(List.of("addNote", "deleteNote", "findNotes"), client.toolNames().stream().sorted().toList());
            Note note = client.callTool("addNote", Map.of("text", "bread")).structured(Note.class);
            assertEquals(new Note("n1", "bread", List.of()), note);
        }
    }
}
