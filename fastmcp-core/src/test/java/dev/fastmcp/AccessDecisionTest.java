package dev.fastmcp;

import static dev.fastmcp.Auth.requireAll;
import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The access decision's one owner: its decision table, and one evaluation of canAccess per call. */
@Timeout(30)
class AccessDecisionTest {

    private static final AuthSession READER = AuthSession.of("reader", "cli", List.of("notes:read"),
            Map.of("roles", List.of("viewer")), null);
    private static final Access.Caller BEARER_READER = Access.Caller.of(READER, true);
    private static final Access.Caller KEY_READER = Access.Caller.of(READER, false);

    private static Tool tool(String name, AccessCheck check) {
        return Tool.builder(name).canAccess(check).execute((args, ctx) -> "ran " + name).build();
    }

    private static Prompt prompt(String name, AccessCheck check) {
        return Prompt.builder(name).canAccess(check).render((args, ctx) -> "rendered " + name).build();
    }

    // ---- the decision table ----

    @Test
    void aComponentWithoutACheckOrWhoseCheckAllowsIsAllowed() {
        Tool open = tool("open", null);
        Access.Decision none = Access.decide(open, Access.Caller.ANONYMOUS);
        assertSame(open, assertInstanceOf(Access.Allowed.class, none).component());

        Tool scoped = tool("read", requireScopes("notes:read"));
        assertSame(scoped, assertInstanceOf(Access.Allowed.class, Access.decide(scoped, KEY_READER)).component());
        assertInstanceOf(Access.Allowed.class, Access.decide(scoped, BEARER_READER));
    }

    @Test
    void aToolRefusedOnlyForScopesToABearerCallerIsMissingScopesGrantedFirst() {
        Tool write = tool("write", requireScopes("notes:write", "notes:admin"));
        Access.MissingScopes refusal = assertInstanceOf(Access.MissingScopes.class,
                Access.decide(write, BEARER_READER));
        assertEquals(java.util.Set.of("notes:read", "notes:write", "notes:admin"), refusal.scopes(),
                "the scopes to ask for: those granted and those missing");
        assertEquals("notes:read", refusal.scopes().iterator().next(), "those granted come first");
    }

    @Test
    void aScopeRefusalIsHiddenWhenTheCallerCannotStepUp() {
        Tool write = tool("write", requireScopes("notes:write"));
        assertInstanceOf(Access.Hidden.class, Access.decide(write, KEY_READER), "API keys cannot step up");
        assertInstanceOf(Access.Hidden.class, Access.decide(write, Access.Caller.ANONYMOUS),
                "an unauthenticated caller is not refused for scopes only");
        assertSame(Access.Caller.ANONYMOUS, Access.Caller.of(null, true), "no session, no step-up");
    }

    @Test
    void onlyToolsStepUpPromptsResourcesAndTemplatesAreHidden() {
        AccessCheck write = requireScopes("notes:write");
        assertInstanceOf(Access.Hidden.class, Access.decide(prompt("p", write), BEARER_READER));
        assertInstanceOf(Access.Hidden.class, Access.decide(
                Resource.builder("notes://x", "x").canAccess(write).read(ctx -> "x").build(), BEARER_READER));
        assertInstanceOf(Access.Hidden.class, Access.decide(ResourceTemplate.builder("notes://{id}", "t")
                .canAccess(write).read((uri, vars, ctx) -> "t").build(), BEARER_READER));
    }

    @Test
    void aRefusalForARoleOrByAPlainLambdaIsHiddenEvenToABearerCaller() {
        assertInstanceOf(Access.Hidden.class,
                Access.decide(tool("admin", requireAll(requireScopes("notes:write"), requireRole("admin"))),
                        BEARER_READER));
        assertInstanceOf(Access.Hidden.class,
                Access.decide(tool("lambda", auth -> auth != null && auth.hasScope("notes:write")), BEARER_READER),
                "a plain lambda cannot tell which scopes were missing");
    }

    @Test
    void aCheckThatThrowsOrDecidesNothingFailsClosed() {
        assertInstanceOf(Access.Hidden.class, Access.decide(tool("boom", auth -> {
            throw new IllegalStateException("broken check");
        }), BEARER_READER));
        AccessCheck noDecision = new AccessCheck() {
            @Override
            public boolean test(AuthSession auth) {
                return true;
            }

            @Override
            public Decision evaluate(AuthSession auth) {
                return null;
            }
        };
        assertInstanceOf(Access.Hidden.class, Access.decide(tool("null", noDecision), BEARER_READER));
    }

