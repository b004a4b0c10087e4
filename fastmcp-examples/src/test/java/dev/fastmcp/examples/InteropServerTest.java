package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.testing.McpTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fixture of the TypeScript SDK interop test ({@code .ci/interop.sh}), checked with the test kit's client (the
 * Java SDK's) and raw HTTP so that a broken fixture shows up in {@code mvn verify} already.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InteropServerTest {

    private static final String READ = "test-read-token";
    private static final String WRITE = "test-write-token";

    private FastMCP server;

    @BeforeEach
    void start() {
        server = InteropServer.create(READ, WRITE).start(StartOptions.http().host("127.0.0.1").port(0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private McpTestClient connect(String token) {
        return McpTestClient.overHttp(server, o -> o.bearerToken(token));
    }

    private static List<String> toolNames(McpTestClient client) {
        return client.toolNames().stream().sorted().toList();
    }

    @Test
    void missingTokenGetsTheChallengeAndTheMetadataNamesTheAuthorizationServer() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + server.port();
        HttpResponse<String> unauthorized = http.send(HttpRequest.newBuilder(URI.create(base + "/mcp"))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                                + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                                + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unauthorized.statusCode());
        String challenge = unauthorized.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.contains("resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\""),
                challenge);
        assertTrue(challenge.contains("scope=\"notes:read notes:write\""), challenge);

        HttpResponse<String> metadata = http.send(
                HttpRequest.newBuilder(URI.create(base + "/.well-known/oauth-protected-resource/mcp")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metadata.statusCode());
        assertTrue(metadata.body().contains("\"resource\":\"" + base + "/mcp\""), metadata.body());
        assertTrue(metadata.body().contains("\"authorization_servers\":[\"https://auth.example.com\"]"), metadata.body());
    }

    @Test
    void readTokenListsThreeToolsAndIsRefusedTheWrite() {
        try (McpTestClient reader = connect(READ)) {
            assertEquals(List.of("read-note", "whoami", "write-note"), toolNames(reader));
            reader.callTool("whoami").assertText(InteropServer.READER);
            reader.callTool("read-note").assertText("note: first note");
            reader.callTool("write-note", Map.of("text", "no")).assertRefused(403);
        }
    }

    @Test
    void writeTokenWritesTheNote() {
        try (McpTestClient writer = connect(WRITE)) {
            assertEquals(List.of("read-note", "whoami", "write-note"), toolNames(writer));
            writer.callTool("write-note", Map.of("text", "hello")).assertText("saved by " + InteropServer.WRITER);
            writer.callTool("read-note").assertText("note: hello");
        }
    }

    @Test
    void theTwoTokensMustDiffer() {
        assertThrows(IllegalArgumentException.class, () -> InteropServer.create("same", "same"));
    }
}
