package dev.fastmcp;

import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The access decision over real HTTP: one evaluation of canAccess per call, and the step-up refusal. */
@Timeout(30)
class AccessDecisionHttpTest {

    private static final AuthSession READER = AuthSession.of("reader", "cli", List.of("notes:read"),
            Map.of("roles", List.of("viewer")), null);

    private static Tool tool(String name, AccessCheck check) {
        return Tool.builder(name).canAccess(check).execute((args, ctx) -> "ran " + name).build();
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
