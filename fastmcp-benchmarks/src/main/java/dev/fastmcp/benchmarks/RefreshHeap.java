package dev.fastmcp.benchmarks;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap a sustained refresh load leaves behind, measured in one process:
 * {@code java -Xmx1g -XX:+UseSerialGC -cp benchmarks.jar dev.fastmcp.benchmarks.RefreshHeap [grants] [refreshes]
 * [threads]} (defaults 1000, 200000, 2).
 *
 * <p>Starts FastMCP behind an {@link OAuthProxy} keeping its state in a {@link MemoryTokenStorage} (encrypted, as
 * by default) in front of the same stand-in identity provider as {@link BenchServer}, signs in {@code grants} times
 * through the whole flow, then sends {@code refreshes} {@code refresh_token} grants over loopback HTTP, round-robin
 * over the grants (each reply's refresh token replacing the one it was given). Prints the heap in use after a full
 * collection before the sign-ins, after them, at every tenth of the refreshes and at the end; what that makes per
 * grant (after the sign-ins, and after the refreshes) and per refresh; and the number of live storage entries. The
 * last line, starting with {@code RESULT}, holds the same figures as {@code key=value} pairs.
 */
public final class RefreshHeap {

    private static final Pattern REFRESH = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final double MIB = 1024.0 * 1024.0;

    private RefreshHeap() {
    }

    public static void main(String[] args) throws Exception {
        int grants = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        long refreshes = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        if (grants < threads || refreshes < 10 || threads < 1) {
            System.err.println("usage: RefreshHeap [grants >= threads] [refreshes >= 10] [threads >= 1]");
            System.exit(2);
        }
        MemoryTokenStorage storage = new MemoryTokenStorage();
        int upstreamPort = BenchServer.loopbackServer(BenchServer::upstream);
        String upstream = "http://127.0.0.1:" + upstreamPort;
        OAuthProxy proxy = OAuthProxy.builder(Upstream.of(upstream + "/authorize", upstream + "/token",
                        "bench-proxy", "bench-proxy-secret"))
                .scopes("openid")
                .claimsAndConsent(c -> c.consentRequired(false))
                .limits(l -> l.authorizationRateLimit(0))
                .secret(BenchServer.randomSecret())
                .keysAndStorage(k -> k.tokenStorage(storage))
                .build();
        FastMCP server = BenchServer.mcp("refresh-heap").auth(proxy).build().start(StartOptions.http().port(0));
        String base = "http://127.0.0.1:" + server.port();

        long heapStart = usedAfterGc();
        BenchServer.SignIn signIn = new BenchServer.SignIn(base);
        String clientId = signIn.register();
        String[] tokens = new String[grants];
        for (int i = 0; i < grants; i++) {
            tokens[i] = signIn.tokens(clientId).get("refresh_token");
        }
        long heapGrants = usedAfterGc();
        int entriesGrants = storage.size();
        System.out.printf(Locale.ROOT, "%d grants signed in; heap %.1f MiB -> %.1f MiB, %d storage entries%n",
                grants, heapStart / MIB, heapGrants / MIB, entriesGrants);

        AtomicLong failed = new AtomicLong();
        List<Long> samples = new ArrayList<>();
        long tenth = refreshes / 10;
        long started = System.nanoTime();
        for (int step = 0; step < 10; step++) {
            long count = step == 9 ? refreshes - 9 * tenth : tenth;
            run(base, clientId, tokens, threads, count, failed);
            long heap = usedAfterGc();
            samples.add(heap);
            System.out.printf(Locale.ROOT, "%3d%%: heap %.1f MiB, %d storage entries, %d failed%n", (step + 1) * 10,
                    heap / MIB, storage.size(), failed.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long heapEnd = samples.get(samples.size() - 1);
        int entriesEnd = storage.size();
        double perGrant = (heapGrants - heapStart) / (double) grants;
        double perGrantEnd = (heapEnd - heapStart) / (double) grants;
        double perRefresh = (heapEnd - heapGrants) / (double) refreshes;
        System.out.printf(Locale.ROOT, "%d refreshes in %.1f s (%.0f/s, %d threads), %d failed%n", refreshes, seconds,
                refreshes / seconds, threads, failed.get());
        System.out.printf(Locale.ROOT, "heap after a full GC: %.1f MiB at start, %.1f MiB after the sign-ins, "
                + "%.1f MiB after the refreshes%n", heapStart / MIB, heapGrants / MIB, heapEnd / MIB);
        System.out.printf(Locale.ROOT, "per grant: %.0f bytes after its sign-in, %.0f bytes after the refreshes; "
                + "retained per refresh: %.1f bytes%n", perGrant, perGrantEnd, perRefresh);
        System.out.printf(Locale.ROOT, "RESULT grants=%d refreshes=%d threads=%d seconds=%.1f failed=%d "
                        + "heap_start_mib=%.1f heap_grants_mib=%.1f heap_end_mib=%.1f bytes_per_grant=%.0f "
                        + "bytes_per_grant_end=%.0f bytes_per_refresh=%.1f entries_grants=%d entries_end=%d%n", grants,
                refreshes, threads, seconds, failed.get(), heapStart / MIB, heapGrants / MIB, heapEnd / MIB, perGrant,
                perGrantEnd, perRefresh, entriesGrants, entriesEnd);
        server.close();
        System.exit(failed.get() == 0 ? 0 : 1);
    }

    /** Sends {@code count} refreshes from {@code threads} threads, each over its own share of the grants. */
    private static void run(String base, String clientId, String[] tokens, int threads, long count, AtomicLong failed)
            throws InterruptedException {
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            long mine = count / threads + (t < count % threads ? 1 : 0);
            Thread worker = new Thread(() -> {
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                int i = first;
                for (long n = 0; n < mine; n++) {
                    String next = refresh(http, base, clientId, tokens[i]);
                    if (next == null) {
                        failed.incrementAndGet();
                    } else {
                        tokens[i] = next;
                    }
                    i += threads;
                    if (i >= tokens.length) {
                        i = first;
                    }
                }
            }, "refresh-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
    }

    /** One refresh grant; the new refresh token, or null when refused or failed. */
    private static String refresh(HttpClient http, String base, String clientId, String token) {
        String form = "grant_type=refresh_token&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&refresh_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/token"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = REFRESH.matcher(r.body());
            return r.statusCode() == 200 && m.find() ? m.group(1) : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The heap in use after full collections (repeated, since one may leave objects freed only by the next). */
    private static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
