package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The GET listening stream, resumption, cancellation, and streams that must not hold threads. */
@Timeout(120)
class SseStreamsTest {

    private final CountDownLatch slowStarted = new CountDownLatch(1);
    private final CountDownLatch slowStopped = new CountDownLatch(1);
    private final AtomicBoolean sawCancellation = new AtomicBoolean();
    private FastMCP server;
    private RawMcp mcp;

    @BeforeEach
    void start() {
        server = FastMCP.builder("sse-test", "1.0.0")
                .addTool(Tool.builder("quiet").description("Answers at once").execute((a, ctx) -> "hi").build())
                .addTool(Tool.builder("slow").description("Runs until cancelled").execute((a, ctx) -> {
                    slowStarted.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        sawCancellation.set(ctx.isCancelled());
                        Thread.currentThread().interrupt();
                    } finally {
                        slowStopped.countDown();
                    }
                    return "finished";
                }).build())
                .build()
                .start(StartOptions.http().port(0));
        mcp = new RawMcp(server);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<InputStream> openGet(String lastEventId) throws Exception {
        HttpRequest.Builder b = mcp.request("Accept", "text/event-stream", "MCP-Protocol-Version", "2025-11-25");
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        return mcp.http.sendAsync(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream()).get(5, TimeUnit.SECONDS);
    }

    /** Reads SSE lines until an event with non-empty data arrives; returns its id and data. */
    private static String[] nextEvent(BufferedReader reader) throws Exception {
        String id = null;
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("id:")) {
                id = line.substring(3).trim();
            } else if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                return new String[] {id, line.substring(5).trim()};
            }
        }
        throw new AssertionError("stream ended");
    }

    @Test
    void listeningStreamSendsHeadersAtOnceAndCarriesListChanged() throws Exception {
        mcp.initialize();
        HttpResponse<InputStream> get = openGet(null); // returns only once the headers arrived
        assertEquals(200, get.statusCode());
        assertTrue(get.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        BufferedReader reader = new BufferedReader(new InputStreamReader(get.body(), StandardCharsets.UTF_8));
        server.addTool(Tool.builder("late").description("Added later").execute((a, ctx) -> "late").build());
        String[] event = nextEvent(reader);
        assertTrue(event[1].contains("notifications/tools/list_changed"), event[1]);
        get.body().close();
    }

    @Test
    void aReconnectingClientGetsWhatItMissedWithLastEventId() throws Exception {
        mcp.initialize();
        HttpResponse<InputStream> first = openGet(null);
        BufferedReader reader = new BufferedReader(new InputStreamReader(first.body(), StandardCharsets.UTF_8));
        server.addTool(Tool.builder("one").description("1").execute((a, ctx) -> "1").build());
        String[] seen = nextEvent(reader);
        first.body().close();
        Thread.sleep(200);
        server.addPrompt(Prompt.builder("two").description("2").render((a, ctx) -> "2").build());
        HttpResponse<InputStream> resumed = openGet(seen[0]);
        BufferedReader again = new BufferedReader(new InputStreamReader(resumed.body(), StandardCharsets.UTF_8));
        String[] missed = nextEvent(again);
        assertTrue(missed[1].contains("notifications/prompts/list_changed"), missed[1]);
        assertFalse(missed[1].contains("tools/list_changed"), "only what followed the last event is replayed");
        resumed.body().close();
    }

    @Test
    void cancellationStopsTheToolAndNoResultIsSent() throws Exception {
        mcp.initialize();
        CompletableFuture<HttpResponse<String>> call = mcp.callAsync(42, "tools/call", "{\"name\":\"slow\",\"arguments\":{}}");
        assertTrue(slowStarted.await(10, TimeUnit.SECONDS));
        HttpResponse<String> cancel = mcp.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\","
                + "\"params\":{\"requestId\":42,\"reason\":\"user\"}}");
        assertEquals(202, cancel.statusCode());
        assertTrue(slowStopped.await(10, TimeUnit.SECONDS), "the tool thread is interrupted");
        assertTrue(sawCancellation.get(), "ctx.isCancelled() reports the cancellation");
        HttpResponse<String> response = call.get(10, TimeUnit.SECONDS);
        assertFalse(response.body().contains("\"result\""), "no result for a cancelled request: " + response.body());
        assertFalse(response.body().contains("finished"));
    }

    @Test
    void twoHundredOpenStreamsHoldNoThreads() throws Exception {
        List<HttpResponse<InputStream>> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                RawMcp client = new RawMcp(server);
                client.initialize();
                HttpResponse<InputStream> get = client.http.sendAsync(client.request("Accept", "text/event-stream")
                        .GET().build(), HttpResponse.BodyHandlers.ofInputStream()).get(5, TimeUnit.SECONDS);
                assertEquals(200, get.statusCode());
                streams.add(get);
            }
            long t0 = System.nanoTime();
            HttpResponse<String> health = mcp.http.send(HttpRequest.newBuilder(mcp.uri.resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            mcp.initialize();
            HttpResponse<String> call = mcp.call(1, "tools/call", "{\"name\":\"quiet\",\"arguments\":{}}");
            assertEquals(200, call.statusCode());
            assertTrue(call.body().contains("\"hi\""));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(millis < 5_000, "health and a tool call answer promptly with 200 streams open: " + millis + " ms");
        } finally {
            for (HttpResponse<InputStream> s : streams) {
                s.body().close();
            }
        }
    }

    @Test
    void aGetWithoutSseInAcceptGets406() throws Exception {
        mcp.initialize();
        HttpResponse<String> r = mcp.http.send(mcp.request("Accept", "application/json").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(406, r.statusCode());
        assertNotNull(r.body());
    }
}
