package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.annotations.Arg;
import dev.fastmcp.annotations.McpTool;
import dev.fastmcp.annotations.RequireAuth;
import dev.fastmcp.annotations.RequireRole;
import dev.fastmcp.annotations.RequireScopes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tools written as annotated methods ({@code addTools(object)}), served by a real server and called over HTTP with
 * tokens that the server's {@code authenticate} hook maps to callers: the schema comes from the parameters, the
 * arguments bind to them, the access annotations decide who sees and calls, and every mistake in the annotations
 * is refused when the server is built, naming the method.
 */
@Timeout(30)
class AnnotatedToolsTest {

    record Address(String city, Optional<String> zip) {
    }

    record Receipt(String id, int items) {
    }

    /** Tools of a notes service, as a developer would write them. */
    public static final class Notes {

        @McpTool(description = "Adds a note")
        public String addNote(@Description("The text of the note") String text, Optional<Integer> priority,
                @Arg("due_date") Optional<String> dueDate, Context ctx) {
            return text + " p" + priority.orElse(0) + " due " + dueDate.orElse("never") + " by "
                    + (ctx.auth() == null ? "nobody" : ctx.auth().subject());
        }

        @McpTool(name = "ship", title = "Ship an order")
        @Description("Ships items to an address")
        public Receipt ship(List<String> items, Address to) {
            return new Receipt("r-" + to.city(), items.size());
        }

        @McpTool
        @RequireAuth
        public String whoami(Context ctx) {
            return ctx.auth().subject();
        }

        @McpTool
        @RequireScopes("notes:write")
        public String purge() {
            return "purged";
        }

        @McpTool
        @RequireRole("admin")
        @RequireScopes("notes:write")
        public String reset() {
            return "reset";
        }

        @McpTool
        public String fail(String why) {
            throw new UserError("refused: " + why);
        }

        /** Not a tool: no annotation. */
        public String helper() {
            return "not a tool";
        }
    }

    private static final Map<String, AuthSession> CALLERS = Map.of(
            "alice", AuthSession.of("alice", "app", List.of("notes:write"), Map.of("roles", List.of("admin")), null),
            "bob", AuthSession.of("bob", "app", List.of("notes:write"), Map.of(), null),
            "carol", AuthSession.of("carol", "app", List.of(), Map.of(), null));

    private FastMCP server;

