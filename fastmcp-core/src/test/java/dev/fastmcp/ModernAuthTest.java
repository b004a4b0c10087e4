package dev.fastmcp;

import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static dev.fastmcp.ModernEnvelopeTest.assertRefused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Authentication and the access decision on MCP 2026-07-28: the same 401 and 403 challenges as on the older
 * revisions, a token required for {@code server/discover} too, and calls decided from the routing headers before
 * the body is read.
 */
@Timeout(30)
class ModernAuthTest {

    private static final AuthSession READER = AuthSession.of("reader", "cli", List.of("notes:read"),
            Map.of("roles", List.of("viewer")), null);
    private static final AuthSession WRITER = AuthSession.of("writer", "cli", List.of("notes:read", "notes:write"),
            Map.of("roles", List.of("viewer")), null);

    private static final AuthProvider BEARER = new AuthProvider() {
        @Override
        public TokenVerifier tokenVerifier() {
            return token -> switch (token) {
                case "reader-token" -> TokenVerification.valid(READER);
                case "writer-token" -> TokenVerification.valid(WRITER);
                default -> TokenVerification.invalid("unknown token");
            };
        }

        @Override
        public List<String> authorizationServers() {
            return List.of("https://as.example.com");
        }
    };

    private static FastMCP server(boolean stateless, AtomicInteger checks) {
        return FastMCP.builder("guarded", "1.0.0").auth(BEARER)
                .addTool(Tool.builder("write").canAccess(requireScopes("notes:write"))
                        .execute((args, ctx) -> "written by " + ctx.auth().subject()).build())
                .addTool(Tool.builder("admin").canAccess(requireRole("admin")).execute((args, ctx) -> "admin").build())
                .addTool(Tool.builder("counted").canAccess(auth -> {
                    checks.incrementAndGet();
                    return true;
                }).execute((args, ctx) -> "counted").build())
                .build().start(StartOptions.http().port(0).stateless(stateless));
    }

    @Test
    void aTokenIsRequiredForEveryRequestDiscoverIncluded() throws Exception {
        for (boolean stateless : List.of(false, true)) {
            try (FastMCP server = server(stateless, new AtomicInteger())) {
                RawModern mcp = new RawModern(server);
                for (String method : List.of("server/discover", "tools/list")) {
                    HttpResponse<String> r = mcp.call(1, method, "{}");
                    assertEquals(401, r.statusCode(), method + ": " + r.body());
                    assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains(
                            "resource_metadata=\"http://127.0.0.1:" + server.port()
                                    + "/.well-known/oauth-protected-resource/mcp\""), r.headers().toString());
                }
                HttpResponse<String> invalid = mcp.call(2, "server/discover", "{}", "Authorization", "Bearer nope");
                assertEquals(401, invalid.statusCode(), invalid.body());
                assertTrue(invalid.headers().firstValue("WWW-Authenticate").orElse("")
                        .contains("error=\"invalid_token\""));

                HttpResponse<String> discover = mcp.call(3, "server/discover", "{}", "Authorization",
                        "Bearer reader-token");
                assertEquals(200, discover.statusCode(), discover.body());
                assertEquals("private", RawModern.result(discover).get("cacheScope"),
                        "what an authenticated caller sees is theirs");
            }
        }
    }

    @Test
    void aCallerLackingScopesGetsTheStepUpBeforeTheBodyIsRead() throws Exception {
        for (boolean stateless : List.of(false, true)) {
            try (FastMCP server = server(stateless, new AtomicInteger())) {
                String body = RawModern.body(7, "tools/call", "{\"name\":\"write\",\"arguments\":{}}");
                try (RawHttp raw = new RawHttp(server.port())) {
                    // The length announces a body that never comes: only an answer made before reading it arrives.
                    raw.send(RawHttp.head("POST /mcp HTTP/1.1", server.port(), "Content-Type: application/json",
                            "Accept: application/json, text/event-stream", "MCP-Protocol-Version: 2026-07-28",
                            "Mcp-Method: tools/call", "Mcp-Name: write", "Authorization: Bearer reader-token",
                            "Content-Length: " + (body.length() + 100)));
                    RawHttp.Response r = raw.response();
                    assertEquals(403, r.status(), r.body());
                    String challenge = r.header("WWW-Authenticate");
                    assertTrue(challenge.contains("error=\"insufficient_scope\""), challenge);
                    assertTrue(challenge.contains("scope=\"notes:read notes:write\""), challenge);
                    Map<String, Object> refusal = Json.parseObject(r.body(), "403");
                    assertNull(refusal.get("id"), "the id is in the body, which was not read");
                }
                RawModern mcp = new RawModern(server);
                HttpResponse<String> granted = mcp.call(8, "tools/call", "{\"name\":\"write\",\"arguments\":{}}",
                        "Authorization", "Bearer writer-token");
                assertEquals(200, granted.statusCode(), granted.body());
                assertTrue(granted.body().contains("written by writer"), granted.body());
            }
        }
    }

    @Test
    void aHiddenToolIsUnknownWithTheRequestsId() throws Exception {
        try (FastMCP server = server(false, new AtomicInteger())) {
            RawModern mcp = new RawModern(server);
            HttpResponse<String> hidden = mcp.call(9, "tools/call", "{\"name\":\"admin\",\"arguments\":{}}",
                    "Authorization", "Bearer reader-token");
            Map<String, Object> error = assertRefused(hidden, 200, -32602, 9);
            assertEquals("Unknown tool: admin", error.get("message"));
            HttpResponse<String> missing = mcp.call(10, "tools/call", "{\"name\":\"nothing\",\"arguments\":{}}",
                    "Authorization", "Bearer reader-token");
            assertEquals("Unknown tool: nothing", assertRefused(missing, 200, -32602, 10).get("message"));

            String listed = mcp.call(11, "tools/list", "{}", "Authorization", "Bearer reader-token").body();
            assertTrue(listed.contains("\"name\":\"write\""), "a tool to step up to stays listed: " + listed);
            assertFalse(listed.contains("\"name\":\"admin\""), "a hidden tool is not: " + listed);
        }
    }

    @Test
    void theAccessCheckRunsOncePerCall() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        try (FastMCP server = server(false, checks)) {
            HttpResponse<String> r = new RawModern(server).call(1, "tools/call", "{\"name\":\"counted\"}",
                    "Authorization", "Bearer reader-token");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("counted"), r.body());
            assertEquals(1, checks.get(), "decided at the edge, and only there");
        }
    }

    @Test
    void theAuthenticateHookGuardsDiscoverToo() throws Exception {
        try (FastMCP server = FastMCP.builder("hooked", "1.0.0")
                .authenticate(request -> "key-1".equals(request.header("x-api-key"))
                        ? AuthSession.of("alice", List.of()) : null)
                .addTool(Tool.builder("whoami").execute((args, ctx) -> ctx.auth().subject()).build())
                .build().start(StartOptions.http().port(0))) {
            RawModern mcp = new RawModern(server);
            assertRefused(mcp.call(1, "server/discover", "{}"), 401, -32001, null);
            assertEquals(200, mcp.call(2, "server/discover", "{}", "X-Api-Key", "key-1").statusCode());
            HttpResponse<String> call = mcp.call(3, "tools/call", "{\"name\":\"whoami\"}", "X-Api-Key", "key-1");
            assertTrue(call.body().contains("alice"), call.body());
        }
    }
}