    @Test
    void listedAreAllowedComponentsAndToolsToStepUpTo() {
        assertTrue(Access.listed(new Access.Allowed(tool("t", null))));
        assertTrue(Access.listed(new Access.MissingScopes(java.util.Set.of("notes:write"))));
        assertFalse(Access.listed(Access.HIDDEN));
    }

    @Test
    void aToolThatAsksToBeHiddenIsHiddenForMissingScopesInListsAndCallsAlike() {
        Tool hidden = Tool.builder("write").description("d").canAccess(requireScopes("notes:write"))
                .hideWhenScopesMissing().execute((a, ctx) -> "w").build();
        assertInstanceOf(Access.Hidden.class, Access.decide(hidden, BEARER_READER),
                "no step-up offered: a call answers as for an unknown tool, so the tool's existence does not leak");
    }

    @Test
    void byNameAnUnknownComponentIsHiddenLikeARefusedOne() {
        Components components = new Components(new Invocations(Executors.newSingleThreadExecutor()));
        Tool read = tool("read", requireScopes("notes:read"));
        components.put(read);
        components.put(tool("write", requireScopes("notes:write")));
        components.put(prompt("admin", requireRole("admin")));
        components.put(Resource.builder("notes://open", "open").read(ctx -> "open").build());
        ResourceTemplate secret = ResourceTemplate.builder("notes://{id}/secret", "secret")
                .canAccess(requireRole("admin")).read((uri, vars, ctx) -> "secret").build();
        components.put(secret);
        Access access = components.access();

        assertSame(read, assertInstanceOf(Access.Allowed.class,
                access.decide(Access.Kind.TOOL, "read", BEARER_READER)).component());
        assertInstanceOf(Access.MissingScopes.class, access.decide(Access.Kind.TOOL, "write", BEARER_READER));
        assertSame(Access.HIDDEN, access.decide(Access.Kind.TOOL, "nope", BEARER_READER));
        assertSame(Access.HIDDEN, access.decide(Access.Kind.PROMPT, "admin", BEARER_READER));
        assertSame(Access.HIDDEN, access.decide(Access.Kind.PROMPT, "nope", BEARER_READER));
        assertInstanceOf(Access.Allowed.class, access.decide(Access.Kind.RESOURCE, "notes://open", KEY_READER));
        assertSame(Access.HIDDEN, access.decide(Access.Kind.RESOURCE, "notes://7/secret", KEY_READER),
                "a URI is decided by the template it matches");
        assertSame(Access.HIDDEN, access.decide(Access.Kind.RESOURCE, "other://7", KEY_READER));
    }

    @Test
    void theAnswerToAHiddenComponentIsTheAnswerToAnUnknownOne() {
        McpError toolError = Access.unknown(Access.Kind.TOOL, "write");
        assertEquals(McpSchema.ErrorCodes.INVALID_PARAMS, toolError.getJsonRpcError().code());
        assertEquals("Unknown tool: write", toolError.getJsonRpcError().message());
        assertEquals("Unknown prompt: admin", Access.unknown(Access.Kind.PROMPT, "admin").getJsonRpcError().message());
        assertEquals(McpError.RESOURCE_NOT_FOUND.apply("notes://x").getJsonRpcError().toString(),
                Access.unknown(Access.Kind.RESOURCE, "notes://x").getJsonRpcError().toString());
    }

    // ---- one evaluation per call, over real HTTP ----

    @Test
    void canAccessRunsExactlyOncePerCallWithSessions() throws Exception {
        onePerCall(StartOptions.http().port(0));
    }

    @Test
    void canAccessRunsExactlyOncePerCallWithoutSessions() throws Exception {
        onePerCall(StartOptions.http().port(0).stateless(true));
    }

