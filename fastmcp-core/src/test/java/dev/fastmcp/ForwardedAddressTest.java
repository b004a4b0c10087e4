package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client address and host a request is taken for, behind a reverse proxy or not. */
@Timeout(60)
class ForwardedAddressTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static FastMCP server(boolean trust) {
        FastMCP.Builder b = FastMCP.builder("forwarded", "1.0.0").http(h -> h.allowedHosts("mcp.example.com"))
                .addRoute("GET", "/ip", req -> ServerResponse.text(200, req.remoteAddress()));
        if (trust) {
            b.trustForwardedHeaders();
        }
        return b.build().start(StartOptions.http().port(0));
    }

    /** The status of a request whose proxy says the client asked for {@code forwardedHost}. */
    private int status(FastMCP server, String forwardedHost) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ip"))
                .timeout(Duration.ofSeconds(10));
        if (forwardedHost != null) {
            r.header("X-Forwarded-Host", forwardedHost);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private String ip(FastMCP server, String forwardedFor) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ip"))
                .timeout(Duration.ofSeconds(10));
        if (forwardedFor != null) {
            r.header("X-Forwarded-For", forwardedFor);
        }
        HttpResponse<String> response = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    @Test
    void forwardedForIsIgnoredUnlessTrusted() throws Exception {
        try (FastMCP server = server(false)) {
            assertEquals("127.0.0.1", ip(server, "203.0.113.9"));
        }
    }

    @Test
    void spoofedForwardedForEntriesCannotChooseTheAddress() throws Exception {
        try (FastMCP server = server(true)) {
            // the client sent "198.51.100.1"; the proxy appended the address it saw
            assertEquals("203.0.113.9", ip(server, "198.51.100.1, 203.0.113.9"));
            assertEquals("203.0.113.9", ip(server, "203.0.113.9"));
            assertEquals("127.0.0.1", ip(server, null));
        }
    }

    @Test
    void spoofedForwardedHostEntriesCannotChooseTheHost() throws Exception {
        try (FastMCP server = server(true)) {
            // the client sent "mcp.example.com"; the proxy appended the host the client really asked for
            assertEquals(403, status(server, "mcp.example.com, evil.example.com"));
            assertEquals(200, status(server, "evil.example.com, mcp.example.com"));
            assertEquals(200, status(server, "mcp.example.com"));
            assertEquals(403, status(server, "evil.example.com"));
        }
    }

    @Test
    void forwardedHostIsIgnoredUnlessTrusted() throws Exception {
        try (FastMCP server = server(false)) {
            assertEquals(200, status(server, "evil.example.com")); // Host is 127.0.0.1, a loopback server's own
        }
    }
}
