package dev.fastmcp.benchmarks;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.proxy.OAuthProxy;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The heap a churn of MCP sessions leaves behind, measured in one process:
 * {@code java -Xmx128m -XX:+UseSerialGC -cp benchmarks.jar dev.fastmcp.benchmarks.SessionChurn [sessions] [threads]
 * [abandon every] [idle seconds]} (defaults 100000, 4, 10, 15).
 *
 * <p>Starts FastMCP behind an {@link OAuthProxy} (memory storage, encrypted, as by default) in front of the same
 * stand-in identity provider as {@link BenchServer}, and signs in once per thread, so that each thread is its own
 * user and its sessions are bound to its bearer token, as in production. The sessions idle out after
 * {@code idle seconds}; each user may hold 5,000 of them, so that the abandoned sessions end by that timeout and not
 * by the share of their user.
 *
 * <p>Each session, over loopback HTTP: {@code initialize}, {@code notifications/initialized}, one
 * {@code tools/call} of {@code add}, then {@code DELETE}, as a polite client ends it; every {@code abandon every}-th
 * session is left without {@code DELETE} and idles out. First opens 1,000 sessions and keeps them (well within the
 * idle timeout) to measure the heap per live session; then churns {@code sessions}, printing the heap in use after a
 * full collection and the sessions the server holds (its live session objects, read from a class histogram) at every
 * tenth; then waits for the abandoned sessions to idle out and measures again. The last line, starting with
 * {@code RESULT}, holds the figures as {@code key=value} pairs. Exits with 1 when any request failed.
 */
public final class SessionChurn {

    private static final String ENTRY = "dev.fastmcp.transport.SessionEntry";
    private static final String SDK_SESSION = "io.modelcontextprotocol.spec.McpStreamableServerSession";
    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+\\d+\\s+(\\S+)");
    private static final String VERSION = "2025-06-18";
    private static final int HELD = 1000;

    private final String url;
    private final String[] tokens;
    private final int abandonEvery;
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    private SessionChurn(String url, String[] tokens, int abandonEvery) {
        this.url = url;
        this.tokens = tokens;
        this.abandonEvery = abandonEvery;
    }

