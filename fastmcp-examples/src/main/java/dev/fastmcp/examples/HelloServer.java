package dev.fastmcp.examples;

import dev.fastmcp.Content;
import dev.fastmcp.Description;
import dev.fastmcp.FastMCP;
import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import dev.fastmcp.UserError;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * A small tour of FastMCP: tools (typed arguments, structured output, progress and logging, images), a
 * resource, a resource template with completion, and a prompt.
 *
 * <p>Run it with {@code java -jar fastmcp-examples.jar hello}, then point an MCP client at
 * {@code http://127.0.0.1:8080/mcp}.
 */
public final class HelloServer {

    private HelloServer() {
    }

    record AddArgs(@Description("The first number") double a, @Description("The second number") double b) {
    }

    record Sum(double sum) {
    }

    record CountdownArgs(@Description("Seconds to count down from, 1 to 10") int from) {
    }

    record SwatchArgs(@Description("A colour as #rrggbb, such as #ff8800") String color) {
    }

    private static final Map<String, String> GREETINGS = Map.of(
            "english", "Hello, world!",
            "french", "Bonjour, le monde !",
            "german", "Hallo, Welt!",
            "spanish", "¡Hola, mundo!",
            "japanese", "こんにちは、世界！");

    /** Describes the server; {@link #main} starts it. */
    public static FastMCP create() {
        return FastMCP.builder("hello", "1.0.0")
                .instructions("A demo server: add numbers, count down, draw colour swatches, say hello.")

                // A tool with typed arguments (a record) and a structured result (another record).
                .addTool(Tool.builder("add")
                        .description("Adds two numbers")
                        .parameters(AddArgs.class)
                        .outputType(Sum.class)
                        .execute((args, ctx) -> new Sum(args.a() + args.b()))
                        .build())

                // A long-running tool: logs to the client and reports progress while it works.
                .addTool(Tool.builder("countdown")
                        .description("Counts down to liftoff, one second per step, reporting progress")
                        .parameters(CountdownArgs.class)
                        .execute((args, ctx) -> {
                            if (args.from() < 1 || args.from() > 10) {
                                throw new UserError("'from' must be between 1 and 10, was " + args.from());
                            }
                            for (int left = args.from(); left > 0; left--) {
                                ctx.log().info(left + "...");
                                ctx.reportProgress(args.from() - left, (double) args.from(), left + " s to go");
                                Thread.sleep(1000);
                            }
                            ctx.reportProgress(args.from(), (double) args.from(), "Liftoff");
                            return "Liftoff!";
                        })
                        .build())

                // A tool that returns an image; Content.imageContent detects the MIME type.
                .addTool(Tool.builder("swatch")
                        .description("Draws a 64x64 PNG swatch of a colour")
                        .parameters(SwatchArgs.class)
                        .execute((args, ctx) -> Content.imageContent(swatch(args.color())))
                        .build())

                // A resource at a fixed URI.
                .addResource(Resource.builder("hello://about", "about")
                        .description("What this server is")
                        .mimeType("text/plain")
                        .read(ctx -> "The FastMCP hello example: a few tools, a resource, a template and a prompt.")
                        .build())

                // A family of resources, with completion for the template variable.
                .addResourceTemplate(ResourceTemplate.builder("greetings://{language}", "greeting")
                        .description("'Hello, world!' in a language")
                        .mimeType("text/plain")
                        .complete("language", (typed, ctx) -> GREETINGS.keySet().stream()
                                .filter(language -> language.startsWith(typed)).sorted().toList())
                        .read((uri, args, ctx) -> Optional.ofNullable(GREETINGS.get(args.get("language")))
                                .orElseThrow(() -> new UserError("No greeting in '" + args.get("language")
                                        + "'; try one of " + GREETINGS.keySet().stream().sorted().toList())))
                        .build())

                // A prompt with a required and an optional argument.
                .addPrompt(Prompt.builder("explain")
                        .description("Asks the model to explain a topic")
                        .argument("topic", "What to explain", true)
                        .argument("audience", "Who it is for, such as 'a child' or 'an expert'", false)
                        .render((args, ctx) -> "Explain " + args.get("topic") + " to "
                                + args.getOrDefault("audience", "a curious beginner") + ", in three short paragraphs.")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        FastMCP server = create();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "hello-shutdown"));
        server.start(); // FASTMCP_HOST and FASTMCP_PORT apply; default http://127.0.0.1:8080/mcp
        System.err.println("hello: MCP server at " + server.url() + " (Ctrl-C to stop)");
    }

    private static byte[] swatch(String color) throws IOException {
        if (color == null || !color.matches("#?[0-9a-fA-F]{6}")) {
            throw new UserError("'color' must look like #ff8800, was '" + color + "'");
        }
        int rgb = Integer.parseInt(color.replace("#", ""), 16);
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(image, "png", png);
        return png.toByteArray();
    }
}
