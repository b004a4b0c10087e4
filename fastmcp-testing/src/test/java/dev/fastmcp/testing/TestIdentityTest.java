package dev.fastmcp.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Auth;
import dev.fastmcp.AuthProvider;
import dev.fastmcp.AuthSession;
import dev.fastmcp.FastMCP;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.Tool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Identities reach a server through its own authentication, and nothing else can present one. */
class TestIdentityTest {

    /** An OAuth resource server whose real tokens are "token-&lt;subject&gt;", with the scope {@code mcp}. */
    static AuthProvider provider() {
        TokenVerifier real = token -> token.startsWith("token-")
                ? TokenVerification.valid(AuthSession.of(token.substring(6), List.of("mcp")))
                : TokenVerification.invalid("unknown token");
        return new AuthProvider() {
            @Override
            public TokenVerifier tokenVerifier() {
                return real;
            }

            @Override
            public List<String> authorizationServers() {
                return List.of("https://idp.example");
            }
        };
    }

    static FastMCP.Builder guarded() {
        return FastMCP.builder("guarded", "1.0.0")
                .auth(provider())
                .addTool(Tool.builder("whoami").description("Who calls")
                        .execute((args, ctx) -> {
                            AuthSession s = Auth.getAuthSession(ctx);
                            return s.subject() + " " + s.clientId() + " " + new java.util.TreeSet<>(s.scopes()) + " " + s.roles() + " "
                                    + s.claims().get("email") + " " + s.accessToken();
                        }).build())
                .addTool(Tool.builder("write").description("Needs notes:write")
                        .canAccess(Auth.requireScopes("notes:write"))
                        .execute((args, ctx) -> "written").build())
                .addTool(Tool.builder("admin").description("Needs the admin role")
                        .canAccess(Auth.requireRole("admin"))
                        .execute((args, ctx) -> "administered").build());
    }

    static McpTestClient open(String transport, FastMCP server, TestIdentity identity) {
        return transport.equals("memory") ? McpTestClient.inMemory(server, o -> o.identity(identity))
                : McpTestClient.overHttp(server, o -> o.identity(identity));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "http"})
    void anIdentityReachesTheToolAsAVerifiedTokensSessionWould(String transport) {
        TestIdentity alice = TestIdentity.subject("alice").scopes("mcp", "notes:write").roles("admin")
                .claim("email", "alice@example.com").accessToken("upstream-123");
        try (McpTestClient client = open(transport, guarded().build(), alice)) {
            client.callTool("whoami").assertText(
                    "alice fastmcp-test-client [mcp, notes:write] [admin] alice@example.com upstream-123");
            assertEquals(List.of("whoami", "write", "admin"), client.toolNames());
            client.callTool("write").assertText("written");
            McpTestClient bob = client.as(TestIdentity.subject("bob").scopes("mcp"));
            // Over HTTP a tool needing a scope stays listed, so that an OAuth client can step up to it; a role
            // cannot be asked for, so what needs one is hidden on both.
            assertEquals(transport.equals("memory") ? List.of("whoami") : List.of("whoami", "write"),
                    bob.toolNames());
            bob.callTool("admin").assertProtocolError(-32602, "admin");
        }
    }

    @Test
    void aMissingToolScopeIsAStepUpOverHttp() {
        try (McpTestClient client = McpTestClient.overHttp(guarded().build(),
                o -> o.identity(TestIdentity.subject("carol").scopes("mcp")))) {
            ToolResult refused = client.callTool("write").assertRefused(403);
            assertTrue(refused.httpRefusal().wwwAuthenticate().contains("insufficient_scope"), refused.toString());
            assertTrue(refused.httpRefusal().wwwAuthenticate().contains("notes:write"), refused.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "http"})
    void theServersRequiredScopesHoldForTestIdentities(String transport) {
        FastMCP server = guarded().requiredScopes("mcp").build();
        ConnectionRefusedException refused = assertThrows(ConnectionRefusedException.class,
                () -> open(transport, server, TestIdentity.subject("dave").scopes("other")));
        assertTrue(refused.getMessage().contains(transport.equals("memory") ? "403" : "refused with HTTP 403"),
                refused.getMessage());
        assertEquals(403, refused.refusal().status(), "in memory as over HTTP");
        assertTrue(refused.refusal().wwwAuthenticate().contains("insufficient_scope"), refused.toString());
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "http"})
    void aServerWithoutAuthenticationRefusesTestIdentities(String transport) {
        FastMCP open = FastMCP.builder("open", "1.0.0")
                .addTool(Tool.builder("ping").description("Pong").execute((args, ctx) -> "pong").build()).build();
        ConnectionRefusedException refused = assertThrows(ConnectionRefusedException.class,
                () -> open(transport, open, TestIdentity.subject("eve")));
        assertTrue(refused.getMessage().contains(transport.equals("memory") ? "no authentication"
                : "refused with HTTP 401"), refused.getMessage());
        open.close();
    }

    @Test
    void anUnauthenticatedInMemoryClientOfAnAuthenticatedServerIsRefusedWithTheFix() {
        FastMCP server = guarded().build();
        ConnectionRefusedException refused = assertThrows(ConnectionRefusedException.class,
                () -> McpTestClient.inMemory(server));
        assertTrue(refused.getMessage().contains("give the connection a token it accepts"), refused.getMessage());
        server.close();
    }

    @Test
    void forgedTestTokenIsRefused() throws Exception {
        FastMCP server = guarded().build();
        try (McpTestClient client = McpTestClient.overHttp(server,
                o -> o.identity(TestIdentity.subject("alice").scopes("mcp")))) {
            client.callTool("whoami").assertTextContains("alice");
            // A token of the test kit's form, but not one it issued: the server's own authentication refuses it.
            String forged = "fastmcp-test." + UUID.randomUUID();
            assertEquals(401, initialize(server, forged).statusCode());
            // Real tokens keep working beside test identities, given as they are.
            assertEquals(200, initialize(server, "token-frank").statusCode());
            client.with(o -> o.bearerToken("token-frank")).callTool("whoami").assertTextContains("frank");

        }
    }

    @Test
    void expiredTestIdentityIsRefused() {
        FastMCP server = guarded().build();
        ConnectionRefusedException refused = assertThrows(ConnectionRefusedException.class, () -> McpTestClient.inMemory(
                server, o -> o.identity(TestIdentity.subject("gus").expiresAt(Instant.now().minusSeconds(1)))));
        assertTrue(refused.getMessage().contains("401"), refused.getMessage());
        server.close();
    }

    @Test
    void identitiesAreCheckedWhenBuilt() {
        assertThrows(IllegalArgumentException.class, () -> TestIdentity.subject(" "));
        IllegalArgumentException own = assertThrows(IllegalArgumentException.class,
                () -> TestIdentity.subject("a").claim("scope", "x"));
        assertTrue(own.getMessage().contains("its own method"), own.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TestIdentity.subject("a").scopes("two words"));
    }

    private static HttpResponse<String> initialize(FastMCP server, String token) throws Exception {
        String url = "http://127.0.0.1:" + server.port() + "/mcp";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"))
                .build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    }
}
