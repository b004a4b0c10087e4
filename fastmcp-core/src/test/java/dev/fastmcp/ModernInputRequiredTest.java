package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Input from the client on MCP 2026-07-28, over real HTTP: {@code ctx.elicit}, {@code sample}, {@code listRoots}
 * and {@code inputs()} end the call with an "input required" result, and the retry with the answers and the sealed
 * state completes it, the handler written once for both revisions.
 */
@Timeout(30)
class ModernInputRequiredTest {

    static final String ALL = "{\"elicitation\":{},\"sampling\":{},\"roots\":{}}";
    static final Map<String, Object> NAME_FORM = Map.of("type", "object",
            "properties", Map.of("name", Map.of("type", "string")), "required", List.of("name"));

    private static FastMCP server;
    private static RawModern mcp;

    /** The tools and the prompt of these tests, the same code the older revisions serve over a session. */
    static FastMCP.Builder inputs(FastMCP.Builder builder) {
        return builder
                .addTool(Tool.builder("greet").description("Asks the user's name")
                        .execute((args, ctx) -> "Hello, " + ctx.elicit("Your name?", NAME_FORM).content().get("name"))
                        .build())
                .addTool(Tool.builder("think").description("Asks the client's model")
                        .execute((args, ctx) -> "The model says: " + ctx.sample("Capital of France?", 50)).build())
                .addTool(Tool.builder("roots").description("Lists the client's roots")
                        .execute((args, ctx) -> ctx.listRoots().roots().stream().map(McpSchema.Root::uri)
                                .collect(Collectors.joining(","))).build())
                .addTool(Tool.builder("several").description("Asks three things at once")
                        .execute((args, ctx) -> {
                            Context.Answers answers = ctx.inputs()
                                    .elicit("user_name", "Your name?", NAME_FORM)
                                    .sample("greeting", McpSchema.CreateMessageRequest.builder(List.of(
                                            new McpSchema.SamplingMessage(McpSchema.Role.USER,
                                                    new McpSchema.TextContent("Say hi"))), 20).build())
                                    .listRoots("client_roots")
                                    .await();
                            return answers.elicitation("user_name").content().get("name") + "|"
                                    + ((McpSchema.TextContent) answers.sampling("greeting").content()).text() + "|"
                                    + answers.roots("client_roots").roots().get(0).uri();
                        }).build())
                .addTool(Tool.builder("rounds").description("Asks twice, one after the other")
                        .execute((args, ctx) -> {
                            Object name = ctx.elicit("Your name?", NAME_FORM).content().get("name");
                            Object color = ctx.elicit("Your colour?", Map.of("type", "object", "properties",
                                    Map.of("color", Map.of("type", "string")))).content().get("color");
                            return name + " likes " + color;
                        }).build())
                .addTool(Tool.builder("adapts").description("Asks only what the client can answer")
                        .execute((args, ctx) -> ctx.clientCapabilities() != null
                                && ctx.clientCapabilities().sampling() != null
                                ? ctx.sample("Hi?", 10) : "nothing asked").build())
                .addPrompt(Prompt.builder("context").description("Asks for context first")
                        .render((args, ctx) -> "Context: " + ctx.elicit("Context?", Map.of("type", "object",
                                "properties", Map.of("context", Map.of("type", "string")))).content().get("context"))
                        .build());
    }

