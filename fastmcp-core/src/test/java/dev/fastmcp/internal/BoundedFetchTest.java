package dev.fastmcp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The one bounded fetch: a deadline for the whole exchange, a cap on the body, bodies read only when wanted. */
@Timeout(30)
class BoundedFetchTest {

    private static final int CAP = 1024;
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private BoundedFetch fetch;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fits", ex -> reply(ex, 200, "x".repeat(CAP)));
        server.createContext("/over", ex -> reply(ex, 200, "x".repeat(CAP + 1)));
        server.createContext("/missing", ex -> reply(ex, 404, "y".repeat(10 * CAP)));
        server.createContext("/type", ex -> {
            ex.getResponseHeaders().set("Content-Type", "Application/JSON; charset=utf-8");
            reply(ex, 200, "{}");
        });
        server.createContext("/trickle", ex -> {
            // headers at once, then one byte every 100 ms, until the client goes away or the test ends
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 0; i < 100 && !release.await(100, TimeUnit.MILLISECONDS); i++) {
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up
            }
            ex.close();
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        fetch = BoundedFetch.create(Duration.ofMillis(500), CAP, HttpClient.Redirect.NEVER);
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        } catch (IOException e) {
            // the client stopped reading at the cap
        }
        ex.close();
    }

    private HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path)).build();
    }

    @Test
    void aBodyUpToTheCapIsReadWhole() throws Exception {
        BoundedFetch.Response r = fetch.send(get("/fits"), status -> status == 200);
        assertEquals(200, r.status());
        assertArrayEquals("x".repeat(CAP).getBytes(StandardCharsets.UTF_8), r.body());
    }

    @Test
    void aBodyPastTheCapIsRefused() {
        BoundedFetch.TooLargeException e = assertThrows(BoundedFetch.TooLargeException.class,
                () -> fetch.send(get("/over"), status -> true));
        assertEquals(CAP, e.limit());
        assertTrue(e.getMessage().contains("larger than 1024 bytes"), e.getMessage());
    }

    @Test
    void aStatusWhoseBodyIsNotWantedComesWithoutItEvenPastTheCap() throws Exception {
        BoundedFetch.Response r = fetch.send(get("/missing"), status -> status == 200);
        assertEquals(404, r.status());
        assertEquals(0, r.body().length);
    }

    @Test
    void theMediaTypeIsLowerCaseWithoutParameters() throws Exception {
        assertEquals("application/json", fetch.send(get("/type"), status -> true).mediaType());
    }

    @Test
    void aServerTricklingItsBodyIsCutAtTheDeadline() {
        long start = System.nanoTime();
        HttpTimeoutException e = assertThrows(HttpTimeoutException.class,
                () -> fetch.send(get("/trickle"), status -> true));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(e.getMessage().contains("no complete response within 500 ms"), e.getMessage());
        assertTrue(millis < 2_000, "gave up at the deadline, not when the body ended: " + millis + " ms");
    }

    @Test
    void aRefusedConnectionIsAnIOException() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        IOException e = assertThrows(IOException.class, () -> fetch.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closed + "/")).build(), status -> true));
        assertTrue(e instanceof java.net.ConnectException || e.getCause() instanceof java.net.ConnectException,
                e.toString());
    }

    @Test
    void anInterruptedCallerGetsInterruptedException() throws Exception {
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> fetch.send(get("/trickle"), status -> true));
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aNonPositiveDeadlineIsRefused() {
        HttpClient client = HttpClient.newHttpClient();
        assertThrows(IllegalArgumentException.class, () -> new BoundedFetch(client, Duration.ZERO, CAP));
        assertThrows(IllegalArgumentException.class, () -> new BoundedFetch(client, Duration.ofSeconds(1), -1));
    }
}
