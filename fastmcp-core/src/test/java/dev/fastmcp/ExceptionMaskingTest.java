package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.transport.StdioPipe;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a client learns when tool, resource, prompt or completion code throws: a {@link UserError}'s message as it
 * is, and of anything else only what failed and a correlation id, which the server log has with the whole
 * exception; on the session protocol (the SDK's client), on MCP 2026-07-28, on stdio and in tasks.
 */
@Timeout(30)
class ExceptionMaskingTest {

    private static final String SECRET = "password=hunter2";
    private static final Pattern CORRELATED = Pattern.compile("\\(correlation id ([0-9a-f]{16})\\)$");

    private FastMCP server;
    private McpSyncClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.closeGracefully();
        }
        if (server != null) {
            server.close();
        }
    }

    private static FastMCP.Builder leaky(String name) {
        return FastMCP.builder(name, "1.0.0")
                .addTool(Tool.builder("leaky").execute((args, ctx) -> {
                    throw new IllegalStateException("database " + SECRET + " is wrong");
                }).build())
                .addTool(Tool.builder("refuse").execute((args, ctx) -> {
                    throw new UserError("Quota exceeded for " + SECRET.length() + " days");
                }).build())
                .addTool(Tool.builder("broken").execute((args, ctx) -> {
                    throw new AssertionError("an invariant with " + SECRET + " broke");
                }).build())
                .addTool(Tool.builder("leaky_task").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) -> {
                    throw new java.io.IOException("cannot open /srv/" + SECRET);
                }).build())
                .addResource(Resource.builder("notes://leaky", "leaky").read(ctx -> {
                    throw new IllegalStateException("connection string " + SECRET);
                }).build())
                .addResource(Resource.builder("notes://refused", "refused").read(ctx -> {
                    throw new UserError("No notes today");
                }).build())
                .addResource(Resource.builder("notes://null", "returns-null").read(ctx -> null).build())
                .addPrompt(Prompt.builder("leaky_prompt")
                        .argument("topic", "The topic", false)
                        .complete("topic", (value, ctx) -> {
                            throw new IllegalStateException("completion index at " + SECRET);
                        })
                        .render((args, ctx) -> {
                            throw new IllegalArgumentException("template " + SECRET);
                        }).build());
    }

    /** The correlation id at the end of {@code message}, which must say nothing else than {@code what} failed. */
    private static String correlationId(String what, String message) {
        assertFalse(message.contains("hunter2"), message);
        Matcher m = CORRELATED.matcher(message);
        assertTrue(m.find(), "no correlation id in: " + message);
        assertEquals(what + " (correlation id " + m.group(1) + ")", message);
        return m.group(1);
    }

    /** The server log holds the whole exception under {@code id}. */
    private static void loggedInFull(LogCapture log, String id, String exception) {
        String text = log.text();
        int at = text.indexOf("(correlation id " + id + ")");
        assertTrue(at >= 0, "the log does not have correlation id " + id + ":\n" + text);
        String entry = text.substring(at);
        assertTrue(entry.contains(exception) && entry.contains("hunter2") && entry.contains("\tat "),
                "the log has not the whole exception under " + id + ":\n" + entry);
    }

    private static String onlyText(McpSchema.CallToolResult result) {
        assertEquals(1, result.content().size(), result::toString);
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    @Test
    void unexpectedExceptionMessageDoesNotReachTheClient() throws Exception {
        try (LogCapture log = new LogCapture()) {
            server = leaky("masking").build().start(StartOptions.http().port(0));
            client = TestClients.connect(server);

            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("leaky", Map.of()));
            assertEquals(Boolean.TRUE, result.isError());
            String id = correlationId("Error calling tool 'leaky'", onlyText(result));
            loggedInFull(log, id, "java.lang.IllegalStateException: database password=hunter2 is wrong");

            McpError thrown = assertThrows(McpError.class,
                    () -> client.callTool(new McpSchema.CallToolRequest("broken", Map.of())));
            loggedInFull(log, correlationId("Error calling tool 'broken'", thrown.getMessage()),
                    "java.lang.AssertionError");

            McpError read = assertThrows(McpError.class,
                    () -> client.readResource(new McpSchema.ReadResourceRequest("notes://leaky")));
            assertEquals(McpSchema.ErrorCodes.INTERNAL_ERROR, read.getJsonRpcError().code());
            loggedInFull(log, correlationId("Error reading resource 'notes://leaky'", read.getMessage()),
                    "connection string");

            McpError prompt = assertThrows(McpError.class,
                    () -> client.getPrompt(new McpSchema.GetPromptRequest("leaky_prompt", Map.of())));
            loggedInFull(log, correlationId("Error getting prompt 'leaky_prompt'", prompt.getMessage()), "template");

            McpError completion = assertThrows(McpError.class, () -> client.completeCompletion(
                    new McpSchema.CompleteRequest(new McpSchema.PromptReference("leaky_prompt"),
                            new McpSchema.CompleteRequest.CompleteArgument("topic", "a"))));
            loggedInFull(log, correlationId("Error completing argument 'topic'", completion.getMessage()),
                    "completion index");
        }
    }

    @Test
    void userErrorsReachTheClientUnchanged() {
        server = leaky("user-errors").build().start(StartOptions.http().port(0));
        client = TestClients.connect(server);

        McpSchema.CallToolResult refused = client.callTool(new McpSchema.CallToolRequest("refuse", Map.of()));
        assertEquals(Boolean.TRUE, refused.isError());
        assertEquals("Quota exceeded for 16 days", onlyText(refused));

        McpError read = assertThrows(McpError.class,
                () -> client.readResource(new McpSchema.ReadResourceRequest("notes://refused")));
        assertEquals("No notes today", read.getMessage());
    }

    @Test
    void aResourceReturningWhatCannotBeSentIsAFailureTheDeveloperReadsInTheLog() throws Exception {
        try (LogCapture log = new LogCapture()) {
            server = leaky("unusable").build().start(StartOptions.http().port(0));
            client = TestClients.connect(server);
            McpError read = assertThrows(McpError.class,
                    () -> client.readResource(new McpSchema.ReadResourceRequest("notes://null")));
            String id = correlationId("Error reading resource 'notes://null'", read.getMessage());
            assertTrue(log.text().contains(id) && log.text().contains("returned null; return a String"), log::text);
        }
    }

    @Test
    void onMcp20260728FailuresAreMaskedTheSameWay() throws Exception {
        try (LogCapture log = new LogCapture()) {
            server = leaky("modern").build().start(StartOptions.http().port(0));
            RawModern raw = new RawModern(server);

            Map<String, Object> result = RawModern.result(raw.call(1, "tools/call",
                    "{\"name\":\"leaky\",\"arguments\":{}}"));
            assertEquals(true, result.get("isError"));
            String text = (String) ((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text");
            loggedInFull(log, correlationId("Error calling tool 'leaky'", text), "database");

            Map<String, Object> broken = RawModern.error(raw.call(2, "tools/call",
                    "{\"name\":\"broken\",\"arguments\":{}}"));
            assertEquals(McpSchema.ErrorCodes.INTERNAL_ERROR, ((Number) broken.get("code")).intValue());
            correlationId("Error calling tool 'broken'", (String) broken.get("message"));

            Map<String, Object> read = RawModern.error(raw.call(3, "resources/read", "{\"uri\":\"notes://leaky\"}"));
            assertEquals(McpSchema.ErrorCodes.INTERNAL_ERROR, ((Number) read.get("code")).intValue());
            loggedInFull(log, correlationId("Error reading resource 'notes://leaky'", (String) read.get("message")),
                    "connection string");

            Map<String, Object> prompt = RawModern.error(raw.call(4, "prompts/get", "{\"name\":\"leaky_prompt\"}"));
            correlationId("Error getting prompt 'leaky_prompt'", (String) prompt.get("message"));
        }
    }

    @Test
    void aTaskWhoseToolFailsCompletesWithTheMaskedError() throws Exception {
        try (LogCapture log = new LogCapture()) {
            server = leaky("tasks").build().start(StartOptions.http().port(0));
            TaskClient tasks = new TaskClient(server, null);
            Map<String, Object> done = tasks.await(tasks.start("leaky_task", "{}"), "completed", "failed");
            assertEquals("completed", done.get("status"), done::toString);
            String text = TaskClient.text(done.get("result"));
            loggedInFull(log, correlationId("Error calling tool 'leaky_task'", text), "java.io.IOException");
        }
    }

    @Test
    void overStdioFailuresAreMaskedTheSameWay() throws Exception {
        try (LogCapture log = new LogCapture(); StdioPipe stdio = new StdioPipe(leaky("stdio").blueprint())) {
            stdio.initialize();
            Map<?, ?> result = (Map<?, ?>) stdio.call(1, "tools/call", "{\"name\":\"leaky\",\"arguments\":{}}")
                    .get("result");
            assertEquals(true, result.get("isError"));
            String text = (String) ((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text");
            loggedInFull(log, correlationId("Error calling tool 'leaky'", text), "database");

            Map<?, ?> error = (Map<?, ?>) stdio.call(2, "resources/read", "{\"uri\":\"notes://leaky\"}").get("error");
            correlationId("Error reading resource 'notes://leaky'", (String) error.get("message"));
        }
    }

    @Test
    void exposingExceptionDetailsIsAnExplicitOptInWarnedAboutAtStart() throws Exception {
        assertFalse(ExecutionOptions.defaults().exposeExceptionDetailsInsecurely(), "masked by default");
        try (LogCapture log = new LogCapture()) {
            server = leaky("exposing").execution(e -> e.exposeExceptionDetailsInsecurely(true)).build()
                    .start(StartOptions.http().port(0));
            assertTrue(log.text().contains("WARN") && log.text().contains("exposeExceptionDetailsInsecurely"),
                    log::text);
            client = TestClients.connect(server);
            String text = onlyText(client.callTool(new McpSchema.CallToolRequest("leaky", Map.of())));
            Matcher m = CORRELATED.matcher(text);
            assertTrue(m.find(), text);
            assertEquals("Error calling tool 'leaky': java.lang.IllegalStateException: database password=hunter2 "
                    + "is wrong (correlation id " + m.group(1) + ")", text);
            McpError read = assertThrows(McpError.class,
                    () -> client.readResource(new McpSchema.ReadResourceRequest("notes://leaky")));
            assertTrue(read.getMessage().contains("connection string " + SECRET), read.getMessage());
        }
    }

    @Test
    void aServerMaskingExceptionsSaysNothingAboutItAtStart() throws Exception {
        try (LogCapture log = new LogCapture()) {
            server = leaky("quiet").build().start(StartOptions.http().port(0));
            assertFalse(log.text().contains("exposeExceptionDetailsInsecurely"), log::text);
        }
    }
}