    @BeforeAll
    static void start() {
        server = inputs(FastMCP.builder("inputs", "1.0.0")).build().start(StartOptions.http().port(0));
        mcp = new RawModern(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String body(Object id, String method, String params, String caps) {
        return RawModern.body(id, method, params).replace("clientCapabilities\":{}", "clientCapabilities\":" + caps);
    }

    static String retry(Object id, String method, String params, String caps, String responses, Object state) {
        String inner = params.strip().substring(1, params.strip().length() - 1).strip();
        String more = "\"inputResponses\":" + responses + (state == null ? "" : ",\"requestState\":"
                + Json.string(state));
        return body(id, method, "{" + inner + (inner.isEmpty() ? "" : ",") + more + "}", caps);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> inputRequests(Map<String, Object> result) {
        assertEquals("input_required", result.get("resultType"), result.toString());
        assertNull(result.get("ttlMs"), "an input-required result is not cacheable");
        assertTrue(result.get("requestState") instanceof String, result.toString());
        return (Map<String, Object>) result.get("inputRequests");
    }

    static String text(Map<String, Object> result) {
        assertEquals("complete", result.get("resultType"), result.toString());
        return String.valueOf(((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text"));
    }

    static final String ALICE = "{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}}";
    static final String PARIS = "{\"role\":\"assistant\",\"content\":{\"type\":\"text\",\"text\":\"Paris\"},"
            + "\"model\":\"m\",\"stopReason\":\"endTurn\"}";
    static final String ROOTS = "{\"roots\":[{\"uri\":\"file:///work\",\"name\":\"Work\"}]}";

    @Test
    void elicitationIsAskedThenAnswered() throws Exception {
        Map<String, Object> first = RawModern.result(mcp.post(body(1, "tools/call", "{\"name\":\"greet\"}", ALL)));
        Map<String, Object> asked = inputRequests(first);
        assertEquals(List.of("input_1"), List.copyOf(asked.keySet()));
        Map<?, ?> request = (Map<?, ?>) asked.get("input_1");
        assertEquals("elicitation/create", request.get("method"));
        assertEquals("Your name?", ((Map<?, ?>) request.get("params")).get("message"));
        assertEquals("form", ((Map<?, ?>) request.get("params")).get("mode"));

        Map<String, Object> done = RawModern.result(mcp.post(retry(2, "tools/call", "{\"name\":\"greet\"}", ALL,
                "{\"input_1\":" + ALICE + "}", first.get("requestState"))));
        assertEquals("Hello, Alice", text(done));
    }

    @Test
    void samplingAndRootsAreAskedThenAnswered() throws Exception {
        Map<String, Object> first = RawModern.result(mcp.post(body(1, "tools/call", "{\"name\":\"think\"}", ALL)));
        Map<?, ?> sampling = (Map<?, ?>) inputRequests(first).get("input_1");
        assertEquals("sampling/createMessage", sampling.get("method"));
        assertEquals(50, ((Map<?, ?>) sampling.get("params")).get("maxTokens"));
        assertEquals("The model says: Paris", text(RawModern.result(mcp.post(retry(2, "tools/call",
                "{\"name\":\"think\"}", ALL, "{\"input_1\":" + PARIS + "}", first.get("requestState"))))));

        Map<String, Object> roots = RawModern.result(mcp.post(body(3, "tools/call", "{\"name\":\"roots\"}", ALL)));
        assertEquals("roots/list", ((Map<?, ?>) inputRequests(roots).get("input_1")).get("method"));
        assertEquals("file:///work", text(RawModern.result(mcp.post(retry(4, "tools/call", "{\"name\":\"roots\"}",
                ALL, "{\"input_1\":" + ROOTS + "}", roots.get("requestState"))))));
    }

    @Test
    void severalInputsAreAskedInOneRound() throws Exception {
        Map<String, Object> first = RawModern.result(mcp.post(body(1, "tools/call", "{\"name\":\"several\"}", ALL)));
        Map<String, Object> asked = inputRequests(first);
        assertEquals(List.of("user_name", "greeting", "client_roots"), List.copyOf(asked.keySet()));
        assertEquals(List.of("elicitation/create", "sampling/createMessage", "roots/list"),
                asked.values().stream().map(v -> ((Map<?, ?>) v).get("method")).toList());
        String answers = "{\"user_name\":" + ALICE + ",\"greeting\":" + PARIS + ",\"client_roots\":" + ROOTS + "}";
        assertEquals("Alice|Paris|file:///work", text(RawModern.result(mcp.post(retry(2, "tools/call",
                "{\"name\":\"several\"}", ALL, answers, first.get("requestState"))))));
    }

    @Test
    void threeRoundsSeeTheAnswersOfEarlierOnes() throws Exception {
        Map<String, Object> first = RawModern.result(mcp.post(body(1, "tools/call", "{\"name\":\"rounds\"}", ALL)));
        assertEquals(List.of("input_1"), List.copyOf(inputRequests(first).keySet()));
        Map<String, Object> second = RawModern.result(mcp.post(retry(2, "tools/call", "{\"name\":\"rounds\"}", ALL,
                "{\"input_1\":" + ALICE + "}", first.get("requestState"))));
        assertEquals(List.of("input_2"), List.copyOf(inputRequests(second).keySet()));
        assertNotEquals(first.get("requestState"), second.get("requestState"));
        // Round 3 answers the second question only: the first answer comes from the sealed state.
        Map<String, Object> third = RawModern.result(mcp.post(retry(3, "tools/call", "{\"name\":\"rounds\"}", ALL,
                "{\"input_2\":{\"action\":\"accept\",\"content\":{\"color\":\"blue\"}}}",
                second.get("requestState"))));
        assertEquals("Alice likes blue", text(third));
    }

    @Test
    void aPromptAsksToo() throws Exception {
        Map<String, Object> first = RawModern.result(mcp.post(body(1, "prompts/get", "{\"name\":\"context\"}", ALL)));
        assertEquals("elicitation/create", ((Map<?, ?>) inputRequests(first).get("input_1")).get("method"));
        Map<String, Object> done = RawModern.result(mcp.post(retry(2, "prompts/get", "{\"name\":\"context\"}", ALL,
                "{\"input_1\":{\"action\":\"accept\",\"content\":{\"context\":\"tests\"}}}",
                first.get("requestState"))));
        assertEquals("complete", done.get("resultType"));
        Map<?, ?> message = (Map<?, ?>) ((List<?>) done.get("messages")).get(0);
        assertEquals("Context: tests", ((Map<?, ?>) message.get("content")).get("text"));
    }

    @Test
    void aMissingAnswerIsAskedAgainAndExtraKeysAreIgnored() throws Exception {
        Map<String, Object> wrongKey = RawModern.result(mcp.post(retry(1, "tools/call", "{\"name\":\"greet\"}", ALL,
                "{\"other\":" + ALICE + "}", null)));
        assertEquals(List.of("input_1"), List.copyOf(inputRequests(wrongKey).keySet()));

        Map<String, Object> extra = RawModern.result(mcp.post(retry(2, "tools/call", "{\"name\":\"greet\"}", ALL,
                "{\"input_1\":" + ALICE + ",\"x\":1,\"y\":{}}", null)));
        assertEquals("Hello, Alice", text(extra));
    }

    @Test
    void malformedAnswersAreInvalidParams() throws Exception {
        for (String responses : List.of("12", "\"text\"", "[]", "{\"input_1\":12345}",
                "{\"input_1\":{\"action\":\"maybe\"}}", "{\"input_1\":" + PARIS + "}")) {
            HttpResponse<String> r = mcp.post(retry(1, "tools/call", "{\"name\":\"greet\"}", ALL, responses, null));
            assertEquals(-32602, ((Number) RawModern.error(r).get("code")).intValue(), responses + ": " + r.body());
        }
        Map<String, Object> none = RawModern.result(mcp.post(retry(2, "tools/call", "{\"name\":\"greet\"}", ALL,
                "null", null)));
        assertEquals("input_required", none.get("resultType"));
    }

    @Test
    void tamperedRequestStateIsRefused() throws Exception {
        Map<String, Object> first = RawModern.result(mcp.post(body(1, "tools/call", "{\"name\":\"rounds\"}", ALL)));
        String state = (String) first.get("requestState");
        char last = state.charAt(state.length() - 1);
        for (String tampered : List.of(state + "-TAMPERED", state.substring(0, state.length() - 1)
                + (last == 'A' ? 'B' : 'A'), "", "not a state")) {
            HttpResponse<String> r = mcp.post(retry(2, "tools/call", "{\"name\":\"rounds\"}", ALL,
                    "{\"input_1\":" + ALICE + "}", tampered));
            Map<String, Object> error = RawModern.error(r);
            assertEquals(-32602, ((Number) error.get("code")).intValue(), r.body());
            assertTrue(String.valueOf(error.get("message")).contains("requestState"), r.body());
            assertFalse(r.body().contains(state), "the refusal never quotes the state");
        }
        HttpResponse<String> notString = mcp.post(retry(3, "tools/call", "{\"name\":\"rounds\"}", ALL,
                "{\"input_1\":" + ALICE + "}", null).replace("\"inputResponses\"", "\"requestState\":7,"
                + "\"inputResponses\""));
        assertEquals(-32602, ((Number) RawModern.error(notString).get("code")).intValue(), notString.body());
    }

    @Test
    void requestStateForAnotherToolIsRefused() throws Exception {
        Map<String, Object> first = RawModern.result(mcp.post(body(1, "tools/call", "{\"name\":\"rounds\"}", ALL)));
        HttpResponse<String> other = mcp.post(retry(2, "tools/call", "{\"name\":\"greet\"}", ALL,
                "{\"input_1\":" + ALICE + "}", first.get("requestState")));
        assertEquals(-32602, ((Number) RawModern.error(other).get("code")).intValue(), other.body());
        HttpResponse<String> otherArgs = mcp.post(retry(3, "tools/call",
                "{\"name\":\"rounds\",\"arguments\":{\"x\":1}}", ALL, "{\"input_1\":" + ALICE + "}",
                first.get("requestState")));
        assertEquals(-32602, ((Number) RawModern.error(otherArgs).get("code")).intValue(), otherArgs.body());
        HttpResponse<String> otherMethod = mcp.post(retry(4, "prompts/get", "{\"name\":\"rounds\"}", ALL,
                "{}", first.get("requestState")));
        assertEquals(-32602, ((Number) RawModern.error(otherMethod).get("code")).intValue(), otherMethod.body());
    }

    @Test
    void anInputTheClientDidNotDeclareIsNotAsked() throws Exception {
        HttpResponse<String> refused = mcp.post(body(1, "tools/call", "{\"name\":\"several\"}",
                "{\"sampling\":{}}"));
        Map<String, Object> error = RawModern.error(refused);
        assertEquals(-32021, ((Number) error.get("code")).intValue(), refused.body());
        assertEquals(Map.of("requiredCapabilities", Map.of("elicitation", Map.of(), "roots", Map.of())),
                error.get("data"));
        assertFalse(refused.body().contains("inputRequests"));

        Map<String, Object> adapted = RawModern.result(mcp.post(body(2, "tools/call", "{\"name\":\"adapts\"}",
                "{\"sampling\":{}}")));
        assertEquals(List.of("sampling/createMessage"), inputRequests(adapted).values().stream()
                .map(v -> ((Map<?, ?>) v).get("method")).toList());
        assertEquals("nothing asked", text(RawModern.result(mcp.post(body(3, "tools/call",
                "{\"name\":\"adapts\"}", "{}")))));
    }

    @Test
    void listsNeverRequireInput() throws Exception {
        for (String method : List.of("tools/list", "prompts/list")) {
            Map<String, Object> result = RawModern.result(mcp.post(body(1, method, "{}", ALL)));
            assertEquals("complete", result.get("resultType"), method);
        }
    }

    @Test
    void anotherUsersRequestStateIsRefused() throws Exception {
        AuthSession alice = AuthSession.of("alice", "cli", List.of(), Map.of(), null);
        AuthSession bob = AuthSession.of("bob", "cli", List.of(), Map.of(), null);
        AuthProvider bearer = new AuthProvider() {
            @Override
            public TokenVerifier tokenVerifier() {
                return token -> switch (token) {
                    case "alice-token" -> TokenVerification.valid(alice);
                    case "bob-token" -> TokenVerification.valid(bob);
                    default -> TokenVerification.invalid("unknown token");
                };
            }

            @Override
            public List<String> authorizationServers() {
                return List.of("https://as.example.com");
            }
        };
        try (FastMCP guarded = inputs(FastMCP.builder("guarded", "1.0.0").auth(bearer)).build()
                .start(StartOptions.http().port(0))) {
            RawModern raw = new RawModern(guarded);
            Map<String, Object> first = RawModern.result(raw.post(body(1, "tools/call", "{\"name\":\"greet\"}", ALL),
                    "Authorization", "Bearer alice-token"));
            Object state = first.get("requestState");
            String answer = "{\"input_1\":" + ALICE + "}";
            HttpResponse<String> stolen = raw.post(retry(2, "tools/call", "{\"name\":\"greet\"}", ALL, answer, state),
                    "Authorization", "Bearer bob-token");
            assertEquals(-32602, ((Number) RawModern.error(stolen).get("code")).intValue(), stolen.body());
            assertEquals("Hello, Alice", text(RawModern.result(raw.post(retry(3, "tools/call", "{\"name\":\"greet\"}",
                    ALL, answer, state), "Authorization", "Bearer alice-token"))));
        }
    }
}
