package dev.fastmcp.examples;

import dev.fastmcp.Context;
import dev.fastmcp.Description;
import dev.fastmcp.TaskSupport;
import dev.fastmcp.Tool;
import dev.fastmcp.UserError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The conformance fixture's tools for the scenarios of the tasks extension ({@code io.modelcontextprotocol/tasks},
 * the {@code tasks-*} scenarios of MCP 2026-07-28), with the names and behaviour those scenarios expect: a tool that
 * is never a task, slow tools that are, tools that ask the user inside a task, and one that asks before it becomes
 * one.
 */
final class ConformanceTasks {

    private static final Map<String, Object> CONFIRM = Map.of("type", "object",
            "properties", Map.of("confirm", Map.of("type", "boolean")), "required", List.of("confirm"));
    private static final Map<String, Object> NAME = Map.of("type", "object",
            "properties", Map.of("name", Map.of("type", "string")), "required", List.of("name"));

    private ConformanceTasks() {
    }

    record Greeting(@Description("Who to greet") String name) {
    }

    record Computation(@Description("How long to work, in seconds") double seconds,
            @Description("A label echoed in the result") Optional<String> label) {
    }

    record Deletion(@Description("The file to delete") String filename) {
    }

    static List<Tool> tools() {
        return List.of(
                Tool.builder("greet")
                        .description("Greets by name at once; never a task")
                        .parameters(Greeting.class)
                        .execute((args, ctx) -> "Hello, " + args.name() + "!")
                        .build(),

                Tool.builder("slow_compute")
                        .description("Works for the given number of seconds, as a task for clients that take tasks")
                        .parameters(Computation.class)
                        .taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> {
                            Thread.sleep((long) (args.seconds() * 1000));
                            return "Computed " + args.label().orElse("a result") + " in " + args.seconds() + " s";
                        })
                        .build(),

                Tool.builder("failing_job")
                        .description("Runs only as a task, and ends with a tool error after a second")
                        .taskSupport(TaskSupport.REQUIRED)
                        .execute((args, ctx) -> {
                            Thread.sleep(1000);
                            throw new UserError("The job failed: its input is invalid");
                        })
                        .build(),

                Tool.builder("protocol_error_job")
                        .description("A task whose handler breaks an invariant, which ends it with a JSON-RPC error")
                        .taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> {
                            // An Error is not a tool failure: the task fails with the JSON-RPC internal error.
                            throw new AssertionError("protocol_error_job always breaks");
                        })
                        .build(),

                Tool.builder("confirm_delete")
                        .description("Asks the user to confirm inside the task, then deletes (pretends to)")
                        .parameters(Deletion.class)
                        .taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> confirmed(ctx.elicit("Delete " + args.filename() + "?", CONFIRM))
                                ? "Deleted " + args.filename() : "Kept " + args.filename())
                        .build(),

                Tool.builder("multi_input")
                        .description("Asks two questions at once inside the task")
                        .taskSupport(TaskSupport.OPTIONAL)
                        .execute((args, ctx) -> {
                            Context.Answers answers = ctx.inputs()
                                    .elicit("first", "First answer?", CONFIRM)
                                    .elicit("second", "Second answer?", CONFIRM)
                                    .await();
                            return "Answered: " + confirmed(answers.elicitation("first")) + ", "
                                    + confirmed(answers.elicitation("second"));
                        })
                        .build(),

                Tool.builder("test_tool_with_task")
                        .description("Asks the user's name on the request, then continues as a task")
                        .taskSupport(TaskSupport.REQUIRED)
                        .startTaskInHandler()
                        .execute((args, ctx) -> {
                            Object name = ctx.inputs().elicit("user_name", "What is your name?", NAME).await()
                                    .elicitation("user_name").content().get("name");
                            ctx.runAsTask();
                            Thread.sleep(200);
                            return "Hello, " + name + ", from a task";
                        })
                        .build());
    }

    private static boolean confirmed(McpSchema.ElicitResult answer) {
        return answer.action() == McpSchema.ElicitResult.Action.ACCEPT
                && answer.content() != null && Boolean.TRUE.equals(answer.content().get("confirm"));
    }
}
