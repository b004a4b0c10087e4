package dev.fastmcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.auth.testing.TricklingAnswer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DiscoveryDocumentCacheTest {

    private final AtomicInteger fetches = new AtomicInteger();
    private volatile long delayMillis;
    private HttpServer server;
    private String base;

    /** A clock tests can move forward. */
    static final class MutableClock extends Clock {
        volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/.well-known/openid-configuration", ex -> {
            fetches.incrementAndGet();
            sleep(delayMillis);
            respond(ex, 200, "{\"issuer\":\"http://127.0.0.1\",\"n\":" + fetches.get() + "}");
        });
        server.createContext("/missing", ex -> respond(ex, 404, "{}"));
        server.createContext("/array", ex -> respond(ex, 200, "[1,2]"));
        server.createContext("/garbage", ex -> respond(ex, 200, "<html>"));
        server.createContext("/huge", ex -> respond(ex, 200, "{\"x\":\"" + "a".repeat(5000) + "\"}"));
        server.createContext("/trickle", TricklingAnswer.of("application/json", "{\"issuer\":\"http://127.0.0.1\"}"));
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String doc() {
        return base + "/.well-known/openid-configuration";
    }

    @Test
    void aDocumentIsFetchedOnceAndServedFromTheCacheUntilItsTtl() {
        MutableClock clock = new MutableClock();
        DiscoveryDocumentCache cache = DiscoveryDocumentCache.builder().ttl(Duration.ofMinutes(10)).clock(clock).build();
        assertEquals(1, cache.get(doc()).get("n"));
        assertEquals(1, cache.get(doc()).get("n"));
        assertTrue(cache.has(doc()));
        assertEquals(1, fetches.get());
        clock.now = clock.now.plus(Duration.ofMinutes(11));
        assertFalse(cache.has(doc()), "expired");
        assertEquals(2, cache.get(doc()).get("n"));
        assertEquals(2, fetches.get());
        assertEquals(1, cache.size());
    }

    @Test
    void concurrentGetsOfOneUrlMakeOneFetch() throws Exception {
        delayMillis = 300;
        DiscoveryDocumentCache cache = new DiscoveryDocumentCache();
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Map<String, Object>>> results = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return cache.get(doc());
                }));
            }
            go.countDown();
            for (Future<Map<String, Object>> r : results) {
                assertEquals("http://127.0.0.1", r.get(10, TimeUnit.SECONDS).get("issuer"));
            }
            assertEquals(1, fetches.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aClearDuringAFetchKeepsTheFetchedDocumentOutOfTheCache() throws Exception {
        delayMillis = 400;
        DiscoveryDocumentCache cache = new DiscoveryDocumentCache();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<Map<String, Object>> inflight = pool.submit(() -> cache.get(doc()));
            while (fetches.get() == 0) {
                Thread.sleep(10);
            }
            cache.clear(doc());
            assertEquals(1, inflight.get(10, TimeUnit.SECONDS).get("n"), "the caller still gets its document");
            assertFalse(cache.has(doc()), "but it is not cached");
            assertEquals(0, cache.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void failuresSayWhichUrlAndWhy() {
        DiscoveryDocumentCache cache = DiscoveryDocumentCache.builder().maxBytes(1024).build();
        assertTrue(assertThrows(DiscoveryException.class, () -> cache.get(base + "/missing")).getMessage()
                .contains("HTTP 404"));
        assertTrue(assertThrows(DiscoveryException.class, () -> cache.get(base + "/array")).getMessage()
                .contains("not a JSON object"));
        assertTrue(assertThrows(DiscoveryException.class, () -> cache.get(base + "/garbage")).getMessage()
                .contains("not valid JSON"));
        assertTrue(assertThrows(DiscoveryException.class, () -> cache.get(base + "/huge")).getMessage()
                .contains("larger than 1024 bytes"));
        assertEquals(0, cache.size(), "failures are not cached");
    }

    @Test
    void aSlowServerTimesOut() {
        delayMillis = 2_000;
        DiscoveryDocumentCache cache = DiscoveryDocumentCache.builder().timeout(Duration.ofMillis(300)).build();
        DiscoveryException e = assertThrows(DiscoveryException.class, () -> cache.get(doc()));
        assertTrue(e.getMessage().contains("timed out after 300 ms"), e.getMessage());
    }

    @Test
    void plainHttpIsRefusedBeyondLoopback() {
        DiscoveryDocumentCache cache = new DiscoveryDocumentCache();
        DiscoveryException e = assertThrows(DiscoveryException.class,
                () -> cache.get("http://idp.example.com/.well-known/openid-configuration"));
        assertTrue(e.getMessage().contains("use https"), e.getMessage());
        assertThrows(DiscoveryException.class, () -> cache.get("file:///etc/passwd"));
    }

    @Test
    void aDocumentTrickledPastTheTimeoutIsCutAtTheTimeout() {
        DiscoveryDocumentCache cache = DiscoveryDocumentCache.builder().timeout(Duration.ofMillis(300)).build();
        long start = System.nanoTime();
        DiscoveryException e = assertThrows(DiscoveryException.class, () -> cache.get(base + "/trickle"));
        assertTrue(e.getMessage().contains("timed out after 300 ms"), e.getMessage());
        assertTrue(System.nanoTime() - start < 1_800_000_000L, "gave up at the timeout, not when the body ended");
        assertEquals(0, cache.size(), "nothing is cached");
    }
}
