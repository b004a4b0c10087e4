package dev.fastmcp.auth;

import static dev.fastmcp.auth.ResourceServerTest.BASE_URL;
import static dev.fastmcp.auth.ResourceServerTest.ISSUER;
import static dev.fastmcp.auth.ResourceServerTest.METADATA_URL;
import static dev.fastmcp.auth.ResourceServerTest.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import dev.fastmcp.auth.testing.McpHttp;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
    private final List<McpSyncClient> clients = new ArrayList<>();

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

    @AfterEach
    void closeClients() {
        clients.forEach(McpSyncClient::closeGracefully);
        clients.clear();
    }

    @AfterAll
    void stop() {
        server.close();
        jwks.close();
    }

    private McpSyncClient client(String token) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp")
                .connectTimeout(Duration.ofSeconds(5))
                .httpRequestCustomizer((builder, method, uri, body, ctx) -> {
                    if (token != null) {
                        builder.header("Authorization", "Bearer " + token);
                    }
                })
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(client);
        return client;
    }

    private String token(String subject, List<String> scopes, Map<String, ?> claims) {
        return keys.createToken(subject, ISSUER, RESOURCE, scopes, Duration.ofHours(1), claims, null);
    }

    private static List<String> names(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
    }

    private static String text(McpSchema.CallToolResult result) {
        assertFalse(Boolean.TRUE.equals(result.isError()), String.valueOf(result));
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static McpSchema.CallToolRequest call(String tool) {
        return McpSchema.CallToolRequest.builder().name(tool).arguments(Map.of()).build();
    }

    /** The SDK's authorization exception somewhere in {@code error}'s causes, or null. */
    private static McpHttpClientTransportAuthorizationException authorizationError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof McpHttpClientTransportAuthorizationException e) {
                return e;
            }
        }
        return null;
    }

    @Test
    void aReaderListsOnlyTheToolsItMaySeeCallsAScopedToolAndIsChallengedForMore() throws Exception {
        String token = token("alice", List.of("notes:read"), Map.of());
        McpSyncClient client = client(token);
        client.initialize();

        assertEquals(List.of("add_note", "list_notes", "whoami"), names(client),
                "purge_notes (hidden without its scope) and admin_report (role) are not listed");
        assertEquals("no notes yet", text(client.callTool(call("list_notes"))));
        assertEquals("alice|null|[notes:read]", text(client.callTool(call("whoami"))));

        RuntimeException refused = assertThrows(RuntimeException.class, () -> client.callTool(call("add_note")));
        McpHttpClientTransportAuthorizationException e = authorizationError(refused);
        assertNotNull(e, "the 403 surfaces as the SDK's authorization exception: " + refused);
        assertEquals(403, e.getResponseInfo().statusCode());
        String header = e.getResponseInfo().headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(header.startsWith("Bearer "), header);
        assertTrue(header.contains("error=\"insufficient_scope\""), header);
        assertTrue(header.contains("resource_metadata=\"" + METADATA_URL + "\""), header);
        assertEquals("no notes yet", text(client.callTool(call("list_notes"))), "the session outlives the refusal");

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
        McpSyncClient client = client(token("bob", List.of("notes:read", "notes:write"), Map.of()));
        client.initialize();

        assertEquals(List.of("add_note", "list_notes", "purge_notes", "whoami"), names(client));
        assertEquals("saved", text(client.callTool(call("add_note"))));
        assertEquals("purged", text(client.callTool(call("purge_notes"))));
    }

    @Test
    void anAdminSeesTheRoleGuardedTool() {
        McpSyncClient client = client(token("root", List.of(), Map.of("role", "admin")));
        client.initialize();

        assertTrue(names(client).contains("admin_report"));
        assertEquals("report", text(client.callTool(call("admin_report"))));
    }

    @Test
    void aClientWithoutATokenCannotInitializeAndIsToldWhereToSignIn() {
        McpSyncClient client = client(null);

        RuntimeException refused = assertThrows(RuntimeException.class, client::initialize);
        McpHttpClientTransportAuthorizationException e = authorizationError(refused);
        assertNotNull(e, "the 401 surfaces as the SDK's authorization exception: " + refused);
        assertEquals(401, e.getResponseInfo().statusCode());
        assertEquals("Bearer resource_metadata=\"" + METADATA_URL + "\", scope=\"notes:read notes:write\"",
                e.getResponseInfo().headers().firstValue("WWW-Authenticate").orElseThrow());
    }

    @Test
    void aClientWithAnExpiredTokenIsRefusedAsInvalid() {
        String expired = keys.createToken("alice", ISSUER, RESOURCE, List.of("notes:read"), Duration.ofMinutes(-10),
                Map.of(), null);
        McpSyncClient client = client(expired);

        McpHttpClientTransportAuthorizationException e = authorizationError(
                assertThrows(RuntimeException.class, client::initialize));
        assertNotNull(e);
        assertEquals(401, e.getResponseInfo().statusCode());
        assertTrue(e.getResponseInfo().headers().firstValue("WWW-Authenticate").orElseThrow()
                .contains("error=\"invalid_token\""));
    }
}
