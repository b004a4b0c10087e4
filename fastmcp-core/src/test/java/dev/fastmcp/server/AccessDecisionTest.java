package dev.fastmcp.server;

import static dev.fastmcp.Auth.requireAll;
import static dev.fastmcp.Auth.requireAny;
import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AccessCheck;
import dev.fastmcp.AuthSession;
import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The access decision's one owner: its decision table (over real HTTP: {@code AccessDecisionHttpTest}). */
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
    void requireScopesHonoursTheServersScopeHierarchy() {
        Scopes notes = Scopes.hierarchy(Map.of("notes:write", java.util.Set.of("notes:read"), "admin",
                java.util.Set.of("admin:*")));
        Access.Caller writer = Access.Caller.of(AuthSession.of("writer", "cli", List.of("notes:write"), Map.of(),
                null), true, notes);
        Access.Caller reader = Access.Caller.of(READER, true, notes);
        Tool read = tool("read", requireScopes("notes:read"));
        Tool write = tool("write", requireScopes("notes:write"));

        assertInstanceOf(Access.Allowed.class, Access.decide(read, writer), "notes:write implies notes:read");
        assertInstanceOf(Access.Allowed.class, Access.decide(tool("both", requireAll(requireScopes("notes:read"),
                requireScopes("notes:write"))), writer), "requireAll passes the hierarchy on");
        assertInstanceOf(Access.Allowed.class, Access.decide(tool("any", requireAny(requireRole("admin"),
                requireScopes("notes:read"))), writer), "requireAny passes the hierarchy on");
        assertEquals(java.util.Set.of("notes:read", "notes:write"), assertInstanceOf(Access.MissingScopes.class,
                Access.decide(write, reader)).scopes(), "a narrower scope never implies a broader one");
        assertInstanceOf(Access.MissingScopes.class, Access.decide(read, Access.Caller.of(AuthSession.of("w", "cli",
                List.of("notes:write"), Map.of(), null), true)), "without a hierarchy a scope implies nothing");
        assertInstanceOf(Access.Allowed.class, Access.decide(tool("users", requireScopes("admin:users")),
                Access.Caller.of(AuthSession.of("root", "cli", List.of("admin"), Map.of(), null), true, notes)));

        assertInstanceOf(Access.Hidden.class, Access.decide(tool("lambda", auth -> auth.hasScope("notes:read")),
                writer), "a plain lambda sees the scopes granted only");
        assertFalse(requireScopes("notes:read").test(writer.session()), "so does a check asked without the server");
        assertTrue(writer.holds("notes:read"));
        assertFalse(Access.Caller.ANONYMOUS.holds("notes:read"));
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
}
