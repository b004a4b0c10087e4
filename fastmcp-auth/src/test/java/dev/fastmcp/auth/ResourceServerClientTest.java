package dev.fastmcp.auth;

import static dev.fastmcp.auth.ResourceServerTest.BASE_URL;
import static dev.fastmcp.auth.ResourceServerTest.ISSUER;
import static dev.fastmcp.auth.ResourceServerTest.METADATA_URL;
import static dev.fastmcp.auth.ResourceServerTest.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.testing.ConnectionRefusedException;
import dev.fastmcp.testing.HttpRefusal;
import dev.fastmcp.testing.McpTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * End to end with the MCP Java SDK's client: a bearer token from a locally served JWKS, the tool list a caller
 * may see, a scoped call, and the step-up challenge for a tool needing more scope.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceServerClientTest {

    private RSAKeyPair keys;
    private JWKSHost jwks;
    private FastMCP server;

    @BeforeAll
    void start() {
        keys = RSAKeyPair.generate();
        jwks = new JWKSHost(keys);
        server = ResourceServerTest.notesTools(FastMCP.builder("notes", "1.0.0")
                        .auth(ResourceServerTest.provider(jwks, RESOURCE))
                        .baseUrl(BASE_URL))
                .build()
                .start(StartOptions.http().port(0));
    }

    @AfterAll
    void stop() {
        server.close();
        jwks.close();
    }

    private McpTestClient client(String token) {
        return McpTestClient.overHttp(server, o -> o.bearerToken(token));
    }

    private String token(String subject, List<String> scopes, Map<String, ?> claims) {
        return keys.createToken(subject, ISSUER, RESOURCE, scopes, Duration.ofHours(1), claims, null);
    }

    private static List<String> names(McpTestClient client) {
        return client.toolNames().stream().sorted().toList();
    }

    @Test
    void aReaderListsOnlyTheToolsItMaySeeCallsAScopedToolAndIsChallengedForMore() throws Exception {
        String token = token("alice", List.of("notes:read"), Map.of());
        try (McpTestClient client = client(token)) {
            assertEquals(List.of("add_note", "list_notes", "whoami"), names(client),
                    "purge_notes (hidden without its scope) and admin_report (role) are not listed");
            client.callTool("list_notes").assertText("no notes yet");
            client.callTool("whoami").assertText("alice|null|[notes:read]");

            // the 403 surfaces as the SDK's authorization exception, which the test client reports as a refusal
            HttpRefusal refused = client.callTool("add_note").assertRefused(403).httpRefusal();
            String header = refused.wwwAuthenticate();
            assertNotNull(header, "the 403 carries a challenge");
            assertTrue(header.startsWith("Bearer "), header);
            assertTrue(header.contains("error=\"insufficient_scope\""), header);
            assertTrue(header.contains("resource_metadata=\"" + METADATA_URL + "\""), header);
            assertEquals("no notes yet", client.callTool("list_notes").assertSuccess().text(),
                    "the session outlives the refusal");
        }

        // The same call with raw HTTP, to read the whole challenge.
        McpHttp raw = McpHttp.to(server);
        assertEquals(200, raw.initialize(token).statusCode());
        HttpResponse<String> r = raw.callTool(token, 9, "add_note");
        assertEquals(403, r.statusCode());
        Map<String, String> challenge = McpHttp.challenge(r);
        assertEquals("insufficient_scope", challenge.get("error"));
        assertEquals(Set.of("notes:read", "notes:write"), Set.of(challenge.get("scope").split(" ")));
        assertEquals(METADATA_URL, challenge.get("resource_metadata"));
    }

    @Test
    void aWriterCallsTheWriteToolsAndSeesTheHiddenOne() {
        try (McpTestClient client = client(token("bob", List.of("notes:read", "notes:write"), Map.of()))) {
            assertEquals(List.of("add_note", "list_notes", "purge_notes", "whoami"), names(client));
            client.callTool("add_note").assertText("saved");
            client.callTool("purge_notes").assertText("purged");
        }
    }

    @Test
    void anAdminSeesTheRoleGuardedTool() {
        try (McpTestClient client = client(token("root", List.of(), Map.of("role", "admin")))) {
            assertTrue(names(client).contains("admin_report"));
            client.callTool("admin_report").assertText("report");
        }
    }

    @Test
    void aClientWithoutATokenCannotInitializeAndIsToldWhereToSignIn() {
        HttpRefusal refused = assertThrows(ConnectionRefusedException.class,
                () -> McpTestClient.overHttp(server).close()).refusal();
        assertNotNull(refused, "the 401 is reported with its challenge");
        assertEquals(401, refused.status());
        assertEquals("Bearer resource_metadata=\"" + METADATA_URL + "\", scope=\"notes:read notes:write\"",
                refused.wwwAuthenticate());
    }

    @Test
    void aClientWithAnExpiredTokenIsRefusedAsInvalid() {
        String expired = keys.createToken("alice", ISSUER, RESOURCE, List.of("notes:read"), Duration.ofMinutes(-10),
                Map.of(), null);

        HttpRefusal refused = assertThrows(ConnectionRefusedException.class, () -> client(expired).close())
                .refusal();
        assertEquals(401, refused.status());
        assertTrue(refused.wwwAuthenticate().contains("error=\"invalid_token\""), refused.wwwAuthenticate());
    }
}
