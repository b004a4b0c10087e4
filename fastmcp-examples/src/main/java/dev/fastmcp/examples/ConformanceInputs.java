package dev.fastmcp.examples;

import dev.fastmcp.Context;
import dev.fastmcp.FastMCP;
import dev.fastmcp.Prompt;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The conformance fixture's tools and prompt that only the MCP 2026-07-28 scenarios call: input-required results
 * (the same {@link Context} calls as on the older revisions), a tool that needs a client capability, logging, and
 * list changes for {@code subscriptions/listen}.
 */
final class ConformanceInputs {

    private static final Map<String, Object> NAME = form("name");

    private ConformanceInputs() {
    }

    /** The tools; {@code server} is the running fixture, for the list-change triggers. */
    static List<Tool> tools(Supplier<FastMCP> server) {
        return List.of(
                Tool.builder("test_missing_capability")
                        .description("Needs the client to declare sampling")
                        .requireClientCapabilities("sampling")
                        .execute((args, ctx) -> "The client declares sampling")
                        .build(),

                Tool.builder("test_streaming_elicitation")
                        .description("Asks the user for their name, when the client can be asked")
                        .execute((args, ctx) -> can(ctx, "elicitation")
                                ? "Hello, " + ctx.elicit("What is your name?", NAME).content().get("name")
                                : "The client cannot be asked")
                        .build(),

                Tool.builder("test_logging_tool")
                        .description("Sends log messages at the level the request asks for")
                        .execute((args, ctx) -> {
                            ctx.log().debug("Debug message from the logging tool");
                            ctx.log().info("Info message from the logging tool");
                            ctx.log().warn("Warning message from the logging tool");
                            return "Logging tool executed";
                        })
                        .build(),

                Tool.builder("test_trigger_tool_change")
                        .description("Changes the tool list (adds and removes a tool)")
                        .execute((args, ctx) -> {
                            server.get().addTool(Tool.builder("test_transient_tool")
                                    .description("Exists for a moment").execute((a, c) -> "transient").build());
                            server.get().removeTool("test_transient_tool");
                            return "Tool list changed";
                        })
                        .build(),

                Tool.builder("test_trigger_prompt_change")
                        .description("Changes the prompt list (adds and removes a prompt)")
                        .execute((args, ctx) -> {
                            server.get().addPrompt(Prompt.builder("test_transient_prompt")
                                    .description("Exists for a moment").render((a, c) -> "transient").build());
                            server.get().removePrompt("test_transient_prompt");
                            return "Prompt list changed";
                        })
                        .build(),

                Tool.builder("test_input_required_result_elicitation")
                        .description("Asks the user's name (elicitation), then greets them")
                        .execute((args, ctx) -> "Hello, " + ctx.inputs()
                                .elicit("user_name", "What is your name?", NAME).await()
                                .elicitation("user_name").content().get("name"))
                        .build(),

                Tool.builder("test_input_required_result_sampling")
                        .description("Asks the client's model a question (sampling)")
                        .execute((args, ctx) -> "The model says: " + text(ctx.inputs()
                                .sample("capital_of_france", sampling("What is the capital of France?")).await()
                                .sampling("capital_of_france")))
                        .build(),

                Tool.builder("test_input_required_result_list_roots")
                        .description("Asks the client for its roots")
                        .execute((args, ctx) -> "Roots: " + ctx.inputs().listRoots("client_roots").await()
                                .roots("client_roots").roots().stream().map(McpSchema.Root::uri).toList())
                        .build(),

                Tool.builder("test_input_required_result_request_state")
                        .description("Asks for a confirmation; the answer comes back with the sealed request state")
                        .execute((args, ctx) -> "state-ok: confirmed " + ctx.inputs()
                                .elicit("confirm", "Confirm?", Map.of("type", "object",
                                        "properties", Map.of("ok", Map.of("type", "boolean")),
                                        "required", List.of("ok"))).await()
                                .elicitation("confirm").content().get("ok"))
                        .build(),

                Tool.builder("test_input_required_result_multiple_inputs")
                        .description("Asks for a name, a greeting and the roots at once")
                        .execute((args, ctx) -> {
                            Context.Answers answers = ctx.inputs()
                                    .elicit("user_name", "What is your name?", NAME)
                                    .sample("greeting", sampling("Write a short greeting"))
                                    .listRoots("client_roots")
                                    .await();
                            return answers.elicitation("user_name").content().get("name") + " / "
                                    + text(answers.sampling("greeting")) + " / "
                                    + answers.roots("client_roots").roots().size() + " root(s)";
                        })
                        .build(),

                Tool.builder("test_input_required_result_multi_round")
                        .description("Asks a name, then a colour, in two rounds")
                        .execute((args, ctx) -> {
                            Object name = ctx.inputs().elicit("step1", "What is your name?", NAME).await()
                                    .elicitation("step1").content().get("name");
                            Object color = ctx.inputs().elicit("step2", "Your favourite colour?", form("color"))
                                    .await().elicitation("step2").content().get("color");
                            return name + " likes " + color;
                        })
                        .build(),

                Tool.builder("test_input_required_result_tampered_state")
                        .description("Asks a name; its request state is sealed and refused when altered")
                        .execute((args, ctx) -> "Hello, " + ctx.inputs()
                                .elicit("user_name", "What is your name?", NAME).await()
                                .elicitation("user_name").content().get("name"))
                        .build(),

                Tool.builder("test_input_required_result_capabilities")
                        .description("Asks only what the client declares it can answer")
                        .execute((args, ctx) -> {
                            Context.Inputs inputs = ctx.inputs();
                            boolean any = false;
                            if (can(ctx, "elicitation")) {
                                inputs.elicit("user_name", "What is your name?", NAME);
                                any = true;
                            }
                            if (can(ctx, "sampling")) {
                                inputs.sample("greeting", sampling("Write a short greeting"));
                                any = true;
                            }
                            if (!any) {
                                return "The client declares neither elicitation nor sampling";
                            }
                            inputs.await();
                            return "Answered";
                        })
                        .build());
    }

    /** The prompts. */
    static List<Prompt> prompts() {
        return List.of(Prompt.builder("test_input_required_result_prompt")
                .description("Asks the user for context before rendering")
                .render((args, ctx) -> "Context: " + ctx.inputs()
                        .elicit("user_context", "What context should the prompt use?", form("context")).await()
                        .elicitation("user_context").content().get("context"))
                .build());
    }

    private static boolean can(Context ctx, String capability) {
        McpSchema.ClientCapabilities caps = ctx.clientCapabilities();
        if (caps == null) {
            return false;
        }
        return switch (capability) {
            case "elicitation" -> caps.elicitation() != null;
            case "sampling" -> caps.sampling() != null;
            default -> caps.roots() != null;
        };
    }

    private static Map<String, Object> form(String field) {
        return Map.of("type", "object", "properties", Map.of(field, Map.of("type", "string")),
                "required", List.of(field));
    }

    private static McpSchema.CreateMessageRequest sampling(String question) {
        return McpSchema.CreateMessageRequest.builder(List.of(new McpSchema.SamplingMessage(McpSchema.Role.USER,
                new McpSchema.TextContent(question))), 100).systemPrompt("You are a helpful assistant.").build();
    }

    private static String text(McpSchema.CreateMessageResult result) {
        return result.content() instanceof McpSchema.TextContent t ? t.text() : "";
    }
}
