package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Records as one model, through a real server and the SDK's client: what the schema says is what the binding
 * accepts and what results carry. Each test is a defect a Java developer met on a first day.
 */
@Timeout(30)
class RecordModelTest {

    enum Priority {
        @JsonProperty("low") LOW,
        @JsonProperty("high") HIGH
    }

    enum Colour {
        RED("red"), GREEN("green");

        private final String wire;

        Colour(String wire) {
            this.wire = wire;
        }

        @JsonValue
        String wire() {
            return wire;
        }
    }

    record Ticket(@JsonProperty("ticket_title") String title, @JsonProperty("due_in_days") Optional<Integer> dueInDays,
            Priority priority, Colour colour, @JsonIgnore String internal) {
    }

    record Saved(String id, Optional<String> note) {
    }

    record Tagged(@Description("Tags of the note") List<String> tags) {
    }

    record Aliased(@JsonAlias("name") String title) {
    }

    record Formatted(@JsonFormat(shape = JsonFormat.Shape.NUMBER) Priority priority) {
    }

    record Nested(List<Aliased> items) {
    }

    private final List<Ticket> received = new ArrayList<>();
    private final List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
    private FastMCP server;
    private McpSyncClient client;

    @BeforeEach
    void start() {
        server = FastMCP.builder("records", "1.0.0")
                .addTool(Tool.builder("file_ticket").parameters(Ticket.class).execute((t, ctx) -> {
                    received.add(t);
                    return t.title() + " in " + t.dueInDays().map(String::valueOf).orElse("no") + " days, "
                            + t.priority() + ", " + t.colour();
                }).build())
                .addTool(Tool.builder("save").outputType(Saved.class)
                        .execute((args, ctx) -> new Saved("n-1", Optional.empty())).build())
                .addTool(Tool.builder("count").execute((args, ctx) -> {
                    for (int i = 1; i <= 3; i++) {
                        ctx.reportProgress(i, 3, "step " + i);
                    }
                    ctx.reportProgress(4, 4);
                    return "counted";
                }).build())
                .build()
                .start(StartOptions.http().port(0));
        client = TestClients.connect(server, spec -> spec.progressConsumer(progress::add));
    }

    @AfterEach
    void stop() {
        try {
            client.closeGracefully();
        } finally {
            server.close();
        }
    }

    private McpSchema.CallToolResult call(String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    private static String text(McpSchema.CallToolResult result) {
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    private Map<?, ?> inputSchema(String tool) {
        return (Map<?, ?>) client.listTools().tools().stream().filter(t -> t.name().equals(tool)).findFirst()
                .orElseThrow().inputSchema().get("properties");
    }

    @Test
    void emptyOptionalInAnOutputRecordIsLeftOutNotWrittenNull() {
        McpSchema.CallToolResult result = call("save", Map.of());
        assertFalse(Boolean.TRUE.equals(result.isError()), "the result conforms to its own schema: " + result);
        Map<?, ?> structured = assertInstanceOf(Map.class, result.structuredContent());
        assertEquals(Map.of("id", "n-1"), structured, "no \"note\": null");
    }

    @Test
    void renamedComponentsAndEnumConstantsHaveOneNameInSchemaAndBinding() {
        Map<?, ?> properties = inputSchema("file_ticket");
        assertEquals(List.of("ticket_title", "due_in_days", "priority", "colour"), List.copyOf(properties.keySet()),
                "the Jackson names, and no ignored component");
        assertEquals(List.of("low", "high"), ((Map<?, ?>) properties.get("priority")).get("enum"));
        assertEquals(List.of("red", "green"), ((Map<?, ?>) properties.get("colour")).get("enum"));

        McpSchema.CallToolResult result = call("file_ticket", Map.of("ticket_title", "Printer on fire",
                "due_in_days", 2, "priority", "high", "colour", "green"));
        assertEquals("Printer on fire in 2 days, HIGH, GREEN", text(result), "a call as the schema describes it binds");
        assertNull(received.get(0).internal());
    }

    @Test
    void theJavaNameOfARenamedComponentIsRefusedLikeAnyUnknownArgument() {
        McpSchema.CallToolResult result = call("file_ticket", Map.of("title", "Printer", "priority", "low",
                "colour", "red"));
        assertTrue(Boolean.TRUE.equals(result.isError()), result.toString());
        assertTrue(text(result).contains("ticket_title"), "the message names the argument the schema has: "
                + text(result));
    }

    @Test
    void explicitNullForAnOptionalIsAcceptedAsForANullable() {
        assertEquals(List.of("integer", "null"), ((Map<?, ?>) inputSchema("file_ticket").get("due_in_days"))
                .get("type"));
        Map<String, Object> args = new java.util.HashMap<>(Map.of("ticket_title", "Door", "priority", "low",
                "colour", "red"));
        args.put("due_in_days", null);
        McpSchema.CallToolResult result = call("file_ticket", args);
        assertFalse(Boolean.TRUE.equals(result.isError()), result.toString());
        assertEquals("Door in no days, LOW, RED", text(result));
    }

    @Test
    void aDescriptionOfAListStaysOnTheList() {
        Map<String, Object> schema = dev.fastmcp.server.RecordSchemas.schemaFor(Tagged.class);
        Map<?, ?> tags = (Map<?, ?>) ((Map<?, ?>) schema.get("properties")).get("tags");
        assertEquals("Tags of the note", tags.get("description"));
        assertFalse(((Map<?, ?>) tags.get("items")).containsKey("description"), "items: " + tags.get("items"));
    }

    @Test
    void progressTakesPlainNumbers() throws InterruptedException {
        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder().name("count")
                .arguments(Map.of()).progressToken("p-1").build());
        assertEquals("counted", text(result));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (progress.size() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        // The SDK's client hands notifications to its listeners on other threads, so they may come in any order:
        // what is checked here is the values (ints in), not their order.
        assertEquals(List.of("1.0/3.0 step 1", "2.0/3.0 step 2", "3.0/3.0 step 3", "4.0/4.0 null"),
                progress.stream().map(p -> p.progress() + "/" + p.total() + " " + p.message()).sorted().toList(),
                "ints in, the progress, totals and messages out");
    }

    @Test
    void jacksonAnnotationsTheSchemaCannotExpressAreRefusedAtBuild() {
        for (Class<? extends Record> type : List.of(Aliased.class, Formatted.class, Nested.class)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Tool.builder("t").parameters(type));
            String message = e.getMessage();
            assertTrue(message.contains(type == Formatted.class ? "@JsonFormat" : "@JsonAlias"), message);
            assertTrue(message.contains("Supported: @JsonProperty"), "the message says what works: " + message);
        }
    }
}
