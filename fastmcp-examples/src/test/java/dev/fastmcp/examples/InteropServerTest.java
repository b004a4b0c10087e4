package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fixture of the TypeScript SDK interop test ({@code .ci/interop.sh}), checked with the Java SDK client and
 * raw HTTP so that a broken fixture shows up in {@code mvn verify} already.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InteropServerTest {

    private static final String READ = "test-read-token";
    private static final String WRITE = "test-write-token";

    private FastMCP server;
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = InteropServer.create(READ, WRITE).start(StartOptions.http().host("127.0.0.1").port(0));
    }

    @AfterEach
    void stop() {
        clients.forEach(McpSyncClient::closeGracefully);
        server.close();
    }

    private McpSyncClient connect(String token) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                        .builder("http://127.0.0.1:" + server.port())
                        .endpoint("/mcp")
                        .httpRequestCustomizer((request, method, uri, body, context) ->
                                request.header("Authorization", "Bearer " + token))
                        .build())
                .requestTimeout(Duration.ofSeconds(10))
                .build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static String text(McpSchema.CallToolResult result) {
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    private static List<String> toolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
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
        McpSyncClient reader = connect(READ);
        assertEquals(List.of("read-note", "whoami", "write-note"), toolNames(reader));
        assertEquals(InteropServer.READER, text(reader.callTool(new McpSchema.CallToolRequest("whoami", Map.of()))));
        assertEquals("note: first note", text(reader.callTool(new McpSchema.CallToolRequest("read-note", Map.of()))));
        assertThrows(RuntimeException.class,
                () -> reader.callTool(new McpSchema.CallToolRequest("write-note", Map.of("text", "no"))));
    }

    @Test
    void writeTokenWritesTheNote() {
        McpSyncClient writer = connect(WRITE);
        assertEquals(List.of("read-note", "whoami", "write-note"), toolNames(writer));
        assertEquals("saved by " + InteropServer.WRITER,
                text(writer.callTool(new McpSchema.CallToolRequest("write-note", Map.of("text", "hello")))));
        assertEquals("note: hello", text(writer.callTool(new McpSchema.CallToolRequest("read-note", Map.of()))));
    }

    @Test
    void theTwoTokensMustDiffer() {
        assertThrows(IllegalArgumentException.class, () -> InteropServer.create("same", "same"));
    }
}
