package dev.fastmcp.auth.proxy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.fastmcp.internal.GuardedFetch;
import dev.fastmcp.testsupport.TestTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the tests' clients publish their metadata documents: an HTTPS server on the loopback address with the test
 * certificate ({@link TestTls}), reached under the names of its certificate ({@code docs.test}, {@code keys.test})
 * through a resolver the test controls, which also answers other names with any address a test chooses. It counts
 * the requests per path and the lookups per name, so a test can show that nothing was fetched.
 */
final class DocumentServer implements AutoCloseable {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final HttpServer server;
    private final String scheme;
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private final Map<String, InetAddress[]> names = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();
    final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);

    /** An HTTPS server (the usual case). */
    DocumentServer() throws IOException {
        this(true);
    }

    /** An HTTPS server, or a plain HTTP one (for the insecure development mode). */
    DocumentServer(boolean https) throws IOException {
        InetSocketAddress bind = new InetSocketAddress(LOOPBACK, 0);
        if (https) {
            HttpsServer s = HttpsServer.create(bind, 0);
            s.setHttpsConfigurator(new HttpsConfigurator(TestTls.get().server()));
            server = s;
        } else {
            server = HttpServer.create(bind, 0);
        }
        scheme = https ? "https" : "http";
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        names.put("docs.test", new InetAddress[] {LOOPBACK});
        names.put("keys.test", new InetAddress[] {LOOPBACK});
        names.put("localhost", new InetAddress[] {LOOPBACK});
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** The URL of {@code path} under {@code host} (a name of the certificate, or a literal). */
    String url(String host, String path) {
        return scheme + "://" + host + ":" + port() + path;
    }

    /** The URL of {@code path} under docs.test. */
    String url(String path) {
        return url("docs.test", path);
    }

    /** The transport a proxy reaches this server with: the test resolver, and TLS trusting the test certificate. */
    ClientIdDocuments.Transport transport() {
        return new ClientIdDocuments.Transport(resolver(), TestTls.get().client());
    }

    GuardedFetch.Resolver resolver() {
        return host -> {
            lookups.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
            InetAddress[] found = names.get(host);
            if (found != null) {
                return found.clone();
            }
            if (host.matches("[0-9.]+|.*:.*")) {
                return InetAddress.getAllByName(host); // a literal: no DNS
            }
            throw new UnknownHostException(host);
        };
    }

    /** Makes {@code host} resolve to these addresses (IPv6 ones kept as IPv6, mapped forms included). */
    void resolve(String host, String... literals) throws UnknownHostException {
        InetAddress[] out = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            InetAddress a = InetAddress.getByName(literals[i]); // literals only: no DNS
            out[i] = literals[i].contains(":") && a.getAddress().length == 4
                    ? Inet6Address.getByAddress(null, mapped(a.getAddress()), null) : a;
        }
        names.put(host, out);
    }

    private static byte[] mapped(byte[] v4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }

    int lookups(String host) {
        AtomicInteger n = lookups.get(host);
        return n == null ? 0 : n.get();
    }

    int totalLookups() {
        return lookups.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    int totalHits() {
        return hits.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Serves {@code body} at {@code path} with a 200 and these headers (name, value, ...). */
    void json(String path, String body, String... headers) {
        handle(path, ex -> {
            for (int i = 0; i < headers.length; i += 2) {
                ex.getResponseHeaders().add(headers[i], headers[i + 1]);
            }
            send(ex, 200, body);
        });
    }

    /** A client document whose client_id is its own URL, public (none) with one redirect URI. */
    String publicClient(String path, String redirectUri) {
        return publicClient("docs.test", path, redirectUri);
    }

    /** The same under another host name or literal. */
    String publicClient(String host, String path, String redirectUri) {
        String clientId = url(host, path);
        json(path, "{\"client_id\":\"" + clientId + "\",\"client_name\":\"Doc Client\",\"redirect_uris\":[\""
                + redirectUri + "\"],\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\","
                + "\"refresh_token\",\"client_credentials\"],\"scope\":\"openid profile other:scope\"}",
                "Cache-Control", "max-age=300");
        return clientId;
    }

    void handle(String path, HttpHandler handler) {
        server.createContext(path, ex -> {
            if (!ex.getRequestURI().getPath().equals(path)) {
                send(ex, 404, "{}");
                return;
            }
            hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            requestHeaders.add(Map.copyOf(ex.getRequestHeaders()));
            handler.handle(ex);
        });
    }

    /** Headers at once, then a byte every 100 ms until the client leaves or the server closes. */
    void trickle(String path) {
        handle(path, ex -> {
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                out.write('{');
                for (int i = 0; i < 300 && !closing.await(100, TimeUnit.MILLISECONDS); i++) {
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the fetch gave up
            }
        });
    }

    static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().putIfAbsent("Content-Type", List.of("application/json"));
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
