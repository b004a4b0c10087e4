package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.auth.testing.TricklingAnswer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bounded API calls identity resolvers make: timeout, body cap, status handling, no token in messages. */
@Timeout(30)
class UpstreamApiTest {

    private HttpServer server;
    private final UpstreamApi api = new UpstreamApi(Duration.ofMillis(500));

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/user", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String accept = ex.getRequestHeaders().getFirst("Accept");
            byte[] body = ("{\"sub\":\"u1\",\"id\":42,\"auth\":\"" + auth + "\",\"accept\":\"" + accept + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/list", ex -> reply(ex, 200, "[1,2]"));
        server.createContext("/revoked", ex -> reply(ex, 401, "{\"message\":\"token gho_secret is revoked\"}"));
        server.createContext("/broken", ex -> reply(ex, 500, "oops"));
        server.createContext("/huge", ex -> {
            byte[] body = new byte[UpstreamClient.MAX_BODY_BYTES + 4096];
            java.util.Arrays.fill(body, (byte) ' ');
            ex.sendResponseHeaders(200, body.length);
            try {
                ex.getResponseBody().write(body);
            } catch (java.io.IOException e) {
                // the client stopped reading at the cap
            }
            ex.close();
        });
        server.createContext("/slow", ex -> {
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reply(ex, 200, "{}");
        });
        server.createContext("/trickle", TricklingAnswer.of("application/json", "{\"sub\":\"u1\",\"name\":\"" + "n".repeat(30)
                + "\"}"));
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String text) throws java.io.IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Test
    void getsAnObjectWithTheBearerTokenAndTheGivenAcceptHeader() throws Exception {
        Map<String, Object> user = api.getObject(url("/user"), "tok-1", Map.of("Accept", "application/vnd.x+json"));
        assertEquals("Bearer tok-1", user.get("auth"));
        assertEquals("application/vnd.x+json", user.get("accept"));
        assertEquals("42", UpstreamApi.requireString(user, "id"), "numeric ids are written out");
        assertEquals("application/json", api.getObject(url("/user"), "t", Map.of()).get("accept"), "the default");
        assertEquals(List.of(1, 2), api.getArray(url("/list"), "t", Map.of()));
        assertThrows(UpstreamApiException.class, () -> api.getObject(url("/list"), "t", Map.of()));
        assertThrows(UpstreamApiException.class, () -> UpstreamApi.requireString(user, "missing"));
    }

    @Test
    void aRefusedTokenIsToldApartFromOtherFailuresAndNothingOfTheAnswerIsQuoted() {
        UpstreamApiException revoked = assertThrows(UpstreamApiException.class,
                () -> api.getObject(url("/revoked"), "gho_secret", Map.of()));
        assertTrue(revoked.tokenRejected());
        assertFalse(revoked.getMessage().contains("gho_secret"), revoked.getMessage());
        UpstreamApiException broken = assertThrows(UpstreamApiException.class,
                () -> api.getObject(url("/broken"), "t", Map.of()));
        assertFalse(broken.tokenRejected());
        assertTrue(broken.getMessage().contains("HTTP 500"), broken.getMessage());
    }

    @Test
    void oversizedAndSlowAnswersFailWithinTheirBounds() {
        UpstreamApi patient = new UpstreamApi(Duration.ofSeconds(10));
        UpstreamApiException huge = assertThrows(UpstreamApiException.class,
                () -> patient.getObject(url("/huge"), "t", Map.of()));
        assertTrue(huge.getMessage().contains("more than 1 MiB"), huge.getMessage());
        long start = System.nanoTime();
        UpstreamApiException slow = assertThrows(UpstreamApiException.class,
                () -> api.getObject(url("/slow"), "t", Map.of()));
        assertTrue(slow.getMessage().contains("timed out"), slow.getMessage());
        assertTrue(System.nanoTime() - start < 1_800_000_000L, "gave up at the timeout, not when the server answered");
    }

    @Test
    void onlyHttpsOrLoopbackUrlsAreCalled() {
        UpstreamApiException e = assertThrows(UpstreamApiException.class,
                () -> api.getObject("http://api.example.com/user", "t", Map.of()));
        assertTrue(e.getMessage().contains("https"), e.getMessage());
    }

    @Test
    void anApiTricklingItsAnswerIsCutAtTheTimeout() {
        long start = System.nanoTime();
        UpstreamApiException e = assertThrows(UpstreamApiException.class,
                () -> api.getObject(url("/trickle"), "t", Map.of()));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
        assertTrue(System.nanoTime() - start < 1_800_000_000L, "gave up at the timeout, not when the body ended");
    }
}