    private static void onePerCall(StartOptions options) throws Exception {
        AtomicInteger toolChecks = new AtomicInteger();
        AtomicInteger refusedChecks = new AtomicInteger();
        AtomicInteger promptChecks = new AtomicInteger();
        AtomicInteger resourceChecks = new AtomicInteger();
        try (FastMCP server = FastMCP.builder("once", "1.0.0")
                .authenticate(request -> AuthSession.of("alice", List.of("notes:read")))
                .addTool(Tool.builder("counted").canAccess(auth -> {
                    toolChecks.incrementAndGet();
                    return auth != null;
                }).execute((args, ctx) -> "ran counted").build())
                .addTool(Tool.builder("refused").canAccess(auth -> {
                    refusedChecks.incrementAndGet();
                    return false;
                }).execute((args, ctx) -> "ran refused").build())
                .addPrompt(Prompt.builder("counted_prompt").canAccess(auth -> {
                    promptChecks.incrementAndGet();
                    return true;
                }).render((args, ctx) -> "rendered").build())
                .addResource(Resource.builder("notes://counted", "counted").canAccess(auth -> {
                    resourceChecks.incrementAndGet();
                    return true;
                }).read(ctx -> "read counted").build())
                .build()
                .start(options)) {
            RawMcp mcp = new RawMcp(server);
            assertEquals(200, mcp.initialize().statusCode());

            HttpResponse<String> call = mcp.call(1, "tools/call", "{\"name\":\"counted\",\"arguments\":{}}");
            assertEquals(200, call.statusCode(), call.body());
            assertTrue(call.body().contains("ran counted"), call.body());
            assertEquals(1, toolChecks.get(), "canAccess runs once during one tools/call");

            HttpResponse<String> refused = mcp.call(2, "tools/call", "{\"name\":\"refused\",\"arguments\":{}}");
            assertTrue(refused.body().contains("Unknown tool: refused"), refused.body());
            assertEquals(1, refusedChecks.get(), "a refused call is decided once too");

            HttpResponse<String> got = mcp.call(3, "prompts/get", "{\"name\":\"counted_prompt\"}");
            assertTrue(got.body().contains("rendered"), got.body());
            assertEquals(1, promptChecks.get(), "canAccess runs once during one prompts/get");

            HttpResponse<String> read = mcp.call(4, "resources/read", "{\"uri\":\"notes://counted\"}");
            assertTrue(read.body().contains("read counted"), read.body());
            assertEquals(1, resourceChecks.get(), "canAccess runs once during one resources/read");
        }
    }

    // ---- the step-up refusal, answered by the transport from the decision ----

    @Test
    void aToolRefusedForScopesGetsThe403ChallengeWithAndWithoutSessions() throws Exception {
        for (boolean stateless : List.of(false, true)) {
            AuthProvider bearer = new AuthProvider() {
                @Override
                public TokenVerifier tokenVerifier() {
                    return token -> token.equals("reader-token") ? TokenVerification.valid(READER)
                            : TokenVerification.invalid("unknown token");
                }

                @Override
                public List<String> authorizationServers() {
                    return List.of("https://as.example.com");
                }
            };
            try (FastMCP server = FastMCP.builder("stepup", "1.0.0").auth(bearer)
                    .addTool(tool("write", requireScopes("notes:write")))
                    .addTool(tool("admin", requireRole("admin")))
                    .build()
                    .start(StartOptions.http().port(0).stateless(stateless))) {
                RawMcp mcp = new RawMcp(server);
                String auth = "Bearer reader-token";
                mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                        + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}", "Authorization", auth)
                        .headers().firstValue("Mcp-Session-Id").ifPresent(id -> mcp.sessionId = id);

                HttpResponse<String> r = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"write\",\"arguments\":{}}}", "Authorization", auth,
                        "MCP-Protocol-Version", "2025-11-25");
                assertEquals(403, r.statusCode(), "stateless=" + stateless + ": " + r.body());
                String challenge = r.headers().firstValue("WWW-Authenticate").orElse("");
                assertTrue(challenge.contains("error=\"insufficient_scope\""), challenge);
                assertTrue(challenge.contains("scope=\"notes:read notes:write\""), challenge);
                assertTrue(challenge.contains("resource_metadata=\"http://127.0.0.1:" + server.port()
                        + "/.well-known/oauth-protected-resource/mcp\""), challenge);
                Map<String, Object> body = Json.parseObject(r.body(), "403");
                assertEquals(7, body.get("id"), r.body());
                assertTrue(String.valueOf(body.get("error")).contains("insufficient_scope"), r.body());

                HttpResponse<String> role = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/call\","
                        + "\"params\":{\"name\":\"admin\",\"arguments\":{}}}", "Authorization", auth,
                        "MCP-Protocol-Version", "2025-11-25");
                assertEquals(200, role.statusCode(), role.body());
                assertTrue(role.body().contains("Unknown tool: admin"), role.body());
            }
        }
    }
}
