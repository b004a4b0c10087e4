package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When what the server needs to check a token is down (a shared storage), requests are answered 503 with
 * {@code Retry-After}: not accepted (the token's revocation cannot be checked), and not 401 either, which would send
 * the client to sign in again against the same outage; routes that depend on it answer 503 too, never 500.
 */
@Timeout(30)
class UnavailableVerifierTest {

    private final AtomicBoolean down = new AtomicBoolean(true);

    private final AuthProvider provider = new AuthProvider() {
        @Override
        public TokenVerifier tokenVerifier() {
            return token -> {
                if (down.get()) {
                    throw new ServiceUnavailableException("storage down", Duration.ofSeconds(7), null);
                }
                return TokenVerification.valid(AuthSession.of("alice", List.of()));
            };
        }

        @Override
        public List<String> authorizationServers() {
            return List.of("https://as.example.com");
        }

        @Override
        public List<HttpRoute> routes() {
            return List.of(new HttpRoute("POST", "/oauth/token", request -> {
                if (down.get()) {
                    throw new ServiceUnavailableException("storage down", Duration.ofSeconds(7), null);
                }
                return ServerResponse.json(200, java.util.Map.of("ok", true));
            }));
        }
    };

    @Test
    void tokensAreNotAcceptedWhileTheirRevocationCannotBeChecked() throws Exception {
        try (FastMCP server = FastMCP.builder("unavailable", "1.0.0").auth(provider)
                .addTool(Tool.builder("hello").execute((args, ctx) -> "hi").build())
                .build().start(StartOptions.http().port(0))) {
            HttpResponse<String> modern = new RawModern(server).call(1, "tools/list", "{}",
                    "Authorization", "Bearer any");
            assertEquals(503, modern.statusCode(), modern.body());
            assertEquals("7", modern.headers().firstValue("Retry-After").orElse(""));
            assertTrue(modern.body().contains("-32603"), modern.body()); // before the body is read: no id yet
            assertFalse(modern.headers().firstValue("WWW-Authenticate").isPresent(), "not a sign-in challenge");

            HttpResponse<String> legacy = new RawMcp(server).post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                    + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}", "Authorization", "Bearer any");
            assertEquals(503, legacy.statusCode(), legacy.body());
            assertEquals("7", legacy.headers().firstValue("Retry-After").orElse(""));

            HttpResponse<String> route = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/oauth/token")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, route.statusCode(), route.body());
            assertEquals("7", route.headers().firstValue("Retry-After").orElse(""));
            assertTrue(route.body().contains("temporarily_unavailable"), route.body());

            down.set(false); // back: served again, nothing to restart
            assertEquals(200, new RawModern(server).call(3, "tools/list", "{}", "Authorization", "Bearer any")
                    .statusCode());
        }
    }
}