    public static void main(String[] args) throws Exception {
        int sessions = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        int abandonEvery = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int idleSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        if (sessions < 10 || threads < 1 || abandonEvery < 0 || idleSeconds < 2) {
            System.err.println("usage: SessionChurn [sessions >= 10] [threads >= 1] [abandon every, 0 for none] "
                    + "[idle seconds >= 2]");
            System.exit(2);
        }
        OAuthProxy proxy = BenchServer.standInProxy()
                .secret(BenchServer.randomSecret())
                .lifetimes(l -> l.accessTokenTtl(Duration.ofHours(6)))
                .build();
        FastMCP server = BenchServer.mcp("session-churn").auth(proxy)
                .sessions(s -> s.perSubject(5_000).idleTimeout(Duration.ofSeconds(idleSeconds)))
                .build().start(StartOptions.http().port(0));
        String base = "http://127.0.0.1:" + server.port();
        BenchServer.SignIn signIn = new BenchServer.SignIn(base);
        String clientId = signIn.register();
        String[] tokens = new String[threads];
        for (int t = 0; t < threads; t++) {
            tokens[t] = signIn.tokens(clientId).get("access_token");
        }
        SessionChurn churn = new SessionChurn(base + "/mcp", tokens, abandonEvery);
        churn.run(threads, threads, 0, false); // a session per user first: classes loaded, pools made

        long heapStart = RefreshHeap.usedAfterGc();
        Map<String, Long> live = live();
        System.out.printf(Locale.ROOT, "start: heap=%.1f MiB live=%d sdk=%d%n", heapStart / RefreshHeap.MIB,
                live.get(ENTRY), live.get(SDK_SESSION));

        Map<String, String> held = churn.run(threads, HELD, 0, true);
        long heapHeld = RefreshHeap.usedAfterGc();
        Map<String, Long> liveHeld = live();
        double perLive = (heapHeld - heapStart) / (double) (liveHeld.get(ENTRY) - live.get(ENTRY));
        System.out.printf(Locale.ROOT, "%d sessions held: heap=%.1f MiB live=%d sdk=%d, %.0f bytes per live "
                        + "session%n", held.size(), heapHeld / RefreshHeap.MIB, liveHeld.get(ENTRY),
                liveHeld.get(SDK_SESSION), perLive);
        HttpClient http = client();
        held.forEach((session, token) -> churn.delete(http, token, session));

        List<double[]> curve = new ArrayList<>(); // {sessions, bytes}
        long started = System.nanoTime();
        for (int step = 1; step <= 10; step++) {
            churn.run(threads, sessions / 10 + (step == 10 ? sessions % 10 : 0), (step - 1) * (sessions / 10), false);
            long heap = RefreshHeap.usedAfterGc();
            Map<String, Long> now = live();
            long done = step == 10 ? sessions : (long) step * (sessions / 10);
            curve.add(new double[] {done, heap});
            System.out.printf(Locale.ROOT, "sessions=%d heap=%.1f MiB live=%d sdk=%d abandoned=%d failed=%d%n", done,
                    heap / RefreshHeap.MIB, now.get(ENTRY), now.get(SDK_SESSION), churn.abandoned.get(),
                    churn.failed.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long heapChurn = (long) curve.get(curve.size() - 1)[1];
        // The sweep runs every idle/2 seconds (at most 60): after idle + idle/2 + 1 s every abandoned session ended.
        Thread.sleep((idleSeconds + Math.max(1, Math.min(60, idleSeconds / 2)) + 1) * 1000L);
        long heapEnd = RefreshHeap.usedAfterGc();
        Map<String, Long> liveEnd = live();
        double perSession = (heapEnd - heapStart) / (double) sessions;
        double slope = RefreshHeap.slope(curve);
        System.out.printf(Locale.ROOT, "idle timeout passed: heap=%.1f MiB live=%d sdk=%d%n",
                heapEnd / RefreshHeap.MIB, liveEnd.get(ENTRY), liveEnd.get(SDK_SESSION));
        System.out.printf(Locale.ROOT, "%d sessions in %.1f s (%.0f/s, %d threads), %d abandoned, %d failed%n",
                sessions, seconds, sessions / seconds, threads, churn.abandoned.get(), churn.failed.get());
        System.out.printf(Locale.ROOT, "per live session: %.0f bytes; retained per churned session: %.2f bytes; "
                + "slope over the tenths: %.2f bytes per session%n", perLive, perSession, slope);
        System.out.printf(Locale.ROOT, "RESULT sessions=%d threads=%d abandon_every=%d idle_seconds=%d seconds=%.1f "
                        + "abandoned=%d failed=%d heap_start_mib=%.1f heap_held_mib=%.1f heap_churn_mib=%.1f "
                        + "heap_end_mib=%.1f bytes_per_live_session=%.0f bytes_per_session_end=%.2f "
                        + "slope_bytes_per_session=%.2f live_end=%d sdk_end=%d%n", sessions, threads, abandonEvery,
                idleSeconds, seconds, churn.abandoned.get(), churn.failed.get(), heapStart / RefreshHeap.MIB,
                heapHeld / RefreshHeap.MIB, heapChurn / RefreshHeap.MIB, heapEnd / RefreshHeap.MIB, perLive,
                perSession, slope, liveEnd.get(ENTRY), liveEnd.get(SDK_SESSION));
        server.close();
        System.exit(churn.failed.get() == 0 ? 0 : 1);
    }

    /**
     * Churns {@code count} sessions from {@code threads} threads, each its own user, numbered from {@code from}; with
     * {@code keep}, ends none of them and returns them (session id to its bearer token).
     */
    private Map<String, String> run(int threads, int count, int from, boolean keep) throws InterruptedException {
        Map<String, String> kept = new ConcurrentHashMap<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String token = tokens[t];
            int mine = count / threads + (t < count % threads ? 1 : 0);
            Thread worker = new Thread(() -> {
                HttpClient http = client();
                for (int n = 0; n < mine; n++) {
                    String session = open(http, token, from + n);
                    if (session == null) {
                        continue;
                    }
                    if (keep) {
                        kept.put(session, token);
                    } else if (abandonEvery > 0 && (from + n + 1) % abandonEvery == 0) {
                        abandoned.incrementAndGet();
                    } else {
                        delete(http, token, session);
                    }
                }
            }, "churn-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return kept;
    }

    private static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** One session up to its {@code tools/call}; its id, or null when a request failed (counted). */
    private String open(HttpClient http, String token, int n) {
        HttpResponse<String> init = send(http, token, null, "POST", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                + "\"initialize\",\"params\":{\"protocolVersion\":\"" + VERSION + "\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"churn\",\"version\":\"1.0\"}}}", 200);
        if (init == null) {
            return null;
        }
        String session = init.headers().firstValue("Mcp-Session-Id").orElse(null);
        if (session == null) {
            fail("initialize answered no Mcp-Session-Id: " + init.body());
            return null;
        }
        String initialized = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
        if (send(http, token, session, "POST", initialized, 202) == null) {
            return null;
        }
        String add = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"add\","
                + "\"arguments\":{\"a\":" + (n % 1000) + ",\"b\":2}}}";
        HttpResponse<String> call = send(http, token, session, "POST", add, 200);
        if (call == null) {
            return null;
        }
        if (!call.body().contains("\"text\":\"" + (n % 1000 + 2) + ".0\"")) {
            fail("tools/call answered " + call.body());
            return null;
        }
        return session;
    }

    private void delete(HttpClient http, String token, String session) {
        send(http, token, session, "DELETE", null, 200);
    }

    /** One request; the response when its status is {@code expected}, else null (counted as failed). */
    private HttpResponse<String> send(HttpClient http, String token, String session, String method, String body,
            int expected) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json, text/event-stream")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", VERSION);
        }
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == expected) {
                return r;
            }
            fail(method + " answered " + r.statusCode() + ": " + r.body());
        } catch (java.io.IOException e) {
            fail(method + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(method + ": interrupted");
        }
        return null;
    }

    private void fail(String what) {
        if (failed.incrementAndGet() <= 5) {
            System.err.println("failed: " + what);
        }
    }

    /** The live instances of our and the SDK's session classes, from a class histogram (which collects first). */
    private static Map<String, Long> live() throws Exception {
        String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, Long> counts = new HashMap<>(Map.of(ENTRY, 0L, SDK_SESSION, 0L));
        for (String line : histogram.split("\n")) {
            Matcher m = HISTOGRAM_LINE.matcher(line);
            if (m.find() && counts.containsKey(m.group(2))) {
                counts.put(m.group(2), Long.parseLong(m.group(1)));
            }
        }
        return counts;
    }
}
