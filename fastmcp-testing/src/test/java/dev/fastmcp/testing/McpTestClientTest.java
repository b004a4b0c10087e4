package dev.fastmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;
import dev.fastmcp.UserError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The test client against a real server, in memory and over HTTP alike. */
class McpTestClientTest {

    record AddArgs(int a, int b) {
    }

    record Sum(int sum) {
    }

    record Steps(int count) {
    }

    static FastMCP server() {
        return FastMCP.builder("kit", "1.0.0")
                .addTool(Tool.builder("add").description("Adds").parameters(AddArgs.class).outputType(Sum.class)
                        .execute((args, ctx) -> new Sum(args.a() + args.b())).build())
                .addTool(Tool.builder("divide").description("Divides").parameters(AddArgs.class)
                        .execute((args, ctx) -> {
                            if (args.b() == 0) {
                                throw new UserError("Cannot divide by zero");
                            }
                            return String.valueOf(args.a() / args.b());
                        }).build())
                .addTool(Tool.builder("crash").description("Fails unexpectedly")
                        .execute((args, ctx) -> {
                            throw new IllegalStateException("database password=hunter2 is wrong");
                        }).build())
                .addTool(Tool.builder("steps").description("Reports progress and logs").parameters(Steps.class)
                        .execute((args, ctx) -> {
                            for (int i = 1; i <= args.count(); i++) {
                                ctx.log().info("step " + i);
                                ctx.reportProgress(i, args.count(), "step " + i);
                            }
                            ctx.log().warn("done");
                            return "ok";
                        }).build())
                .addTool(Tool.builder("header").description("Reads a request header")
                        .execute((args, ctx) -> String.valueOf(ctx.header("x-tenant"))).build())
                .addTool(Tool.builder("ask").description("Asks the user")
                        .execute((args, ctx) -> {
                            McpSchema.ElicitResult answer = ctx.elicit("Your name?", Map.of("type", "object",
                                    "properties", Map.of("name", Map.of("type", "string"))));
                            return answer.action() + ":" + answer.content().get("name");
                        }).build())
                .addResource(Resource.builder("notes://readme", "readme").mimeType("text/plain")
                        .read(ctx -> "Read me").build())
                .addPrompt(Prompt.builder("greet").description("Greets").argument("name", "Who", true)
                        .render((args, ctx) -> "Hello, " + args.get("name")).build())
                .build();
    }

