package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Where user code runs: a request that runs user code is handled on the tool executor from the start (one thread
 * hand-off), everything else on Undertow's workers, so the tool executor being full or busy never stops pings,
 * lists, or the answers a waiting tool needs.
 */
@Timeout(30)
class UserCodeThreadsTest {

    private final CountDownLatch blockerStarted = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private FastMCP server;
    private McpSyncClient client;
    private ExecutorService pool;

    @AfterEach
    void stop() {
        release.countDown();
        if (client != null) {
            client.closeGracefully();
        }
        if (server != null) {
            server.stop();
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private FastMCP.Builder builder() {
        return FastMCP.builder("threads", "1")
                .addTool(Tool.builder("where").execute((a, ctx) -> Thread.currentThread().getName()).build())
                .addTool(Tool.builder("interrupted").execute((a, ctx) -> "interrupted=" + Thread.currentThread().isInterrupted())
                        .build())
                .addTool(Tool.builder("block").execute((a, ctx) -> {
                    blockerStarted.countDown();
                    return release.await(20, TimeUnit.SECONDS) ? "released" : "timed out";
                }).build())
                .addTool(Tool.builder("ask").execute((a, ctx) -> ctx.elicit("Name?", Map.of("type", "object",
                        "properties", Map.of("name", Map.of("type", "string")))).content().get("name")).build())
                .addTool(Tool.builder("spin").execute((a, ctx) -> { // stops when cancelled, ignores the interrupt
                    blockerStarted.countDown();
                    while (!ctx.isCancelled()) {
                        Thread.onSpinWait();
                    }
                    return "stopped";
                }).build())
                .addTool(Tool.builder("timed").timeout(Duration.ofSeconds(5)).execute((a, ctx) -> "in time").build())
                .addResource(Resource.builder("where://resource", "where").read(ctx -> Thread.currentThread().getName())
                        .build())
                .addPrompt(Prompt.builder("where").render((a, ctx) -> Thread.currentThread().getName()).build());
    }

    private static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @Test
    void toolsResourcesAndPromptsRunOnTheConfiguredToolExecutor() {
        pool = java.util.concurrent.Executors.newFixedThreadPool(2, r -> new Thread(r, "custom-tools"));
        server = builder().execution(e -> e.toolExecutor(pool)).build().start(StartOptions.http().port(0));
        client = TestClients.connect(server);
        assertEquals("custom-tools", text(client.callTool(new McpSchema.CallToolRequest("where", Map.of()))));
        McpSchema.ReadResourceResult read = client.readResource(new McpSchema.ReadResourceRequest("where://resource"));
        assertEquals("custom-tools", ((McpSchema.TextResourceContents) read.contents().get(0)).text());
        McpSchema.GetPromptResult prompt = client.getPrompt(new McpSchema.GetPromptRequest("where", Map.of()));
        assertEquals("custom-tools", ((McpSchema.TextContent) prompt.messages().get(0).content()).text());
    }

    @Test
    void pingAndListsAnswerWhileEveryToolThreadIsBusy() throws Exception {
        server = builder().execution(e -> e.toolThreads(1)).build().start(StartOptions.http().port(0));
        client = TestClients.connect(server);
        CompletableFuture<McpSchema.CallToolResult> blocked = CompletableFuture.supplyAsync(
                () -> client.callTool(new McpSchema.CallToolRequest("block", Map.of())));
        assertTrue(blockerStarted.await(10, TimeUnit.SECONDS));
        client.ping();
        assertEquals(7, client.listTools().tools().size() + client.listPrompts().prompts().size());
        release.countDown();
        assertEquals("released", text(blocked.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void aCallBeyondAFullToolExecutorGetsServerBusyAndLaterCallsWork() throws Exception {
        pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new SynchronousQueue<>());
        server = builder().execution(e -> e.toolExecutor(pool)).build().start(StartOptions.http().port(0));
        RawMcp mcp = new RawMcp(server);
        mcp.initialize();
        CompletableFuture<HttpResponse<String>> blocked = mcp.callAsync(1, "tools/call", "{\"name\":\"block\",\"arguments\":{}}");
        assertTrue(blockerStarted.await(10, TimeUnit.SECONDS));

        HttpResponse<String> refused = mcp.call(2, "tools/call", "{\"name\":\"where\",\"arguments\":{}}");
        assertEquals(200, refused.statusCode(), refused.body());
        Map<String, Object> body = Json.parseObject(refused.body(), "reply");
        assertEquals(2, ((Number) body.get("id")).intValue());
        assertTrue(String.valueOf(body.get("error")).contains("Server busy"), refused.body());
        assertEquals(200, mcp.call(3, "ping", "{}").statusCode(), "requests without user code still answer");

        release.countDown();
        assertTrue(blocked.get(10, TimeUnit.SECONDS).body().contains("released"));
        HttpResponse<String> after = mcp.call(4, "tools/call", "{\"name\":\"where\",\"arguments\":{}}");
        assertEquals(200, after.statusCode());
        assertTrue(after.body().contains("\"result\""), after.body());
    }

    @Test
    void aFullToolExecutorStillAuthenticatesFirstAndTokenlessCallsNeverQueue() throws Exception {
        pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new SynchronousQueue<>());
        AuthProvider provider = new AuthProvider() {
            @Override
            public TokenVerifier tokenVerifier() {
                return token -> token.equals("good") ? TokenVerification.valid(new DefaultAuthSession("alice", "c",
                        java.util.Set.of(), Map.of(), null)) : TokenVerification.invalid("unknown token");
            }

            @Override
            public java.util.List<String> authorizationServers() {
                return java.util.List.of("https://auth.example.com");
            }
        };
        server = builder().execution(e -> e.toolExecutor(pool)).auth(provider).build().start(StartOptions.http().port(0));
        RawMcp mcp = new RawMcp(server);
        HttpResponse<String> init = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
                "Authorization", "Bearer good");
        mcp.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        CompletableFuture<HttpResponse<String>> blocked = mcp.http.sendAsync(mcp.request("Content-Type",
                "application/json", "Accept", RawMcp.ACCEPT_BOTH, "Authorization", "Bearer good")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,"
                        + "\"method\":\"tools/call\",\"params\":{\"name\":\"block\",\"arguments\":{}}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(blockerStarted.await(10, TimeUnit.SECONDS));

        HttpResponse<String> anonymous = mcp.call(2, "tools/call", "{\"name\":\"where\",\"arguments\":{}}");
        assertEquals(401, anonymous.statusCode(), "refused by the HTTP workers, not queued: " + anonymous.body());
        HttpResponse<String> expired = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"where\",\"arguments\":{}}}", "Authorization", "Bearer expired");
        assertEquals(401, expired.statusCode(), "a refused token is told so, not that the server is busy");
        HttpResponse<String> authenticated = mcp.post("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\","
                + "\"params\":{\"name\":\"where\",\"arguments\":{}}}", "Authorization", "Bearer good");
        assertTrue(authenticated.body().contains("Server busy"), "the one tool thread is busy: "
                + authenticated.body());

        release.countDown();
        assertTrue(blocked.get(10, TimeUnit.SECONDS).body().contains("released"));
    }

    @Test
    void aToolWithATimeoutRunsOnAPoolWithoutAQueue() {
        pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new SynchronousQueue<>());
        server = builder().execution(e -> e.toolExecutor(pool)).build().start(StartOptions.http().port(0));
        client = TestClients.connect(server);
        // The call and the timer race, so the call needs a thread of its own; the request is not held on one.
        assertEquals("in time", text(client.callTool(new McpSchema.CallToolRequest("timed", Map.of()))));
    }

    @Test
    void anExecutorThatRunsTasksOnTheCallerNeverRunsToolsOnAnIoThread() throws Exception {
        pool = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new SynchronousQueue<>(),
                r -> new Thread(r, "the-tool-thread"), new ThreadPoolExecutor.CallerRunsPolicy());
        server = builder().execution(e -> e.toolExecutor(pool)).build().start(StartOptions.http().port(0));
        client = TestClients.connect(server);
        CompletableFuture<McpSchema.CallToolResult> blocked = CompletableFuture.supplyAsync(
                () -> client.callTool(new McpSchema.CallToolRequest("block", Map.of())));
        assertTrue(blockerStarted.await(10, TimeUnit.SECONDS));
        String where = text(client.callTool(new McpSchema.CallToolRequest("where", Map.of())));
        assertFalse(where.contains("I/O"), "ran on " + where);
        release.countDown();
        assertEquals("released", text(blocked.get(10, TimeUnit.SECONDS)));
    }

