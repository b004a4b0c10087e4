package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What a tool call returns, for each way user code can succeed or fail, through a real MCP client. */
@Timeout(30)
class ToolBehaviourTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};
    private static final byte[] WAV = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E', 9, 8, 7};

    record Greeting(String name, Optional<String> title, int times) {
    }

    record Weather(String city, double celsius) {
    }

    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch slowInterrupted = new CountDownLatch(1);
    private final AtomicBoolean slowSawCancelled = new AtomicBoolean();
    private final AtomicBoolean slowFinished = new AtomicBoolean();

    private FastMCP server;
    private McpSyncClient client;

    @BeforeEach
    void start() {
        server = FastMCP.builder("tools", "1.0.0")
                .addTool(Tool.builder("greet").parameters(Greeting.class)
                        .execute((g, ctx) -> g.title().map(t -> t + " ").orElse("<no title> ") + g.name() + " x"
                                + g.times())
                        .build())
                .addTool(Tool.builder("refuse").execute((args, ctx) -> {
                    throw new UserError("Quota exceeded for today");
                }).build())
                .addTool(Tool.builder("refuse_structured").execute((args, ctx) -> {
                    throw new UserError("Not enough credit", Map.of("balance", 3));
                }).build())
                .addTool(Tool.builder("explode").execute((args, ctx) -> {
                    throw new IllegalStateException("disk on fire");
                }).build())
                .addTool(Tool.builder("explode_nested").execute((args, ctx) -> {
                    throw new RuntimeException("outer failure", new java.io.IOException("inner secret detail"));
                }).build())
                .addTool(Tool.builder("slow").timeout(Duration.ofMillis(300)).execute((args, ctx) -> {
                    slowStarted.countDown();
                    try {
                        Thread.sleep(20_000);
                    } catch (InterruptedException e) {
                        slowSawCancelled.set(ctx.isCancelled());
                        slowInterrupted.countDown();
                        throw e;
                    }
                    slowFinished.set(true);
                    return "too late";
                }).build())
                .addTool(Tool.builder("quick_with_timeout").timeout(Duration.ofSeconds(5)).execute((args, ctx) -> "in time").build())
                .addTool(Tool.builder("weather").outputType(Weather.class)
                        .execute((args, ctx) -> new Weather("Oslo", 3.5)).build())
                .addTool(Tool.builder("bad_output")
                        .outputSchema(Map.of("type", "object",
                                "properties", Map.of("count", Map.of("type", "integer")),
                                "required", List.of("count")))
                        .execute((args, ctx) -> Map.of("count", "many")).build())
                .addTool(Tool.builder("bad_record_output").outputType(Weather.class)
                        .execute((args, ctx) -> Map.of("city", 12, "celsius", "cold")).build())
                .addTool(Tool.builder("media").execute((args, ctx) -> List.of(
                        Content.imageContent(PNG, "image/png"),
                        Content.audioContent(WAV, "audio/wav"),
                        Content.resource("notes://1", "text/markdown", "# Note"),
                        Content.blobResource("files://logo", "image/png", PNG))).build())
                .addTool(Tool.builder("sniffed").execute((args, ctx) -> List.of(
                        Content.imageContent(PNG), Content.audioContent(WAV))).build())
                .addTool(Tool.builder("nothing").execute((args, ctx) -> null).build())
                .addTool(Tool.builder("plain_object").execute((args, ctx) -> new Weather("Rome", 21)).build())
                .build()
                .start(StartOptions.http().port(0));
        client = TestClients.connect(server);
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

    private static String onlyText(McpSchema.CallToolResult result) {
        assertEquals(1, result.content().size(), () -> "expected exactly one content item: " + result);
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    @Test
    void recordParametersAreBound() {
        McpSchema.CallToolResult result = call("greet", Map.of("name", "Ada", "title", "Dr.", "times", 2));
        assertNotEquals(Boolean.TRUE, result.isError());
        assertEquals("Dr. Ada x2", onlyText(result));
    }

    @Test
    void absentOptionalComponentIsBoundAsEmpty() {
        McpSchema.CallToolResult result = call("greet", Map.of("name", "Ada", "times", 1));
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertEquals("<no title> Ada x1", onlyText(result));
    }

    @Test
    void inputSchemaIsDerivedFromTheRecord() {
        McpSchema.Tool greet = client.listTools().tools().stream().filter(t -> t.name().equals("greet")).findFirst()
                .orElseThrow();
        Map<String, Object> schema = greet.inputSchema();
        assertEquals("object", schema.get("type"));
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) schema.get("properties");
        assertTrue(properties.keySet().containsAll(List.of("name", "title", "times")), schema::toString);
        @SuppressWarnings("unchecked")
        List<String> required = (List<String>) schema.get("required");
        assertTrue(required.containsAll(List.of("name", "times")), schema::toString);
        assertFalse(required.contains("title"), schema::toString);
    }

    @Test
    void argumentOfTheWrongTypeGivesAnErrorResultNamingTheField() {
        McpSchema.CallToolResult result = call("greet", Map.of("name", "Ada", "times", "lots"));
        assertEquals(Boolean.TRUE, result.isError());
        String text = onlyText(result);
        assertTrue(text.contains("times"), text);
        assertTrue(text.contains("greet"), text);
    }

    @Test
    void missingRequiredArgumentGivesAnErrorResultNamingTheField() {
        McpSchema.CallToolResult result = call("greet", Map.of("times", 1));
        assertEquals(Boolean.TRUE, result.isError());
        String text = onlyText(result);
        assertTrue(text.contains("name"), text);
    }

    @Test
    void userErrorBecomesAnErrorResultWithExactlyItsMessage() {
        McpSchema.CallToolResult result = call("refuse", Map.of());
        assertEquals(Boolean.TRUE, result.isError());
        assertEquals("Quota exceeded for today", onlyText(result));
    }

    @Test
    void userErrorWithStructuredDetailsCarriesThemAsStructuredContent() {
        McpSchema.CallToolResult result = call("refuse_structured", Map.of());
        assertEquals(Boolean.TRUE, result.isError());
        assertEquals("Not enough credit", onlyText(result));
        assertEquals(Map.of("balance", 3), result.structuredContent());
    }

    @Test
    void otherExceptionBecomesAnErrorResultWithACorrelationIdInsteadOfItsMessage() {
        McpSchema.CallToolResult result = call("explode", Map.of());
        assertEquals(Boolean.TRUE, result.isError());
        String text = onlyText(result);
        assertTrue(text.matches("Error calling tool 'explode' \\(correlation id [0-9a-f]{16}\\)"), text);
        assertNoStackTrace(result);
    }

    @Test
    void nestedCauseIsNotLeakedToTheClient() {
        McpSchema.CallToolResult result = call("explode_nested", Map.of());
        assertEquals(Boolean.TRUE, result.isError());
        assertTrue(onlyText(result).startsWith("Error calling tool 'explode_nested' (correlation id "),
                result::toString);
        assertNoStackTrace(result);
        assertFalse(result.toString().contains("outer failure"), result::toString);
        assertFalse(result.toString().contains("inner secret detail"), result::toString);
    }

    private static void assertNoStackTrace(McpSchema.CallToolResult result) {
        String all = result.toString();
        assertFalse(all.contains("\tat "), all);
        assertFalse(all.contains("at dev.fastmcp."), all);
        assertFalse(all.contains("java.lang."), all);
        assertFalse(all.contains("Caused by"), all);
    }

    @Test
    void toolRunningPastItsTimeoutGivesATimedOutErrorAndItsThreadIsInterrupted() throws Exception {
        long started = System.nanoTime();
        McpSchema.CallToolResult result = call("slow", Map.of());
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(Boolean.TRUE, result.isError());
        String text = onlyText(result);
        assertTrue(text.contains("timed out after"), text);
        assertTrue(text.contains("300"), text);
        assertTrue(tookMillis < 10_000, "the call took " + tookMillis + " ms; the timeout is 300 ms");

        assertTrue(slowStarted.await(1, TimeUnit.SECONDS), "the tool never started");
        assertTrue(slowInterrupted.await(5, TimeUnit.SECONDS),
                "the timed-out tool's thread was not interrupted; it would keep running for 20 s");
        assertFalse(slowFinished.get());
    }

    @Test
    @SuppressWarnings("deprecation")
    void aTimeoutIsAPositiveDurationAndTheMillisecondFormStillSetsIt() {
        assertEquals(Duration.ofMillis(1500), Tool.builder("t").timeout(Duration.ofMillis(1500))
                .execute((a, ctx) -> "t").build().timeout());
        assertEquals(Duration.ofMillis(1500), Tool.builder("t").timeoutMs(1500).execute((a, ctx) -> "t").build()
                .timeout());
        assertNull(Tool.builder("t").execute((a, ctx) -> "t").build().timeout(), "no limit by default");
        IllegalArgumentException zero = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Tool.builder("t").timeout(Duration.ZERO));
        assertEquals("The timeout of tool 't' must be positive, was PT0S; leave it unset for no limit",
                zero.getMessage());
        IllegalArgumentException negative = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> Tool.builder("t").timeoutMs(-5));
        assertTrue(negative.getMessage().contains("was PT-0.005S"), negative.getMessage());
    }

    /**
     * When the interrupt of a timed-out call arrives, the tool (and the server's own failure handling, which
     * logs a stopped call at debug and a failed one as a warning) must already see {@code ctx.isCancelled()}.
     */
    @Test
    void timedOutToolAlreadySeesIsCancelledWhenItsThreadIsInterrupted() throws Exception {
        McpSchema.CallToolResult result = call("slow", Map.of());
        assertTrue(onlyText(result).contains("timed out after"), result::toString);
        assertTrue(slowInterrupted.await(5, TimeUnit.SECONDS), "the timed-out tool's thread was not interrupted");
        assertTrue(slowSawCancelled.get(),
                "ctx.isCancelled() was false inside the interrupted tool: the timeout interrupts before marking "
                        + "the call timed out");
    }

    @Test
    void toolFinishingWithinItsTimeoutSucceeds() {
        McpSchema.CallToolResult result = call("quick_with_timeout", Map.of());
        assertNotEquals(Boolean.TRUE, result.isError());
        assertEquals("in time", onlyText(result));
    }

    @Test
    void outputTypeGivesStructuredContentAndATextCopy() {
        McpSchema.Tool weather = client.listTools().tools().stream().filter(t -> t.name().equals("weather"))
                .findFirst().orElseThrow();
        assertNotNull(weather.outputSchema(), "outputType should be listed as the tool's outputSchema");
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) weather.outputSchema().get("properties");
        assertTrue(properties.keySet().containsAll(List.of("city", "celsius")), weather.outputSchema()::toString);

        McpSchema.CallToolResult result = call("weather", Map.of());
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertEquals(Map.of("city", "Oslo", "celsius", 3.5), result.structuredContent());
        JsonNode copy = JSON.readTree(onlyText(result));
        assertEquals("Oslo", copy.get("city").asString());
        assertEquals(3.5, copy.get("celsius").asDouble());
        assertEquals(2, copy.size());
    }

    @Test
    void structuredResultViolatingTheOutputSchemaIsAnError() {
        McpSchema.CallToolResult result = call("bad_output", Map.of());
        assertEquals(Boolean.TRUE, result.isError(), result::toString);
        assertFalse(result.content().isEmpty());

        McpSchema.CallToolResult record = call("bad_record_output", Map.of());
        assertEquals(Boolean.TRUE, record.isError(), record::toString);
    }

    @Test
    void imageAudioAndEmbeddedResourcesAreReturnedAsContent() {
        McpSchema.CallToolResult result = call("media", Map.of());
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertEquals(4, result.content().size(), result::toString);

        McpSchema.ImageContent image = assertInstanceOf(McpSchema.ImageContent.class, result.content().get(0));
        assertEquals("image/png", image.mimeType());
        assertArrayEquals(PNG, Base64.getDecoder().decode(image.data()));

        McpSchema.AudioContent audio = assertInstanceOf(McpSchema.AudioContent.class, result.content().get(1));
        assertEquals("audio/wav", audio.mimeType());
        assertArrayEquals(WAV, Base64.getDecoder().decode(audio.data()));

        McpSchema.EmbeddedResource text = assertInstanceOf(McpSchema.EmbeddedResource.class, result.content().get(2));
        McpSchema.TextResourceContents textContents = assertInstanceOf(McpSchema.TextResourceContents.class,
                text.resource());
        assertEquals("notes://1", textContents.uri());
        assertEquals("text/markdown", textContents.mimeType());
        assertEquals("# Note", textContents.text());

        McpSchema.EmbeddedResource blob = assertInstanceOf(McpSchema.EmbeddedResource.class, result.content().get(3));
        McpSchema.BlobResourceContents blobContents = assertInstanceOf(McpSchema.BlobResourceContents.class,
                blob.resource());
        assertEquals("files://logo", blobContents.uri());
        assertEquals("image/png", blobContents.mimeType());
        assertArrayEquals(PNG, Base64.getDecoder().decode(blobContents.blob()));
    }

    @Test
    void sniffedMediaTypesReachTheClient() {
        McpSchema.CallToolResult result = call("sniffed", Map.of());
        assertEquals(2, result.content().size(), result::toString);
        assertEquals("image/png", assertInstanceOf(McpSchema.ImageContent.class, result.content().get(0)).mimeType());
        assertEquals("audio/wav", assertInstanceOf(McpSchema.AudioContent.class, result.content().get(1)).mimeType());
    }

    @Test
    void returningNullGivesEmptyContent() {
        McpSchema.CallToolResult result = call("nothing", Map.of());
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertNotNull(result.content());
        assertTrue(result.content().isEmpty(), result::toString);
        assertNull(result.structuredContent());
    }

    @Test
    void returningAnObjectWithoutAnOutputSchemaGivesItsJsonAsText() {
        McpSchema.CallToolResult result = call("plain_object", Map.of());
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        JsonNode json = JSON.readTree(onlyText(result).getBytes(StandardCharsets.UTF_8));
        assertEquals("Rome", json.get("city").asString());
        assertEquals(21.0, json.get("celsius").asDouble());
        assertFalse(onlyText(result).toLowerCase(Locale.ROOT).contains("weather["), onlyText(result));
    }
}