    static McpTestClient open(String transport, FastMCP server) {
        return transport.equals("memory") ? McpTestClient.inMemory(server) : McpTestClient.overHttp(server);
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "http"})
    void callsReadAsOneLineAndCheckTheirResults(String transport) {
        try (McpTestClient client = open(transport, server())) {
            client.callTool("add", Map.of("a", 1, "b", 2)).assertStructured(new Sum(3)).assertText("{\"sum\":3}");
            assertEquals(new Sum(5), client.callTool("add", Map.of("a", 2, "b", 3)).structured(Sum.class));
            client.callTool("divide", Map.of("a", 1, "b", 0)).assertToolError("Cannot divide by zero");
            ToolResult crash = client.callTool("crash").assertToolError("correlation id");
            assertFalse(crash.text().contains("hunter2"), crash.text());
            client.callTool("nope").assertProtocolError(-32602, "nope");
            client.callTool("add", Map.of("a", "one", "b", 2)).assertToolError("/a: string found, integer expected");
            assertEquals(List.of("add", "divide", "crash", "steps", "header", "ask"), client.toolNames());
            client.readResource("notes://readme").assertText("Read me");
            client.readResource("notes://missing").assertProtocolError(-32002, "Resource not found");
            assertEquals(List.of("notes://readme"), client.resourceUris());
            client.getPrompt("greet", Map.of("name", "Ada")).assertText("Hello, Ada");
            assertEquals(List.of("greet"), client.promptNames());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "http"})
    void aCallCarriesTheProgressAndLogsItReceived(String transport) {
        try (McpTestClient client = open(transport, server())) {
            ToolResult result = client.callTool("steps", Map.of("count", 3)).assertText("ok");
            result.assertProgress(1, 2, 3).assertLogged(McpSchema.LoggingLevel.INFO, "step 2")
                    .assertLogged(McpSchema.LoggingLevel.WARNING, "done");
            assertEquals(new Progress(3, 3.0, "step 3"), result.progress().get(2));
            assertEquals(4, result.logs().size(), result.logs().toString());
            ToolResult second = client.callTool("steps", Map.of("count", 1));
            second.assertProgress(1);
            assertEquals(2, second.logs().size(), "a call's logs are its own: " + second.logs());
            assertEquals(6, client.logs().size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "http"})
    void theClientAnswersElicitationAsItsOptionsSay(String transport) {
        Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> answer = request ->
                new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("name", "Ada"));
        FastMCP server = server();
        try (McpTestClient client = transport.equals("memory")
                ? McpTestClient.inMemory(server, o -> o.elicitation(answer))
                : McpTestClient.overHttp(server, o -> o.elicitation(answer))) {
            client.callTool("ask").assertText("ACCEPT:Ada");
        }
    }

    @Test
    void assertionsSayWhatWasExpectedAndWhatCame() {
        try (McpTestClient client = McpTestClient.inMemory(server())) {
            AssertionError text = assertThrows(AssertionError.class,
                    () -> client.callTool("divide", Map.of("a", 4, "b", 2)).assertText("3"));
            assertEquals("Text of tool 'divide': expected <3> but was <2>", text.getMessage());
            AssertionError failed = assertThrows(AssertionError.class,
                    () -> client.callTool("divide", Map.of("a", 4, "b", 0)).assertSuccess());
            assertEquals("Tool 'divide' reported an error: Cannot divide by zero", failed.getMessage());
            AssertionError unknown = assertThrows(AssertionError.class, () -> client.callTool("nope").text());
            assertTrue(unknown.getMessage().startsWith("The call of tool 'nope' was answered with a JSON-RPC error "
                    + "instead of a result: -32602"), unknown.getMessage());
            AssertionError progress = assertThrows(AssertionError.class,
                    () -> client.callTool("steps", Map.of("count", 2)).assertProgress(1, 2, 3));
            assertEquals("Progress of tool 'steps': expected [1.0, 2.0, 3.0] but was [1.0, 2.0]",
                    progress.getMessage());
            AssertionError listed = assertThrows(AssertionError.class, () -> client.tool("nope"));
            assertTrue(listed.getMessage().contains("[add, divide, crash, steps, header, ask]"), listed.getMessage());
        }
    }

    @Test
    void aServerTheClientStartedIsStoppedWithIt() {
        FastMCP server = server();
        McpTestClient client = McpTestClient.overHttp(server);
        int port = server.port();
        assertTrue(port > 0);
        client.close();
        assertFalse(server.isRunning());
        assertThrows(IllegalStateException.class, () -> client.as(TestIdentity.subject("late")),
                "no client is opened from a closed one");
    }

    @Test
    void aServerStartedBeforeIsUsedAndLeftRunning() {
        FastMCP server = server().start(StartOptions.http().port(0));
        try {
            try (McpTestClient client = McpTestClient.overHttp(server)) {
                client.callTool("add", Map.of("a", 2, "b", 2)).assertStructured(Map.of("sum", 4));
                IllegalStateException refused = assertThrows(IllegalStateException.class,
                        () -> client.as(TestIdentity.subject("alice")));
                assertTrue(refused.getMessage().contains("was started before the test client"),
                        refused.getMessage());
            }
            assertTrue(server.isRunning());
            IllegalStateException wrongWay = assertThrows(IllegalStateException.class,
                    () -> McpTestClient.inMemory(server));
            assertTrue(wrongWay.getMessage().contains("is not running in memory"), wrongWay.getMessage());
        } finally {
            server.close();
        }
    }

    @Test
    void headersTravelOverHttpOnly() {
        FastMCP server = server();
        try (McpTestClient client = McpTestClient.overHttp(server, o -> o.header("X-Tenant", "acme"))) {
            client.callTool("header").assertText("acme");
            client.with(o -> o.header("X-Tenant", "globex")).callTool("header").assertText("globex");
        }
        IllegalStateException memory = assertThrows(IllegalStateException.class,
                () -> McpTestClient.inMemory(server(), o -> o.header("X-Tenant", "acme")));
        assertTrue(memory.getMessage().contains("sends no HTTP headers"), memory.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> McpTestClient.overHttp(server(), o -> o.header("authorization", "Bearer x")));
    }
}