    @Test
    void elicitationCompletesWhenTheOnlyToolThreadWaitsForTheAnswer() {
        server = builder().execution(e -> e.toolThreads(1)).build().start(StartOptions.http().port(0));
        client = TestClients.connect(server, spec -> spec
                .capabilities(McpSchema.ClientCapabilities.builder().elicitation().build())
                .elicitation(request -> new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT,
                        Map.of("name", "Ada"))));
        assertEquals("Ada", text(client.callTool(new McpSchema.CallToolRequest("ask", Map.of()))));
    }

    @Test
    void aCancelledCallLeavesItsToolThreadWithoutTheInterrupt() throws Exception {
        // ThreadPoolExecutor clears interrupts between tasks by itself; this one-thread executor does not, so a
        // cancellation's interrupt that outlived its call would show in the next one.
        pool = new NonClearingExecutor();
        server = builder().execution(e -> e.toolExecutor(pool)).build().start(StartOptions.http().port(0));
        RawMcp mcp = new RawMcp(server);
        mcp.initialize();
        CompletableFuture<HttpResponse<String>> call = mcp.callAsync(7, "tools/call", "{\"name\":\"spin\",\"arguments\":{}}");
        assertTrue(blockerStarted.await(10, TimeUnit.SECONDS));
        assertEquals(202, mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":7}}").statusCode());
        assertFalse(call.get(10, TimeUnit.SECONDS).body().contains("\"result\""));
        for (int i = 0; i < 3; i++) { // the same single thread serves each of these
            HttpResponse<String> r = mcp.call(10 + i, "tools/call", "{\"name\":\"interrupted\",\"arguments\":{}}");
            assertTrue(r.body().contains("interrupted=false"), r.body());
        }
    }

    /** One thread running tasks in order, without touching its interrupt status between them. */
    private static final class NonClearingExecutor extends java.util.concurrent.AbstractExecutorService {
        private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> tasks =
                new java.util.concurrent.ConcurrentLinkedQueue<>();
        private volatile boolean shutdown;
        private final Thread thread = new Thread(this::loop, "non-clearing-tool-thread");

        NonClearingExecutor() {
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (!shutdown) {
                Runnable task = tasks.poll();
                if (task == null) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // leaves the interrupt status as is
                } else {
                    try {
                        task.run();
                    } catch (RuntimeException ignored) {
                        // a task's failure is the task's business
                    }
                }
            }
        }

        @Override
        public void execute(Runnable command) {
            tasks.add(command);
        }

        @Override
        public void shutdown() {
            shutdown = true;
        }

        @Override
        public java.util.List<Runnable> shutdownNow() {
            shutdown = true;
            return java.util.List.of();
        }

        @Override
        public boolean isShutdown() {
            return shutdown;
        }

        @Override
        public boolean isTerminated() {
            return shutdown && !thread.isAlive();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            thread.join(unit.toMillis(timeout));
            return !thread.isAlive();
        }
    }
}
