package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Idle sessions expire, the number of sessions is capped, and CORS can be turned off. */
@Timeout(60)
class SessionLimitsTest {

    private static FastMCP.Builder base() {
        return FastMCP.builder("limits", "1.0.0")
                .addTool(Tool.builder("t").description("t").execute((a, c) -> "t").build());
    }

    @Test
    void anIdleSessionExpires() throws Exception {
        try (FastMCP server = base().sessions(s -> s.idleTimeout(Duration.ofSeconds(1))).build()
                .start(StartOptions.http().port(0))) {
            RawMcp mcp = new RawMcp(server);
            mcp.initialize();
            assertEquals(200, mcp.call(1, "ping", "{}").statusCode());
            // The idle timeout itself is what is tested: let it pass without touching the session.
            Thread.sleep(1500);
            assertEquals(404, mcp.call(2, "ping", "{}").statusCode(), "the expired session is gone");
        }
    }

    @Test
    void initializeBeyondTheCapGets503() throws Exception {
        try (FastMCP server = base().sessions(s -> s.max(2)).build().start(StartOptions.http().port(0))) {
            assertEquals(200, new RawMcp(server).initialize().statusCode());
            assertEquals(200, new RawMcp(server).initialize().statusCode());
            HttpResponse<String> third = new RawMcp(server).initialize();
            assertEquals(503, third.statusCode());
            assertTrue(third.body().contains("too many open sessions"), third.body());
        }
    }

    @Test
    void corsCanBeTurnedOff() throws Exception {
        try (FastMCP server = base().http(h -> h.cors(false)).build().start(StartOptions.http().port(0))) {
            HttpResponse<String> r = new RawMcp(server).post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
                    + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"x\","
                    + "\"version\":\"1\"}}}", "Origin", "http://localhost:1234");
            assertEquals(200, r.statusCode());
            assertFalse(r.headers().firstValue("Access-Control-Allow-Origin").isPresent());
        }
    }

    @Test
    void stopReleasesThePortAndEndsSessions() throws Exception {
        FastMCP server = base().build().start(StartOptions.http().port(0));
        RawMcp mcp = new RawMcp(server);
        assertEquals(200, mcp.initialize().statusCode());
        HttpResponse<InputStream> listening = mcp.http.sendAsync(mcp.request("Accept", "text/event-stream",
                "MCP-Protocol-Version", "2025-11-25").GET().build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(10, TimeUnit.SECONDS);
        assertEquals(200, listening.statusCode(), "the session's listening stream is open");
        BufferedReader stream = new BufferedReader(new InputStreamReader(listening.body(), StandardCharsets.UTF_8));
        String opened = stream.readLine();
        for (int i = 0; i < 5 && opened != null && !opened.equals(": open"); i++) {
            opened = stream.readLine(); // the priming event comes first
        }
        assertEquals(": open", opened, "the stream is attached to the session");
        // Read to the end on another thread, so that a stream left open fails in bounded time; a connection cut
        // instead of ended (the session never closed) is an IOException.
        CompletableFuture<List<String>> rest = CompletableFuture.supplyAsync(() -> {
            List<String> lines = new ArrayList<>();
            try {
                for (String line = stream.readLine(); line != null; line = stream.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return lines;
        });

        server.stop();
        assertFalse(server.isRunning());
        List<String> tail = rest.get(10, TimeUnit.SECONDS);
        assertTrue(tail.stream().allMatch(l -> l.isEmpty() || l.startsWith(":")),
                "the stream ends without an event: " + tail);

        try (FastMCP next = base().build().start(StartOptions.http().port(mcp.port))) {
            assertEquals(mcp.port, next.port(), "the port is free again");
            assertEquals(404, mcp.call(1, "ping", "{}").statusCode(),
                    "the session did not outlive its server: " + mcp.sessionId);
        }
        server.close();
    }
}
