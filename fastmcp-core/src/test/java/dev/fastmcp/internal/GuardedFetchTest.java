package dev.fastmcp.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.fastmcp.testsupport.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The SSRF-guarded fetch: addresses checked before anything is sent, the connection pinned, HTTP bounded. */
@Timeout(30)
class GuardedFetchTest {

    private static final GuardedFetch.AddressRule ANY = address -> null;
    private static final InetAddress LOCAL = InetAddress.getLoopbackAddress();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    private ServerSocket raw;

    @AfterEach
    void close() throws IOException {
        stop.countDown();
        if (raw != null) {
            raw.close();
        }
    }

    /** A server answering every connection with {@code answer}, after recording the request head. */
    private int serve(Consumer<OutputStream> answer) throws IOException {
        raw = new ServerSocket(0, 50, LOCAL);
        Thread t = new Thread(() -> {
            while (!raw.isClosed()) {
                try (Socket s = raw.accept()) {
                    requests.add(head(s.getInputStream()));
                    OutputStream out = s.getOutputStream();
                    answer.accept(out);
                    out.flush();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return raw.getLocalPort();
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static void write(OutputStream out, String text) {
        try {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        } catch (IOException e) {
            // the client went away
        }
    }

    /** Resolves docs.test (and only it) to the loopback address, counting lookups. */
    private GuardedFetch fetch(Duration deadline, long cap) {
        return new GuardedFetch(deadline, cap, TestTls.get().client(), host -> {
            lookups.incrementAndGet();
            if (host.equals("docs.test") || host.equals("other.test")) {
                return new InetAddress[] {LOCAL};
            }
            throw new UnknownHostException(host);
        });
    }

    private BoundedFetch.Response get(GuardedFetch fetch, String url, GuardedFetch.AddressRule rule)
            throws IOException, InterruptedException {
        return fetch.get(URI.create(url), Map.of("Accept", "application/json"), rule, status -> status == 200);
    }

    @Test
    void everyResolvedAddressIsCheckedBeforeAnythingIsSent() throws Exception {
        int port = serve(out -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
        GuardedFetch fetch = new GuardedFetch(Duration.ofSeconds(5), 1024, TestTls.get().client(),
                host -> new InetAddress[] {LOCAL, InetAddress.getByAddress(new byte[] {10, 0, 0, 1})});
        GuardedFetch.RefusedException e = assertThrows(GuardedFetch.RefusedException.class,
                () -> get(fetch, "http://docs.test:" + port + "/client.json",
                        a -> NetworkAddresses.whyInternal(a) != null && !a.isLoopbackAddress()
                                ? NetworkAddresses.whyInternal(a) : null));
        assertEquals("docs.test resolves to 10.0.0.1, a private address (10.0.0.0/8)", e.getMessage());
        Thread.sleep(100);
        assertEquals(List.of(), requests, "nothing was sent to any address");
    }

    @Test
    void theConnectionGoesToTheCheckedAddressUnderTheHostName() throws Exception {
        int port = serve(out -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nETag: \"v1\"\r\n\r\n{}"));
        BoundedFetch.Response r = get(fetch(Duration.ofSeconds(5), 1024), "http://docs.test:" + port + "/c.json?a=1",
                ANY);
        assertEquals(200, r.status());
        assertEquals("{}", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals("\"v1\"", r.headers().firstValue("etag").orElseThrow());
        assertEquals(1, lookups.get(), "one lookup: the address checked is the address connected to");
        String head = requests.get(0);
        assertTrue(head.startsWith("GET /c.json?a=1 HTTP/1.1\r\n"), head);
        assertTrue(head.contains("\r\nHost: docs.test:" + port + "\r\n"), head);
        assertTrue(head.contains("\r\nAccept: application/json\r\n"), head);
    }

    @Test
    void redirectsAreAnswersNotFollowed() throws Exception {
        int port = serve(out -> write(out, "HTTP/1.1 302 Found\r\nLocation: http://10.0.0.1/\r\n"
                + "Content-Length: 5\r\n\r\nmoved"));
        BoundedFetch.Response r = get(fetch(Duration.ofSeconds(5), 1024), "http://docs.test:" + port + "/", ANY);
        assertEquals(302, r.status());
        assertEquals(0, r.body().length, "the body of an unwanted status is not read");
        assertEquals(1, requests.size());
    }

    @Test
    void chunkedBodiesAreDecodedAndCappedWhileReading() throws Exception {
        int port = serve(out -> write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;ext=1\r\n{\"a\r\n4\r\n\":1}\r\n0\r\nTrailer: x\r\n\r\n"));
        assertEquals("{\"a\":1}", new String(get(fetch(Duration.ofSeconds(5), 1024),
                "http://docs.test:" + port + "/", ANY).body(), StandardCharsets.UTF_8));
        assertThrows(BoundedFetch.TooLargeException.class,
                () -> get(fetch(Duration.ofSeconds(5), 6), "http://docs.test:" + port + "/", ANY));
    }

    @Test
    void aDeclaredLengthOverTheCapIsRefusedUnread() throws Exception {
        int port = serve(out -> write(out, "HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(100)));
        BoundedFetch.TooLargeException e = assertThrows(BoundedFetch.TooLargeException.class,
                () -> get(fetch(Duration.ofSeconds(5), 5120), "http://docs.test:" + port + "/", ANY));
        assertEquals(5120, e.limit());
    }

    @Test
    void aBodyWithoutFramingIsReadToTheEndAndCapped() throws Exception {
        int port = serve(out -> write(out, "HTTP/1.1 200 OK\r\n\r\n" + "y".repeat(2000)));
        assertEquals(2000, get(fetch(Duration.ofSeconds(5), 5120), "http://docs.test:" + port + "/", ANY)
                .body().length);
        assertThrows(BoundedFetch.TooLargeException.class,
                () -> get(fetch(Duration.ofSeconds(5), 1000), "http://docs.test:" + port + "/", ANY));
    }

    @Test
    void aServerTricklingItsAnswerIsCutAtTheDeadline() throws Exception {
        int port = serve(out -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
            try {
                for (int i = 0; i < 1000 && !stop.await(50, TimeUnit.MILLISECONDS); i++) {
                    write(out, " ");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long start = System.nanoTime();
        assertThrows(HttpTimeoutException.class,
                () -> get(fetch(Duration.ofMillis(700), 5120), "http://docs.test:" + port + "/", ANY));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 650 && took < 3000, "cut at the deadline, took " + took + " ms");
    }

    @Test
    void aHostNameLookupThatHangsIsCutAtTheDeadline() {
        CountDownLatch never = new CountDownLatch(1);
        GuardedFetch fetch = new GuardedFetch(Duration.ofMillis(300), 1024, TestTls.get().client(), host -> {
            try {
                never.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new InetAddress[] {LOCAL};
        });
        assertThrows(HttpTimeoutException.class, () -> get(fetch, "https://slow-dns.test/c.json", ANY));
        never.countDown();
    }

    @Test
    void onlyHttpAndHttpsAreFetched() {
        for (String url : List.of("ftp://docs.test/c.json", "file:///etc/passwd", "https://user@docs.test/c.json",
                "https://docs.test:99999/c.json", "https://docs.test:0/c.json")) {
            assertThrows(GuardedFetch.RefusedException.class,
                    () -> get(fetch(Duration.ofSeconds(5), 1024), url, ANY), url);
        }
        assertEquals(0, lookups.get(), "refused before any lookup");
    }

    @Test
    void httpsVerifiesTheCertificateForTheHostNameSentAsSni() throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(LOCAL, 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(TestTls.get().server()));
        https.createContext("/", ex -> {
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        https.start();
        try {
            int port = https.getAddress().getPort();
            BoundedFetch.Response r = get(fetch(Duration.ofSeconds(5), 1024), "https://docs.test:" + port + "/c.json",
                    ANY);
            assertEquals("{\"ok\":true}", new String(r.body(), StandardCharsets.UTF_8));
            // the same server under a name its certificate does not hold
            IOException e = assertThrows(IOException.class, () -> get(fetch(Duration.ofSeconds(5), 1024),
                    "https://other.test:" + port + "/c.json", ANY));
            assertTrue(e instanceof SSLHandshakeException || e.getCause() instanceof SSLHandshakeException,
                    e.toString());
        } finally {
            https.stop(0);
        }
    }
}
