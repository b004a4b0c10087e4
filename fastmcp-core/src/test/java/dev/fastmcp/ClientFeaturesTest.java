package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Server-to-client features and the client-facing protocol surface: elicitation, sampling, logging, lists. */
@Timeout(30)
class ClientFeaturesTest {

    private static final byte[] LOGO = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xFF, 42};
    private static final List<String> COLORS = IntStream.range(0, 150).mapToObj(i -> String.format("color-%03d", i))
            .toList();

    private final AtomicInteger counter = new AtomicInteger(1);
    private final List<McpSyncClient> clients = new ArrayList<>();
    private FastMCP server;

    @BeforeEach
    void start() {
        server = FastMCP.builder("features", "1.0.0")
                .addTool(Tool.builder("ask").execute((args, ctx) -> {
                    McpSchema.ElicitResult answer = ctx.elicit("What is your name?", Map.of(
                            "type", "object",
                            "properties", Map.of("name", Map.of("type", "string")),
                            "required", List.of("name")));
                    return answer.action().name().toLowerCase(java.util.Locale.ROOT) + ":"
                            + (answer.content() == null ? null : answer.content().get("name"));
                }).build())
                .addTool(Tool.builder("summarize").execute((args, ctx) -> "model said: " + ctx.sample("Say hi", 50))
                        .build())
                .addTool(Tool.builder("chatty").execute((args, ctx) -> {
                    String tag = String.valueOf(args.get("tag"));
                    ctx.log().debug("debug-" + tag);
                    ctx.log().info("info-" + tag);
                    ctx.log().warn("warning-" + tag);
                    ctx.log().error("error-" + tag);
                    return "logged " + tag;
                }).build())
                .addResource(Resource.builder("docs://readme", "readme").mimeType("text/markdown")
                        .read(ctx -> "# Hello").build())
                .addResource(Resource.builder("files://logo", "logo").mimeType("image/png")
                        .read(ctx -> LOGO).build())
                .addResource(Resource.builder("files://raw", "raw").read(ctx -> new byte[] {1, 2, 3}).build())
                .addResource(Resource.builder("live://counter", "counter")
                        .read(ctx -> "count=" + counter.get()).build())
                .addResourceTemplate(ResourceTemplate.builder("files://{name}/meta", "file-meta")
                        .complete("name", (value, ctx) -> List.of("alpha", "alpine", "beta").stream()
                                .filter(n -> n.startsWith(value)).toList())
                        .read((uri, vars, ctx) -> "meta of " + vars.get("name")).build())
                .addPrompt(Prompt.builder("review").argument("code", "The code to review", true)
                        .argument("style", "Review style", false)
                        .render((args, ctx) -> "Please review: " + args.get("code")).build())
                .addPrompt(Prompt.builder("pick").argument("color", "A color", false)
                        .complete("color", (value, ctx) -> COLORS.stream().filter(c -> c.startsWith(value)).toList())
                        .render((args, ctx) -> "You picked " + args.get("color")).build())
                .build()
                .start(StartOptions.http().port(0));
    }

    @AfterEach
    void stop() {
        for (McpSyncClient client : clients) {
            try {
                client.closeGracefully();
            } catch (RuntimeException ignored) {
                // the server is closed next anyway
            }
        }
        server.close();
    }

    private McpSyncClient connect(java.util.function.UnaryOperator<io.modelcontextprotocol.client.McpClient.SyncSpec> spec) {
        McpSyncClient client = TestClients.connect(server, spec);
        clients.add(client);
        return client;
    }

    private static String onlyText(McpSchema.CallToolResult result) {
        assertEquals(1, result.content().size(), () -> "expected exactly one content item: " + result);
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    // ---- elicitation and sampling ----

    @Test
    void elicitationRoundTripHandsTheAnswerToTheTool() {
        AtomicReference<McpSchema.ElicitFormRequest> asked = new AtomicReference<>();
        McpSyncClient client = connect(spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> {
                    asked.set(request);
                    return new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("name", "Ada"));
                }));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("ask", Map.of()));
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertEquals("accept:Ada", onlyText(result));
        assertEquals("What is your name?", asked.get().message());
        assertEquals(List.of("name"), asked.get().requestedSchema().get("required"));
    }

    @Test
    void declinedElicitationReachesTheTool() {
        McpSyncClient client = connect(spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null)));
        assertEquals("decline:null", onlyText(client.callTool(new McpSchema.CallToolRequest("ask", Map.of()))));
    }

    @Test
    void samplingRoundTripReturnsTheModelsReply() {
        List<McpSchema.CreateMessageRequest> requests = new CopyOnWriteArrayList<>();
        McpSyncClient client = connect(spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().sampling().build())
                .sampling(request -> {
                    requests.add(request);
                    return new McpSchema.CreateMessageResult(McpSchema.Role.ASSISTANT,
                            new McpSchema.TextContent("Hello from the model"), "test-model",
                            McpSchema.CreateMessageResult.StopReason.END_TURN);
                }));
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("summarize", Map.of()));
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertEquals("model said: Hello from the model", onlyText(result));
        assertEquals(1, requests.size());
        assertEquals(50, requests.get(0).maxTokens());
        assertEquals("Say hi", ((McpSchema.TextContent) requests.get(0).messages().get(0).content()).text());
    }

    @Test
    void elicitWithoutTheClientCapabilityGivesAClearErrorResult() {
        McpSyncClient client = connect(spec -> spec);
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("ask", Map.of()));
        assertEquals(Boolean.TRUE, result.isError());
        String text = onlyText(result);
        assertTrue(text.contains("elicitation"), text);
        assertTrue(text.contains("capability"), text);
        assertFalse(text.contains("\tat "), text);
    }

    @Test
    void sampleWithoutTheClientCapabilityGivesAClearErrorResult() {
        McpSyncClient client = connect(spec -> spec);
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("summarize", Map.of()));
        assertEquals(Boolean.TRUE, result.isError());
        String text = onlyText(result);
        assertTrue(text.contains("sampling"), text);
        assertTrue(text.contains("capability"), text);
    }

    // ---- logging ----

    @Test
    void setLevelErrorFiltersInfoLogs() throws Exception {
        List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
        McpSyncClient client = connect(spec -> spec.loggingConsumer(logs::add));

        // default level: info and above arrive
        assertEquals("logged one", onlyText(client.callTool(new McpSchema.CallToolRequest("chatty", Map.of("tag", "one")))));
        await(() -> logs.stream().anyMatch(l -> l.data().equals("error-one")), "error-one");
        await(() -> logs.stream().anyMatch(l -> l.data().equals("info-one")), "info-one");

        client.setLoggingLevel(McpSchema.LoggingLevel.ERROR);
        assertEquals("logged two", onlyText(client.callTool(new McpSchema.CallToolRequest("chatty", Map.of("tag", "two")))));
        await(() -> logs.stream().anyMatch(l -> l.data().equals("error-two")), "error-two");
        Thread.sleep(200); // let any stray lower-level message arrive before checking it did not
        List<String> two = logs.stream().map(McpSchema.LoggingMessageNotification::data).filter(d -> d.endsWith("-two"))
                .toList();
        assertEquals(List.of("error-two"), two);
        assertTrue(logs.stream().filter(l -> l.data().equals("error-two"))
                .allMatch(l -> l.level() == McpSchema.LoggingLevel.ERROR && "chatty".equals(l.logger())), logs::toString);
    }

    // ---- list changes and subscriptions ----

    @Test
    void addingAToolAtRuntimeNotifiesTheClientAndListsIt() throws Exception {
        List<List<String>> changes = new CopyOnWriteArrayList<>();
        McpSyncClient client = connect(spec -> spec.toolsChangeConsumer(
                tools -> changes.add(tools.stream().map(McpSchema.Tool::name).toList())));
        assertFalse(client.listTools().tools().stream().anyMatch(t -> t.name().equals("late_tool")));

        server.addTool(Tool.builder("late_tool").execute((args, ctx) -> "late").build());
        await(() -> changes.stream().anyMatch(names -> names.contains("late_tool")), "tools/list_changed after addTool");
        assertTrue(client.listTools().tools().stream().anyMatch(t -> t.name().equals("late_tool")));
        assertEquals("late", onlyText(client.callTool(new McpSchema.CallToolRequest("late_tool", Map.of()))));

        int seen = changes.size();
        assertTrue(server.removeTool("late_tool"));
        await(() -> changes.size() > seen && !changes.get(changes.size() - 1).contains("late_tool"),
                "tools/list_changed after removeTool");
        assertFalse(client.listTools().tools().stream().anyMatch(t -> t.name().equals("late_tool")));
        McpError gone = assertThrows(McpError.class,
                () -> client.callTool(new McpSchema.CallToolRequest("late_tool", Map.of())));
        assertTrue(gone.getMessage().contains("Unknown tool"), gone::toString);
        assertFalse(server.removeTool("late_tool"));
    }

    @Test
    void notifyResourceUpdatedReachesASubscribedClient() throws Exception {
        List<List<McpSchema.ResourceContents>> updates = new CopyOnWriteArrayList<>();
        McpSyncClient client = connect(spec -> spec.resourcesUpdateConsumer(updates::add));
        client.subscribeResource(new McpSchema.SubscribeRequest("live://counter"));

        counter.set(2);
        server.notifyResourceUpdated("live://counter");
        await(() -> !updates.isEmpty(), "notifications/resources/updated");
        McpSchema.TextResourceContents contents = assertInstanceOf(McpSchema.TextResourceContents.class,
                updates.get(0).get(0));
        assertEquals("live://counter", contents.uri());
        assertEquals("count=2", contents.text());
    }

    // ---- completions ----

    @Test
    void promptArgumentCompletionIsCappedAt100WithHasMore() {
        McpSyncClient client = connect(spec -> spec);
        McpSchema.CompleteResult all = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("pick"), new McpSchema.CompleteRequest.CompleteArgument("color", "color-")));
        assertEquals(COLORS.subList(0, 100), all.completion().values());
        assertEquals(150, all.completion().total());
        assertEquals(Boolean.TRUE, all.completion().hasMore());

        McpSchema.CompleteResult few = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("pick"), new McpSchema.CompleteRequest.CompleteArgument("color", "color-14")));
        assertEquals(COLORS.subList(140, 150), few.completion().values());
        assertNotEquals(Boolean.TRUE, few.completion().hasMore());
    }

    @Test
    void templateVariableCompletionReturnsTheCompletersValues() {
        McpSyncClient client = connect(spec -> spec);
        McpSchema.CompleteResult result = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.ResourceReference("files://{name}/meta"),
                new McpSchema.CompleteRequest.CompleteArgument("name", "al")));
        assertEquals(List.of("alpha", "alpine"), result.completion().values());
        assertNotEquals(Boolean.TRUE, result.completion().hasMore());

        McpSchema.CompleteResult none = client.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("review"), new McpSchema.CompleteRequest.CompleteArgument("code", "x")));
        assertTrue(none.completion().values().isEmpty(), "an argument without a completer completes to nothing");
    }

    // ---- prompts and resources ----

    @Test
    void promptWithAMissingRequiredArgumentGivesAClearError() {
        McpSyncClient client = connect(spec -> spec);
        McpError e = assertThrows(McpError.class, () -> client.getPrompt(
                new McpSchema.GetPromptRequest("review", Map.of("style", "terse"))));
        assertEquals(McpSchema.ErrorCodes.INVALID_PARAMS, e.getJsonRpcError().code());
        String message = e.getJsonRpcError().message();
        assertTrue(message.contains("review") && message.contains("code"), message);

        McpSchema.GetPromptResult ok = client.getPrompt(new McpSchema.GetPromptRequest("review", Map.of("code", "x++")));
        assertEquals("Please review: x++", ((McpSchema.TextContent) ok.messages().get(0).content()).text());
        assertEquals(McpSchema.Role.USER, ok.messages().get(0).role());
    }

    @Test
    void resourcesReadAsTextAndAsBlob() {
        McpSyncClient client = connect(spec -> spec);
        McpSchema.TextResourceContents text = assertInstanceOf(McpSchema.TextResourceContents.class,
                client.readResource(new McpSchema.ReadResourceRequest("docs://readme")).contents().get(0));
        assertEquals("# Hello", text.text());
        assertEquals("text/markdown", text.mimeType());
        assertEquals("docs://readme", text.uri());

        McpSchema.BlobResourceContents logo = assertInstanceOf(McpSchema.BlobResourceContents.class,
                client.readResource(new McpSchema.ReadResourceRequest("files://logo")).contents().get(0));
        assertEquals("image/png", logo.mimeType());
        assertArrayEquals(LOGO, Base64.getDecoder().decode(logo.blob()));

        McpSchema.BlobResourceContents raw = assertInstanceOf(McpSchema.BlobResourceContents.class,
                client.readResource(new McpSchema.ReadResourceRequest("files://raw")).contents().get(0));
        assertEquals("application/octet-stream", raw.mimeType());
        assertArrayEquals(new byte[] {1, 2, 3}, Base64.getDecoder().decode(raw.blob()));

        McpSchema.TextResourceContents meta = assertInstanceOf(McpSchema.TextResourceContents.class,
                client.readResource(new McpSchema.ReadResourceRequest("files://beta/meta")).contents().get(0));
        assertEquals("meta of beta", meta.text());
        assertEquals("files://beta/meta", meta.uri());
    }
}
