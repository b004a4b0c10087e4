package dev.fastmcp.benchmarks;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
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
 * [threads] [sample seconds]} (defaults 1000, 200000, 2, 30).
 *
 * <p>Starts FastMCP behind an {@link OAuthProxy} keeping its state in a {@link MemoryTokenStorage} (encrypted, as
 * by default) in front of the same stand-in identity provider as {@link BenchServer}, signs in {@code grants} times
 * through the whole flow, then sends {@code refresh_token} grants over loopback HTTP, round-robin over the grants
 * (each reply's refresh token replacing the one it was given). Prints the heap in use after a full collection before
 * the sign-ins and after them; what that makes per grant; and the number of live storage entries. The last line,
 * starting with {@code RESULT}, holds the figures as {@code key=value} pairs.
 *
 * <p>{@code refreshes} is either a count or a wall time ({@code 600s}, {@code 10m}):
 * <ul>
 *   <li>a count: sends that many refreshes, and prints the heap at every tenth of them and per refresh;
 *   <li>a wall time: sends refreshes until it is over, and prints the heap every {@code sample seconds} while they
 *       go on (the heap curve, one line per sample), its lowest and highest value from one minute on, and its slope
 *       in bytes per minute: the least-squares line through the samples from one minute on (the grace answers of
 *       the refreshes fill up during the first seconds), so that a flat heap reads as a slope near 0.
 * </ul>
 */
public final class RefreshHeap {

    private static final Pattern REFRESH = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern WALL_TIME = Pattern.compile("(\\d+)([sm])");
    static final double MIB = 1024.0 * 1024.0;

    private RefreshHeap() {
    }

    public static void main(String[] args) throws Exception {
        int grants = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        String amount = args.length > 1 ? args[1] : "200000";
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        int every = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        Matcher wall = WALL_TIME.matcher(amount);
        long seconds = !wall.matches() ? 0
                : Long.parseLong(wall.group(1)) * (wall.group(2).equals("m") ? 60 : 1);
        long refreshes = wall.matches() ? 0 : Long.parseLong(amount);
        if (grants < threads || threads < 1 || every < 1 || (wall.matches() ? seconds < every : refreshes < 10)) {
            System.err.println("usage: RefreshHeap [grants >= threads] [refreshes >= 10, or a wall time: 600s, 10m]"
                    + " [threads >= 1] [sample seconds, at most the wall time]");
            System.exit(2);
        }
        MemoryTokenStorage storage = new MemoryTokenStorage();
        OAuthProxy proxy = BenchServer.standInProxy()
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

        Load load = new Load(base, clientId, tokens);
        String result;
        if (seconds > 0) {
            result = forWallTime(load, threads, seconds, every, storage, heapStart, heapGrants, grants);
        } else {
            result = forCount(load, threads, refreshes, storage, heapStart, heapGrants, grants);
        }
        double perGrant = (heapGrants - heapStart) / (double) grants;
        System.out.printf(Locale.ROOT, "RESULT grants=%d threads=%d failed=%d heap_start_mib=%.1f "
                        + "heap_grants_mib=%.1f bytes_per_grant=%.0f entries_grants=%d entries_end=%d %s%n", grants,
                threads, load.failed.get(), heapStart / MIB, heapGrants / MIB, perGrant, entriesGrants,
                storage.size(), result);
        server.close();
        System.exit(load.failed.get() == 0 ? 0 : 1);
    }

    /** Sends {@code refreshes}, sampling the heap at every tenth; returns the figures for the RESULT line. */
    private static String forCount(Load load, int threads, long refreshes, MemoryTokenStorage storage, long heapStart,
            long heapGrants, int grants) throws InterruptedException {
        List<Long> samples = new ArrayList<>();
        long tenth = refreshes / 10;
        long started = System.nanoTime();
        for (int step = 0; step < 10; step++) {
            long count = step == 9 ? refreshes - 9 * tenth : tenth;
            for (Thread worker : load.start(threads, count)) {
                worker.join();
            }
            long heap = usedAfterGc();
            samples.add(heap);
            System.out.printf(Locale.ROOT, "%3d%%: heap %.1f MiB, %d storage entries, %d failed%n", (step + 1) * 10,
                    heap / MIB, storage.size(), load.failed.get());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long heapEnd = samples.get(samples.size() - 1);
        double perGrantEnd = (heapEnd - heapStart) / (double) grants;
        double perRefresh = (heapEnd - heapGrants) / (double) refreshes;
        System.out.printf(Locale.ROOT, "%d refreshes in %.1f s (%.0f/s, %d threads), %d failed%n", refreshes, seconds,
                refreshes / seconds, threads, load.failed.get());
        System.out.printf(Locale.ROOT, "heap after a full GC: %.1f MiB at start, %.1f MiB after the sign-ins, "
                + "%.1f MiB after the refreshes%n", heapStart / MIB, heapGrants / MIB, heapEnd / MIB);
        System.out.printf(Locale.ROOT, "per grant: %.0f bytes after its sign-in, %.0f bytes after the refreshes; "
                + "retained per refresh: %.1f bytes%n", (heapGrants - heapStart) / (double) grants, perGrantEnd,
                perRefresh);
        return String.format(Locale.ROOT, "refreshes=%d seconds=%.1f heap_end_mib=%.1f bytes_per_grant_end=%.0f "
                + "bytes_per_refresh=%.1f", refreshes, seconds, heapEnd / MIB, perGrantEnd, perRefresh);
    }

    /**
     * Sends refreshes for {@code seconds}, sampling the heap every {@code every} seconds while they go on; returns
     * the figures for the RESULT line.
     */
    private static String forWallTime(Load load, int threads, long seconds, int every, MemoryTokenStorage storage,
            long heapStart, long heapGrants, int grants) throws InterruptedException {
        System.out.printf(Locale.ROOT, "t=0s heap=%.1f MiB refreshes=0 entries=%d failed=0%n", heapGrants / MIB,
                storage.size());
        long started = System.nanoTime();
        List<Thread> workers = load.start(threads, Long.MAX_VALUE);
        List<double[]> late = new ArrayList<>(); // {minutes, bytes} of the samples from the first minute on
        long heapEnd = 0;
        for (long at = every; ; at = Math.min(seconds, at + every)) {
            long wait = started + at * 1_000_000_000L - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            boolean last = at == seconds;
            if (last) {
                load.stop = true;
                for (Thread worker : workers) {
                    worker.join();
                }
            }
            heapEnd = usedAfterGc();
            System.out.printf(Locale.ROOT, "t=%ds heap=%.1f MiB refreshes=%d entries=%d failed=%d%n", at,
                    heapEnd / MIB, load.done.get(), storage.size(), load.failed.get());
            if (at >= 60) {
                late.add(new double[] {at / 60.0, heapEnd});
            }
            if (last) {
                break;
            }
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long refreshes = load.done.get();
        double min = late.stream().mapToDouble(s -> s[1]).min().orElse(Double.NaN);
        double max = late.stream().mapToDouble(s -> s[1]).max().orElse(Double.NaN);
        double slope = slope(late);
        double perGrantEnd = (heapEnd - heapStart) / (double) grants;
        System.out.printf(Locale.ROOT, "%d refreshes in %.1f s (%.0f/s, %d threads), %d failed%n", refreshes, elapsed,
                refreshes / elapsed, threads, load.failed.get());
        System.out.printf(Locale.ROOT, "heap from one minute on: %d samples, %.1f to %.1f MiB, slope %.0f bytes "
                + "per minute; per grant at the end: %.0f bytes%n", late.size(), min / MIB, max / MIB, slope,
                perGrantEnd);
        return String.format(Locale.ROOT, "refreshes=%d seconds=%.1f sample_seconds=%d samples=%d heap_end_mib=%.1f "
                        + "bytes_per_grant_end=%.0f heap_min_mib=%.1f heap_max_mib=%.1f slope_bytes_per_min=%.0f",
                refreshes, elapsed, every, late.size(), heapEnd / MIB, perGrantEnd, min / MIB, max / MIB, slope);
    }

    /** The slope of the least-squares line through the points {x, y}; NaN for fewer than two. */
    static double slope(List<double[]> points) {
        int n = points.size();
        double mx = points.stream().mapToDouble(p -> p[0]).sum() / n;
        double my = points.stream().mapToDouble(p -> p[1]).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (double[] p : points) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
        }
        return n < 2 ? Double.NaN : sxy / sxx;
    }

    /** The refresh load: each thread over its own share of the grants, counting what it sent and what failed. */
    private static final class Load {
        final String base;
        final String clientId;
        final String[] tokens;
        final AtomicLong done = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        volatile boolean stop;

        Load(String base, String clientId, String[] tokens) {
            this.base = base;
            this.clientId = clientId;
            this.tokens = tokens;
        }

        /** Starts {@code threads} threads sending {@code count} refreshes between them, or until {@link #stop}. */
        List<Thread> start(int threads, long count) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                long mine = count / threads + (t < count % threads ? 1 : 0);
                Thread worker = new Thread(() -> {
                    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(Duration.ofSeconds(5)).build();
                    int i = first;
                    for (long n = 0; n < mine && !stop; n++) {
                        String next = refresh(http, base, clientId, tokens[i]);
                        if (next == null) {
                            failed.incrementAndGet();
                        } else {
                            tokens[i] = next;
                        }
                        done.incrementAndGet();
                        i += threads;
                        if (i >= tokens.length) {
                            i = first;
                        }
                    }
                }, "refresh-" + t);
                worker.start();
                workers.add(worker);
            }
            return workers;
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

    /**
     * The heap in use after full collections (repeated, since one may leave objects freed only by the next): what
     * the heap's pools held right after the last one, so that what other threads allocate after it, while a load
     * goes on, is not counted.
     */
    static long usedAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            Thread.sleep(100);
            System.gc();
        }
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                used += pool.getCollectionUsage().getUsed();
            }
        }
        return used;
    }
}
