package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.internal.GuardedFetch;
import dev.fastmcp.testsupport.TestTls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How long fetched documents are kept: as their Cache-Control says, within bounds, revalidated by ETag. */
@Timeout(30)
class DocumentCacheTest {

    private static final GuardedFetch.AddressRule ANY = address -> null;

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_000_000);

        void advance(Duration d) {
            millis.addAndGet(d.toMillis());
        }

        @Override
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final TestClock clock = new TestClock();
    private DocumentServer docs;
    private DocumentCache<String> cache;

    @BeforeEach
    void start() throws Exception {
        docs = new DocumentServer();
        cache = cache(10);
    }

    @AfterEach
    void stop() {
        docs.close();
    }

    private DocumentCache<String> cache(int max) {
        return new DocumentCache<>(new GuardedFetch(Duration.ofSeconds(5), 5120, TestTls.get().client(),
                docs.resolver()), "metadata document", max, clock);
    }

    private String get(String path) throws OAuthError {
        return cache.get(URI.create(docs.url(path)), ANY, body -> {
            String text = new String(body, StandardCharsets.UTF_8);
            if (text.contains("invalid")) {
                throw new OAuthError("invalid_client", "invalid document", 400);
            }
            return text;
        });
    }

    @Test
    void aDocumentIsKeptForItsMaxAgeThenRevalidatedWithItsEtag() throws Exception {
        docs.handle("/doc.json", ex -> {
            ex.getResponseHeaders().add("Cache-Control", "public, max-age=120");
            ex.getResponseHeaders().add("ETag", "\"v1\"");
            DocumentServer.send(ex, "\"v1\"".equals(ex.getRequestHeaders().getFirst("If-None-Match")) ? 304 : 200,
                    "{\"v\":1}");
        });
        assertEquals("{\"v\":1}", get("/doc.json"));
        clock.advance(Duration.ofSeconds(119));
        assertEquals("{\"v\":1}", get("/doc.json"));
        assertEquals(1, docs.hits("/doc.json"), "kept for its max-age");
        clock.advance(Duration.ofSeconds(2));
        assertEquals("{\"v\":1}", get("/doc.json"), "a 304 keeps the document");
        assertEquals(2, docs.hits("/doc.json"));
        assertEquals(List.of("\"v1\""), docs.requestHeaders.get(1).get("If-none-match"));
        clock.advance(Duration.ofSeconds(119));
        get("/doc.json");
        assertEquals(2, docs.hits("/doc.json"), "the 304 renewed its lifetime");
    }

    @Test
    void noStoreAndNoCacheAreHeldToTheMinimumSoAFloodCannotRefetch() throws Exception {
        docs.json("/nostore.json", "{}", "Cache-Control", "no-store");
        for (int i = 0; i < 20; i++) {
            get("/nostore.json");
        }
        clock.advance(Duration.ofSeconds(DocumentCache.MIN_TTL_SECONDS - 1));
        get("/nostore.json");
        assertEquals(1, docs.hits("/nostore.json"));
        clock.advance(Duration.ofSeconds(2));
        get("/nostore.json");
        assertEquals(2, docs.hits("/nostore.json"));
    }

    @Test
    void aLongMaxAgeIsCutToADayAndNoHeaderMeansFiveMinutes() throws Exception {
        docs.json("/forever.json", "{}", "Cache-Control", "max-age=999999999");
        docs.json("/plain.json", "{}");
        get("/forever.json");
        get("/plain.json");
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        get("/plain.json");
        assertEquals(2, docs.hits("/plain.json"));
        clock.advance(Duration.ofDays(1));
        get("/forever.json");
        assertEquals(2, docs.hits("/forever.json"));
    }

    @Test
    void failuresAndInvalidDocumentsAreNeverKept() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        docs.handle("/flaky.json", ex -> DocumentServer.send(ex, calls.incrementAndGet() == 1 ? 500 : 200, "{}"));
        OAuthError e = assertThrows(OAuthError.class, () -> get("/flaky.json"));
        assertTrue(e.description.contains("it answered HTTP 500"), e.description);
        assertEquals("{}", get("/flaky.json"));
        docs.json("/invalid.json", "{\"invalid\":true}", "Cache-Control", "max-age=600");
        assertThrows(OAuthError.class, () -> get("/invalid.json"));
        assertThrows(OAuthError.class, () -> get("/invalid.json"));
        assertEquals(2, docs.hits("/invalid.json"), "an invalid document is fetched again");
    }

    @Test
    void theLeastRecentlyUsedDocumentGoesFirst() throws Exception {
        cache = cache(2);
        for (String p : List.of("/a.json", "/b.json", "/c.json")) {
            docs.json(p, "{}", "Cache-Control", "max-age=600");
        }
        get("/a.json");
        get("/b.json");
        get("/a.json");
        get("/c.json"); // pushes out b, the least recently used
        get("/a.json");
        get("/b.json");
        assertEquals(1, docs.hits("/a.json"));
        assertEquals(2, docs.hits("/b.json"));
    }
}
