package dev.fastmcp.auth;

import static dev.fastmcp.auth.testing.McpHttp.challenge;
import static dev.fastmcp.auth.testing.McpHttp.challengeHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import dev.fastmcp.auth.testing.McpHttp;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The scope rules of MCP 2026-07-28 on a resource server trusting an external authorization server, over real
 * HTTP with RS256 tokens: a broader scope implies narrower ones, and {@code offline_access} is named neither in the
 * challenges nor in the protected resource metadata.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopeRulesTest {

    private RSAKeyPair keys;
    private JWKSHost jwks;

    @BeforeAll
    void start() {
        keys = RSAKeyPair.generate();
        jwks = new JWKSHost(keys);
    }

    @AfterAll
    void stop() {
        if (jwks != null) {
            jwks.close();
        }
    }

    private FastMCP notesServer(UnaryOperator<FastMCP.Builder> configure) {
        return notesServer(ResourceServerTest.provider(jwks, ResourceServerTest.RESOURCE), configure);
    }

    private static FastMCP notesServer(RemoteAuthProvider provider, UnaryOperator<FastMCP.Builder> configure) {
        return configure.apply(ResourceServerTest.notesTools(FastMCP.builder("notes", "1.0.0")
                .baseUrl(ResourceServerTest.BASE_URL).auth(provider)))
                .build().start(StartOptions.http().port(0));
    }

    private String token(String... scopes) {
        return keys.createToken("alice", ResourceServerTest.ISSUER, ResourceServerTest.RESOURCE, List.of(scopes));
    }

    @Test
    void aBroaderScopeStandsForTheNarrowerOnesItImplies() throws Exception {
        try (FastMCP server = notesServer(b -> b.requiredScopes("notes:read")
                .scopeHierarchy(Map.of("notes:write", Set.of("notes:read"))))) {
            McpHttp mcp = McpHttp.to(server);
            String writer = token("notes:write");
            assertEquals(200, mcp.initialize(writer).statusCode(), "the server-wide notes:read is implied");
            assertEquals("no notes yet", McpHttp.text(mcp.callTool(writer, 2, "list_notes")),
                    "requireScopes(\"notes:read\") holds for a notes:write token");
            assertEquals("saved", McpHttp.text(mcp.callTool(writer, 3, "add_note")));

            String reader = token("notes:read");
            HttpResponse<String> refused = mcp.callTool(reader, 4, "add_note");
            assertEquals(403, refused.statusCode(), "a narrower scope never implies a broader one: " + refused.body());
            assertEquals(Set.of("notes:read", "notes:write"), Set.of(challenge(refused).get("scope").split(" ")),
                    "one challenge names every scope to ask for");

            HttpResponse<String> none = McpHttp.to(server).post(token("profile"), McpHttp.initializeJson(5));
            assertEquals(403, none.statusCode());
            assertEquals(Set.of("profile", "notes:read"), Set.of(challenge(none).get("scope").split(" ")));
        }
    }

    @Test
    void withoutAHierarchyAScopeImpliesNothing() throws Exception {
        try (FastMCP server = notesServer(b -> b)) {
            McpHttp mcp = McpHttp.to(server);
            String writer = token("notes:write");
            assertEquals(200, mcp.initialize(writer).statusCode());
            assertEquals(403, mcp.callTool(writer, 2, "list_notes").statusCode());
        }
    }

    @Test
    void offlineAccessIsNamedNeitherInTheChallengesNorInTheMetadata() throws Exception {
        RemoteAuthProvider provider = RemoteAuthProvider.builder(ResourceServerTest.verifier(jwks,
                ResourceServerTest.RESOURCE))
                .authorizationServers(ResourceServerTest.ISSUER)
                .scopesSupported("notes:read", "offline_access", "notes:write")
                .build();
        try (FastMCP server = notesServer(provider, b -> b)) {
            McpHttp mcp = McpHttp.to(server);
            Map<String, Object> prm = McpHttp.json(mcp.get(McpHttp.local(server,
                    "/.well-known/oauth-protected-resource/mcp")).body());
            assertEquals(List.of("notes:read", "notes:write"), prm.get("scopes_supported"));

            HttpResponse<String> unauthorized = mcp.post(null, McpHttp.initializeJson(0));
            assertEquals(401, unauthorized.statusCode());
            assertEquals("notes:read notes:write", challenge(unauthorized).get("scope"));

            String reader = token("notes:read", "offline_access");
            assertEquals(200, mcp.initialize(reader).statusCode());
            HttpResponse<String> stepUp = mcp.callTool(reader, 2, "add_note");
            assertEquals(403, stepUp.statusCode(), stepUp.body());
            assertEquals(Set.of("notes:read", "notes:write"), Set.of(challenge(stepUp).get("scope").split(" ")),
                    "the scopes granted are asked for again, but not offline_access");
            assertFalse(challengeHeader(stepUp).contains("offline_access"), challengeHeader(stepUp));
            assertFalse(stepUp.body().contains("offline_access"), stepUp.body());
        }
        try (FastMCP server = notesServer(b -> b.requiredScopes("notes:read", "offline_access"))) {
            HttpResponse<String> unauthorized = McpHttp.to(server).post(null, McpHttp.initializeJson(0));
            assertEquals("notes:read", challenge(unauthorized).get("scope"),
                    "even when the server requires it, the challenge leaves it to the client");
        }
    }
}
