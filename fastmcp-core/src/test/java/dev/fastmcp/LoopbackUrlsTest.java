package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A loopback server without a base URL names its resource after the loopback host the client used, so a
 * client on localhost is not told the resource lives at 127.0.0.1 (clients compare origins).
 */
@Timeout(30)
class LoopbackUrlsTest {

    private FastMCP server;

    @BeforeEach
    void start() {
        // The seed's oauth(...) form: the same protection as auth(...), /mcp never left open.
        server = FastMCP.builder("loopback", "1").oauth(provider()).build().start(StartOptions.http().port(0));
    }

    private static AuthProvider provider() {
        return new AuthProvider() {
            @Override
            public TokenVerifier tokenVerifier() {
                return token -> TokenVerification.invalid("no tokens here");
            }

            @Override
            public List<String> authorizationServers() {
                return List.of("https://auth.example.com");
            }
        };
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> get(String host, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + host + ":" + server.port() + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theResourceFollowsTheLoopbackNameTheClientUsed() throws Exception {
        assertTrue(get("localhost", "/.well-known/oauth-protected-resource/mcp").body()
                .contains("\"resource\":\"http://localhost:" + server.port() + "/mcp\""));
        assertTrue(get("127.0.0.1", "/.well-known/oauth-protected-resource/mcp").body()
                .contains("\"resource\":\"http://127.0.0.1:" + server.port() + "/mcp\""));
        HttpResponse<String> challenge = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + server.port() + "/mcp")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, challenge.statusCode());
        assertTrue(challenge.headers().firstValue("WWW-Authenticate").orElse("").contains(
                "resource_metadata=\"http://localhost:" + server.port() + "/.well-known/oauth-protected-resource/mcp\""));
    }

    @Test
    void aServerBoundToAnotherLoopbackAddressAnswersTheClientsThatUseIt() throws Exception {
        // the whole of 127.0.0.0/8 is loopback: a server bound there is a loopback server, and its own
        // address is a loopback Host, not a DNS-rebinding attempt
        FastMCP other = FastMCP.builder("loopback-2", "1").oauth(provider()).build()
                .start(StartOptions.http().host("127.0.0.2").port(0));
        try {
            HttpResponse<String> metadata = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.2:" + other.port() + "/.well-known/oauth-protected-resource/mcp")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metadata.statusCode(), metadata.body());
            assertTrue(metadata.body().contains("\"resource\":\"http://127.0.0.2:" + other.port() + "/mcp\""),
                    metadata.body());
        } finally {
            other.close();
        }
    }
}
