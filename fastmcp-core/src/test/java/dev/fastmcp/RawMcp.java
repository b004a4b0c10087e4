package dev.fastmcp;

import dev.fastmcp.server.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain HTTP to an MCP endpoint, for the edge cases a real client never produces. */
final class RawMcp {

    static final String ACCEPT_BOTH = "application/json, text/event-stream";

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final int port;
    final URI uri;
    String sessionId;

    RawMcp(FastMCP server) {
        this.port = server.port();
        this.uri = URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    HttpRequest.Builder request(String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return b;
    }

    HttpResponse<String> post(String json, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = request("Content-Type", "application/json", "Accept", ACCEPT_BOTH);
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends a request without waiting for its answer (a call that blocks, to be cancelled or released later). */
    java.util.concurrent.CompletableFuture<HttpResponse<String>> callAsync(int id, String method, String paramsJson) {
        return http.sendAsync(request("Content-Type", "application/json", "Accept", ACCEPT_BOTH)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\""
                        + method + "\",\"params\":" + paramsJson + "}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> initialize() throws IOException, InterruptedException {
        HttpResponse<String> r = post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        sessionId = r.headers().firstValue("Mcp-Session-Id").orElse(null);
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return r;
    }

    HttpResponse<String> call(int id, String method, String paramsJson) throws IOException, InterruptedException {
        return post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}",
                "MCP-Protocol-Version", "2025-11-25");
    }

    /** The JSON payloads of the SSE events in {@code body}, in order (empty priming events skipped). */
    static List<Map<String, Object>> events(String body) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            for (String line : block.split("\n")) {
                if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                    out.add(Json.parseObject(line.substring(5).trim(), "event"));
                }
            }
        }
        return out;
    }

    /** The ids of the SSE events in {@code body}, in order. */
    static List<String> eventIds(String body) {
        List<String> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("id:")) {
                out.add(line.substring(3).trim());
            }
        }
        return out;
    }

    /** Sends raw bytes on a socket (for headers the JDK client refuses to set) and returns the status line. */
    String rawStatusLine(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n') {
                line.append((char) c);
            }
            return line.toString().trim();
        }
    }
}
