package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where a request of MCP 2026-07-28 is authenticated, read and run when the server authenticates: a call of user
 * code is authenticated on the tool executor and runs there on the same thread (one hand-off from the I/O thread);
 * everything else is authenticated on Undertow's workers, so a full tool executor never holds up lists, and never
 * turns a refused token into "Server busy".
 */
@Timeout(30)
class ModernUserCodeThreadsTest {

    private final CountDownLatch blockerStarted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    /** The thread the authenticate hook last ran on. */
    private final AtomicReference<String> hookThread = new AtomicReference<>();
    private FastMCP server;
    private ExecutorService pool;

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.stop();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private FastMCP start(ExecutorService executor) {
        pool = executor;
        server = FastMCP.builder("threads", "1")
                .authenticate(request -> {
                    hookThread.set(Thread.currentThread().getName());
                    return "Bearer good".equals(request.header("authorization"))
                            ? AuthSession.of("alice", "cli", List.of(), Map.of(), null) : null;
                })
                .addTool(Tool.builder("where").execute((a, ctx) -> Thread.currentThread().getName()).build())
                .addTool(Tool.builder("block").execute((a, ctx) -> {
                    blockerStarted.countDown();
                    return release.await(20, TimeUnit.SECONDS) ? "released" : "timed out";
                }).build())
                .execution(e -> e.toolExecutor(executor))
                .build().start(StartOptions.http().port(0));
        return server;
    }

    private static String text(HttpResponse<String> response) {
        Object content = RawModern.result(response).get("content");
        return String.valueOf(((Map<?, ?>) ((List<?>) content).get(0)).get("text"));
    }

    @Test
    void aCallIsAuthenticatedAndRunOnOneToolThread() throws Exception {
        RawModern mcp = new RawModern(start(java.util.concurrent.Executors.newFixedThreadPool(2,
                r -> new Thread(r, "custom-tools"))));
        HttpResponse<String> r = mcp.call(1, "tools/call", "{\"name\":\"where\",\"arguments\":{}}",
                "Authorization", "Bearer good");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("custom-tools", text(r));
        assertEquals("custom-tools", hookThread.get(), "authenticated where it then ran, not on a worker first");

        HttpResponse<String> listed = mcp.call(2, "tools/list", "{}", "Authorization", "Bearer good");
        assertEquals(200, listed.statusCode(), listed.body());
        assertFalse(hookThread.get().equals("custom-tools"), "a list runs no user code: authenticated on a worker, "
                + "not on " + hookThread.get());
    }

    @Test
    void aCallWhoseBodyComesAfterItsHeadersIsStillAuthenticatedFirstAndRunOnTheToolExecutor() throws Exception {
        FastMCP server = start(java.util.concurrent.Executors.newFixedThreadPool(2,
                r -> new Thread(r, "custom-tools")));
        String body = RawModern.body(5, "tools/call", "{\"name\":\"where\",\"arguments\":{}}");
        try (RawHttp raw = new RawHttp(server.port())) {
            raw.send(RawHttp.head("POST /mcp HTTP/1.1", server.port(), "Content-Type: application/json",
                    "Accept: application/json, text/event-stream", "MCP-Protocol-Version: 2026-07-28",
                    "Mcp-Method: tools/call", "Mcp-Name: where", "Authorization: Bearer good",
                    "Content-Length: " + body.length()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (hookThread.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("custom-tools", hookThread.get(), "authenticated before the body came");
            Thread.sleep(50); // the body now arrives after the edge has looked for it
            raw.send(body);
            RawHttp.Response r = raw.response();
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("\"id\":5") && r.body().contains("custom-tools"), r.body());
        }
    }

    @Test
    void aFullToolExecutorStillAuthenticatesFirstAndListsStillAnswer() throws Exception {
        RawModern mcp = new RawModern(start(new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
                new SynchronousQueue<>())));
        CompletableFuture<HttpResponse<String>> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return mcp.call(1, "tools/call", "{\"name\":\"block\",\"arguments\":{}}", "Authorization",
                        "Bearer good");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(blockerStarted.await(10, TimeUnit.SECONDS));

        HttpResponse<String> refused = mcp.call(2, "tools/call", "{\"name\":\"where\",\"arguments\":{}}",
                "Authorization", "Bearer stolen");
        assertEquals(401, refused.statusCode(), "a refused token is told so, not that the server is busy: "
                + refused.body());
        HttpResponse<String> busy = mcp.call(3, "tools/call", "{\"name\":\"where\",\"arguments\":{}}",
                "Authorization", "Bearer good");
        assertEquals(200, busy.statusCode(), busy.body());
        assertTrue(String.valueOf(RawModern.error(busy).get("message")).contains("Server busy"), busy.body());
        HttpResponse<String> listed = mcp.call(4, "tools/list", "{}", "Authorization", "Bearer good");
        assertEquals(200, listed.statusCode(), listed.body());
        assertTrue(listed.body().contains("\"where\""), listed.body());

        release.countDown();
        assertEquals("released", text(blocked.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void anExecutorThatRunsTasksOnTheCallerNeverAuthenticatesOrRunsOnAnIoThread() throws Exception {
        RawModern mcp = new RawModern(start(new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES,
                new SynchronousQueue<>(), r -> new Thread(r, "the-tool-thread"),
                new ThreadPoolExecutor.CallerRunsPolicy())));
        CompletableFuture<HttpResponse<String>> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return mcp.call(1, "tools/call", "{\"name\":\"block\",\"arguments\":{}}", "Authorization",
                        "Bearer good");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(blockerStarted.await(10, TimeUnit.SECONDS));
        HttpResponse<String> r = mcp.call(2, "tools/call", "{\"name\":\"where\",\"arguments\":{}}",
                "Authorization", "Bearer good");
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(text(r).contains("I/O"), "ran on " + text(r));
        assertFalse(hookThread.get().contains("I/O"), "authenticated on " + hookThread.get());
        release.countDown();
        assertEquals("released", text(blocked.get(10, TimeUnit.SECONDS)));
    }
}
