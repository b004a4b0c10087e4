package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
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
        try (FastMCP server = base().sessionIdleTimeout(Duration.ofSeconds(1)).build()
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
        try (FastMCP server = base().maxSessions(2).build().start(StartOptions.http().port(0))) {
            assertEquals(200, new RawMcp(server).initialize().statusCode());
            assertEquals(200, new RawMcp(server).initialize().statusCode());
            HttpResponse<String> third = new RawMcp(server).initialize();
            assertEquals(503, third.statusCode());
            assertTrue(third.body().contains("too many open sessions"), third.body());
        }
    }

    @Test
    void corsCanBeTurnedOff() throws Exception {
        try (FastMCP server = base().cors(false).build().start(StartOptions.http().port(0))) {
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
        mcp.initialize();
        server.stop();
        assertFalse(server.isRunning());
        try (java.net.ServerSocket reuse = new java.net.ServerSocket(mcp.port, 50,
                java.net.InetAddress.getByName("127.0.0.1"))) {
            assertEquals(mcp.port, reuse.getLocalPort());
        }
        server.close();
    }
}