    @BeforeEach
    void start() {
        server = FastMCP.builder("annotated", "1.0.0")
                .authenticate(request -> CALLERS.get(String.valueOf(request.header("authorization"))
                        .replace("Bearer ", "")))
                .addTools(new Notes())
                .build().start(StartOptions.http().port(0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TaskClient as(String caller) {
        return new TaskClient(server, caller);
    }

    private static Map<?, ?> tool(TaskClient client, String name) throws Exception {
        List<?> tools = (List<?>) client.result("tools/list", "{}").get("tools");
        return tools.stream().map(t -> (Map<?, ?>) t).filter(t -> name.equals(t.get("name"))).findFirst()
                .orElse(null);
    }

    private static List<Object> toolNames(TaskClient client) throws Exception {
        List<?> tools = (List<?>) client.result("tools/list", "{}").get("tools");
        return tools.stream().map(t -> ((Map<?, ?>) t).get("name")).sorted().map(Object.class::cast).toList();
    }

    @Test
    void parametersBecomeTheSchemaInTheirOrder() throws Exception {
        Map<?, ?> addNote = tool(as("alice"), "addNote");
        assertEquals("Adds a note", addNote.get("description"));
        Map<?, ?> schema = (Map<?, ?>) addNote.get("inputSchema");
        Map<?, ?> properties = (Map<?, ?>) schema.get("properties");
        assertEquals(List.of("text", "priority", "due_date"), List.copyOf(properties.keySet()),
                "named from the source (-parameters) or @Arg, the Context left out");
        assertEquals(List.of("text"), schema.get("required"));
        assertEquals("The text of the note", ((Map<?, ?>) properties.get("text")).get("description"));
        assertEquals(List.of("integer", "null"), ((Map<?, ?>) properties.get("priority")).get("type"));
        assertEquals(false, schema.get("additionalProperties"));

        Map<?, ?> ship = tool(as("alice"), "ship");
        assertEquals("Ship an order", ship.get("title"));
        assertEquals("Ships items to an address", ship.get("description"), "@Description on the method");
        Map<?, ?> to = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ship.get("inputSchema")).get("properties")).get("to");
        assertEquals(List.of("city"), to.get("required"), "a record parameter is described as a record: " + to);
        assertEquals(false, to.get("additionalProperties"));
        assertEquals(List.of("id", "items"), ((Map<?, ?>) ship.get("outputSchema")).get("required"),
                "a record return type is the output schema");
        assertEquals(null, tool(as("alice"), "helper"), "a method without @McpTool is no tool");
    }

    @Test
    void argumentsBindToTheParametersAndTheContextIsTheCallers() throws Exception {
        Map<String, Object> result = as("carol").call("addNote", "{\"text\":\"milk\",\"due_date\":\"friday\"}");
        assertEquals("milk p0 due friday by carol", TaskClient.text(result));
        assertEquals("milk p2 due never by carol", TaskClient.text(as("carol").call("addNote",
                "{\"text\":\"milk\",\"priority\":2,\"due_date\":null}")), "null accepted for an Optional");

        Map<String, Object> shipped = as("carol").call("ship", "{\"items\":[\"a\",\"b\"],\"to\":{\"city\":\"Oslo\"}}");
        assertEquals(Map.of("id", "r-Oslo", "items", 2), shipped.get("structuredContent"));
    }

    @Test
    void badArgumentsAreRefusedNamingTheArgument() throws Exception {
        Map<String, Object> missing = as("carol").call("addNote", "{\"priority\":1}");
        assertEquals(Boolean.TRUE, missing.get("isError"));
        assertTrue(TaskClient.text(missing).contains("text"), TaskClient.text(missing));
        Map<String, Object> wrongType = as("carol").call("ship", "{\"items\":[],\"to\":{\"city\":5}}");
        assertEquals(Boolean.TRUE, wrongType.get("isError"));
        assertTrue(TaskClient.text(wrongType).contains("to.city") || TaskClient.text(wrongType).contains("city"),
                TaskClient.text(wrongType));
    }

    @Test
    void userErrorsOfTheMethodReachTheClientAsThey() throws Exception {
        Map<String, Object> failed = as("carol").call("fail", "{\"why\":\"closed\"}");
        assertEquals(Boolean.TRUE, failed.get("isError"));
        assertTrue(TaskClient.text(failed).contains("refused: closed"), TaskClient.text(failed));
    }

    @Test
    void accessAnnotationsDecideWhoSeesAndCalls() throws Exception {
        assertEquals(List.of("addNote", "fail", "purge", "reset", "ship", "whoami"), toolNames(as("alice")));
        assertEquals(List.of("addNote", "fail", "purge", "ship", "whoami"), toolNames(as("bob")),
                "bob has the scope but not the role of reset");
        assertFalse(toolNames(as("carol")).contains("purge"), "carol lacks notes:write");
        assertEquals("alice", TaskClient.text(as("alice").call("whoami", "{}")));
        assertEquals("reset", TaskClient.text(as("alice").call("reset", "{}")));
        Map<String, Object> refused = as("bob").error("tools/call", "{\"name\":\"reset\",\"arguments\":{}}");
        assertInstanceOf(Number.class, refused.get("code"), "bob cannot call reset: " + refused);
    }

    // ---- refusals at build, each naming the method ----

    public static final class NoTools {
        public String nothing() {
            return "";
        }
    }

    public static final class Hidden {
        @McpTool
        String secret() {
            return "";
        }
    }

    public static final class TwoContexts {
        @McpTool
        public String twice(Context a, Context b) {
            return "";
        }
    }

    public static final class SameName {
        @McpTool
        public String clash(@Arg("x") String a, @Arg("x") String b) {
            return "";
        }
    }

    public static final class NullablePrimitive {
        @McpTool
        public String primitive(@Nullable int count) {
            return "";
        }
    }

    public static final class NoScope {
        @McpTool
        @RequireScopes({})
        public String open() {
            return "";
        }
    }

    public static final class NoRole {
        @McpTool
        @RequireRole({})
        public String open() {
            return "";
        }
    }

    public static final class StaticTool {
        @McpTool
        public static String shared() {
            return "";
        }
    }

    record Aliased(@com.fasterxml.jackson.annotation.JsonAlias("n") String name) {
    }

    public static final class BadRecord {
        @McpTool
        public String take(Aliased value) {
            return "";
        }
    }

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @interface Nullable {
    }

    @Test
    void mistakesInTheAnnotationsAreRefusedAtBuildNamingTheMethod() {
        Map<Object, String> cases = new HashMap<>();
        cases.put(new NoTools(), "has no public method annotated @McpTool");
        cases.put(new Hidden(), "Hidden.secret is not public");
        cases.put(new TwoContexts(), "TwoContexts.twice takes a Context 2 times");
        cases.put(new SameName(), "SameName.clash names the argument 'x' twice");
        cases.put(new NullablePrimitive(), "NullablePrimitive.primitive parameter 'count' is a primitive");
        cases.put(new NoScope(), "NoScope.open has @RequireScopes without a scope");
        cases.put(new NoRole(), "NoRole.open has @RequireRole without a role");
        cases.put(new StaticTool(), "StaticTool.shared is static");
        cases.put(new BadRecord(), "BadRecord.take cannot describe its parameters");
        cases.forEach((tools, expected) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FastMCP.builder("bad", "1.0.0").addTools(tools), tools.getClass().getSimpleName());
            assertTrue(e.getMessage().contains(expected), e.getMessage());
        });
    }


    @Test
    void parametersWithoutNamesAreRefusedWithTheFix(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // Compiled here without -parameters, as a project that does not set it would be.
        java.nio.file.Path source = dir.resolve("Unnamed.java");
        java.nio.file.Files.writeString(source, "public class Unnamed {\n"
                + "  @dev.fastmcp.annotations.McpTool public String echo(String text) { return text; }\n}\n");
        javax.tools.JavaCompiler compiler = javax.tools.ToolProvider.getSystemJavaCompiler();
        int status = compiler.run(null, null, null, "-classpath", System.getProperty("java.class.path"), "-d",
                dir.toString(), source.toString());
        assertEquals(0, status, "the fixture compiles");
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                getClass().getClassLoader())) {
            Object unnamed = loader.loadClass("Unnamed").getConstructor().newInstance();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FastMCP.builder("bad", "1.0.0").addTools(unnamed));
            assertTrue(e.getMessage().contains("Unnamed.echo parameter 1 has no name: compile with -parameters"),
                    e.getMessage());
        }
    }
}
