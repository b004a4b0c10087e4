package dev.fastmcp.examples;

import dev.fastmcp.Content;
import dev.fastmcp.Context;
import dev.fastmcp.FastMCP;
import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The fixture server for the official MCP conformance suite ({@code @modelcontextprotocol/conformance}):
 * every tool, resource, template and prompt its server scenarios call, with the exact names and results
 * they check. Run it with {@code java -jar fastmcp-examples.jar conformance}; {@code .ci/conformance.sh}
 * does, then runs the suite against it.
 *
 * <p>The tools and the prompt only the 2026-07-28 scenarios call are in {@link ConformanceInputs}, and those of the
 * tasks extension's scenarios in {@link ConformanceTasks}.
 *
 * <p>No authentication: the suite connects anonymously.
 */
public final class ConformanceServer {

    /** The server name the suite's reference fixture uses. */
    public static final String NAME = "mcp-conformance-test-server";

    /** A 1x1 PNG, base64. */
    static final String PNG =
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

    /** A tiny WAV, base64. */
    static final String WAV = "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=";

    /**
     * The input schema the suite's {@code json-schema-2020-12} scenario expects back verbatim from
     * {@code tools/list}: the 2020-12 dialect with the keywords a server must not strip.
     */
    static final String JSON_SCHEMA_2020_12 = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
             "$defs":{"address":{"$anchor":"addressDef","type":"object",
                                 "properties":{"street":{"type":"string"},"city":{"type":"string"}}}},
             "properties":{"name":{"type":"string"},"address":{"$ref":"#/$defs/address"},
                           "contactMethod":{"type":"string","enum":["phone","email"]},
                           "phone":{"type":"string"},"email":{"type":"string"}},
             "allOf":[{"anyOf":[{"required":["phone"]},{"required":["email"]}]}],
             "if":{"properties":{"contactMethod":{"const":"phone"}},"required":["contactMethod"]},
             "then":{"required":["phone"]},
             "else":{"required":["email"]},
             "additionalProperties":false}""";

    private static final JsonMapper JSON = JsonMapper.shared();

    private ConformanceServer() {
    }

    /** Describes the fixture server (not started). */
    public static FastMCP create() {
        FastMCP.Builder server = FastMCP.builder(NAME, "1.0.0");
        AtomicReference<FastMCP> built = new AtomicReference<>();
        tools().forEach(server::addTool);
        ConformanceInputs.tools(built::get).forEach(server::addTool);
        ConformanceTasks.tools().forEach(server::addTool);
        resources().forEach(server::addResource);
        server.addResourceTemplate(ResourceTemplate.builder("test://template/{id}/data", "template")
                .description("A resource template: data for any id")
                .mimeType("application/json")
                .read((uri, args, ctx) -> json(ordered(
                        "id", args.get("id"),
                        "templateTest", true,
                        "data", "Data for ID: " + args.get("id"))))
                .build());
        prompts().forEach(server::addPrompt);
        ConformanceInputs.prompts().forEach(server::addPrompt);
        built.set(server.build());
        return built.get();
    }

    /** Starts the fixture on {@code FASTMCP_HOST:FASTMCP_PORT} (default {@code 127.0.0.1:8080}) until killed. */
    public static void main(String[] args) {
        FastMCP server = create();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "conformance-shutdown"));
        server.start();
        System.err.println("conformance: MCP server at " + server.url());
    }

    // ---------------------------------------------------------------------------------------------- tools

    private static List<Tool> tools() {
        return List.of(
                Tool.builder("test_simple_text")
                        .description("Returns a simple text response")
                        .execute((args, ctx) -> "This is a simple text response for testing.")
                        .build(),

                Tool.builder("test_image_content")
                        .description("Returns a 1x1 PNG image")
                        .execute((args, ctx) -> Content.imageContent(bytes(PNG), "image/png"))
                        .build(),

                Tool.builder("test_audio_content")
                        .description("Returns a tiny WAV clip")
                        .execute((args, ctx) -> Content.audioContent(bytes(WAV), "audio/wav"))
                        .build(),

                Tool.builder("test_embedded_resource")
                        .description("Returns an embedded text resource")
                        .execute((args, ctx) -> Content.resource("test://embedded-resource", "text/plain",
                                "This is an embedded resource content."))
                        .build(),

                Tool.builder("test_multiple_content_types")
                        .description("Returns text, an image and an embedded resource")
                        .execute((args, ctx) -> List.of(
                                Content.text("Multiple content types test:"),
                                Content.imageContent(bytes(PNG), "image/png"),
                                Content.resource("test://mixed-content-resource", "application/json",
                                        "{\"test\":\"data\",\"value\":123}")))
                        .build(),

                Tool.builder("test_tool_with_logging")
                        .description("Sends three log messages while it runs")
                        .execute((args, ctx) -> {
                            ctx.log().info("Tool execution started");
                            Thread.sleep(50);
                            ctx.log().info("Tool processing data");
                            Thread.sleep(50);
                            ctx.log().info("Tool execution completed");
                            return "Tool with logging executed successfully";
                        })
                        .build(),

                Tool.builder("test_tool_with_progress")
                        .description("Reports progress 0, 50 and 100 of 100, then returns the progress token")
                        .execute((args, ctx) -> {
                            for (int progress = 0; progress <= 100; progress += 50) {
                                ctx.reportProgress(progress, 100.0, "Completed step " + progress + " of 100");
                                if (progress < 100) {
                                    Thread.sleep(50);
                                }
                            }
                            return String.valueOf(ctx.progressToken());
                        })
                        .build(),

                Tool.builder("test_error_handling")
                        .description("Always fails with a tool error (isError), not a protocol error")
                        .execute((args, ctx) -> McpSchema.CallToolResult.builder()
                                .addTextContent("This tool intentionally returns an error for testing")
                                .isError(true)
                                .build())
                        .build(),

                Tool.builder("test_reconnection")
                        .description("Closes its SSE connection mid-call; the result arrives on the resumed stream")
                        .execute((args, ctx) -> {
                            ctx.log().info("Closing the stream; reconnect with Last-Event-ID");
                            ctx.closeSseStream();
                            Thread.sleep(300);
                            return "Reconnection test completed successfully";
                        })
                        .build(),

                Tool.builder("test_sampling")
                        .description("Asks the client's model to answer a prompt (sampling/createMessage)")
                        .parameters("""
                                {"type":"object",
                                 "properties":{"prompt":{"type":"string","description":"The prompt to send to the model"}},
                                 "required":["prompt"]}""")
                        .execute((args, ctx) -> "LLM response: " + ctx.sample((String) args.get("prompt"), 100))
                        .build(),

                Tool.builder("test_elicitation")
                        .description("Asks the user for a response (elicitation/create)")
                        .parameters("""
                                {"type":"object",
                                 "properties":{"message":{"type":"string","description":"The message to show the user"}},
                                 "required":["message"]}""")
                        .execute((args, ctx) -> {
                            McpSchema.ElicitResult result = ctx.elicit((String) args.get("message"), schema("""
                                    {"type":"object",
                                     "properties":{"response":{"type":"string","description":"User's response"}},
                                     "required":["response"]}"""));
                            return "User response: " + describe(result);
                        })
                        .build(),

                Tool.builder("test_elicitation_sep1034_defaults")
                        .description("Elicits a form whose fields all have defaults (SEP-1034)")
                        .execute((args, ctx) -> elicitationCompleted(ctx, "Please review and update the form fields",
                                """
                                {"type":"object",
                                 "properties":{
                                   "name":{"type":"string","default":"John Doe"},
                                   "age":{"type":"integer","default":30},
                                   "score":{"type":"number","default":95.5},
                                   "status":{"type":"string","enum":["active","inactive","pending"],"default":"active"},
                                   "verified":{"type":"boolean","default":true}},
                                 "required":[]}"""))
                        .build(),

                Tool.builder("test_elicitation_sep1330_enums")
                        .description("Elicits a form with every enum variant (SEP-1330)")
                        .execute((args, ctx) -> elicitationCompleted(ctx, "Please select options from the enum fields",
                                """
                                {"type":"object",
                                 "properties":{
                                   "untitledSingle":{"type":"string","enum":["option1","option2","option3"]},
                                   "titledSingle":{"type":"string",
                                                   "oneOf":[{"const":"value1","title":"First Option"},
                                                            {"const":"value2","title":"Second Option"},
                                                            {"const":"value3","title":"Third Option"}]},
                                   "legacyEnum":{"type":"string","enum":["opt1","opt2","opt3"],
                                                 "enumNames":["Option One","Option Two","Option Three"]},
                                   "untitledMulti":{"type":"array","minItems":1,"maxItems":3,
                                                    "items":{"type":"string","enum":["option1","option2","option3"]}},
                                   "titledMulti":{"type":"array","minItems":1,"maxItems":3,
                                                  "items":{"anyOf":[{"const":"value1","title":"First Choice"},
                                                                    {"const":"value2","title":"Second Choice"},
                                                                    {"const":"value3","title":"Third Choice"}]}}},
                                 "required":[]}"""))
                        .build(),

                Tool.builder("json_schema_2020_12_tool")
                        .description("A tool whose input schema uses JSON Schema 2020-12 ($schema, $defs, $anchor,"
                                + " $ref, allOf, anyOf, if/then/else)")
                        .parameters(JSON_SCHEMA_2020_12)
                        .execute((args, ctx) -> "JSON Schema 2020-12 tool called with: " + json(args))
                        .build(),

                Tool.builder("test_param_header")
                        .description("Echoes its region, which clients also send as the Mcp-Param-Region header")
                        .parameters("""
                                {"type":"object",
                                 "properties":{"region":{"type":"string","description":"The region to echo",
                                                         "x-mcp-header":"Region"}},
                                 "required":["region"]}""")
                        .execute((args, ctx) -> "Region: " + args.get("region"))
                        .build());
    }

    // ------------------------------------------------------------------------------------------ resources

    private static List<Resource> resources() {
        return List.of(
                Resource.builder("test://static-text", "static-text")
                        .description("A static text resource")
                        .mimeType("text/plain")
                        .read(ctx -> "This is the content of the static text resource.")
                        .build(),

                Resource.builder("test://static-binary", "static-binary")
                        .description("A static binary resource: a 1x1 PNG")
                        .mimeType("image/png")
                        .read(ctx -> bytes(PNG))
                        .build(),

                Resource.builder("test://watched-resource", "watched-resource")
                        .description("A resource clients can subscribe to")
                        .mimeType("text/plain")
                        .read(ctx -> "Watched resource content")
                        .build());
    }

    // -------------------------------------------------------------------------------------------- prompts

    private static List<Prompt> prompts() {
        return List.of(
                Prompt.builder("test_simple_prompt")
                        .description("A prompt without arguments")
                        .render((args, ctx) -> "This is a simple prompt for testing.")
                        .build(),

                Prompt.builder("test_prompt_with_arguments")
                        .description("A prompt with two required arguments")
                        .argument("arg1", "The first argument", true)
                        .argument("arg2", "The second argument", true)
                        .render((args, ctx) -> "Prompt with arguments: arg1='" + args.get("arg1")
                                + "', arg2='" + args.get("arg2") + "'")
                        .build(),

                Prompt.builder("test_prompt_with_embedded_resource")
                        .description("A prompt that embeds a resource")
                        .argument("resourceUri", "The URI of the resource to embed", true)
                        .render((args, ctx) -> List.of(
                                Content.resource(args.get("resourceUri"), "text/plain",
                                        "Embedded resource content for testing."),
                                Content.text("Please process the embedded resource above.")))
                        .build(),

                Prompt.builder("test_prompt_with_image")
                        .description("A prompt with an image")
                        .render((args, ctx) -> List.of(
                                Content.imageContent(bytes(PNG), "image/png"),
                                Content.text("Please analyze the image above.")))
                        .build());
    }

    // -------------------------------------------------------------------------------------------- helpers

    private static String elicitationCompleted(Context ctx, String message, String requestedSchema) {
        return "Elicitation completed: " + describe(ctx.elicit(message, schema(requestedSchema)));
    }

    /** {@code action=accept, content={...}}, as the reference fixture words it. */
    private static String describe(McpSchema.ElicitResult result) {
        return "action=" + result.action().name().toLowerCase(Locale.ROOT)
                + ", content=" + json(result.content() == null ? Map.of() : result.content());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> schema(String json) {
        return JSON.readValue(json, LinkedHashMap.class);
    }

    private static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static byte[] bytes(String base64) {
        return Base64.getDecoder().decode(base64);
    }
}
