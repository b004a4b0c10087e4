package dev.fastmcp.ci.modern;

import static dev.fastmcp.ci.modern.Checks.require;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code tools/call} of MCP 2026-07-28 over plain {@code java.net.http}, for what the SDK client does not send: a
 * {@code requestState} of the test's choosing (altered, or another caller's). The shape is the SDK's: the
 * {@code MCP-Protocol-Version}, {@code Mcp-Method} and {@code Mcp-Name} headers, and the protocol version, client
 * capabilities and client info in the params' {@code _meta}.
 */
final class RawModern {

    /** A reply: the HTTP status, the raw body, and the JSON-RPC response in it. */
    record Reply(int status, String body, Map<String, Object> message) {

        /** The JSON-RPC result; fails when there is none. */
        @SuppressWarnings("unchecked")
        Map<String, Object> result() {
            require(message.get("result") instanceof Map, "not a result: HTTP " + status + " " + body);
            return (Map<String, Object>) message.get("result");
        }

        /** The JSON-RPC error; fails when there is none. */
        @SuppressWarnings("unchecked")
        Map<String, Object> error() {
            require(message.get("error") instanceof Map, "not an error: HTTP " + status + " " + body);
            return (Map<String, Object>) message.get("error");
        }
    }

    private static final McpJsonMapper JSON = McpJsonDefaults.getMapper();
    private static final TypeRef<Map<String, Object>> OBJECT = new TypeRef<>() {
    };

    private final HttpClient http;
    private final URI endpoint;
    private final String version;
    private final AtomicInteger ids = new AtomicInteger(1000);

    RawModern(HttpClient http, URI endpoint, String version) {
        this.http = http;
        this.endpoint = endpoint;
        this.version = version;
    }

    /**
     * Calls {@code tool} as a client with form elicitation; {@code inputResponses} and {@code requestState} are
     * left out when null.
     */
    Reply callTool(String token, String tool, Map<String, Object> inputResponses, String requestState)
            throws IOException, InterruptedException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("name", tool);
        params.put("arguments", Map.of());
        if (inputResponses != null) {
            params.put("inputResponses", inputResponses);
        }
        if (requestState != null) {
            params.put("requestState", requestState);
        }
        params.put("_meta", Map.of(
                "io.modelcontextprotocol/protocolVersion", version,
                "io.modelcontextprotocol/clientCapabilities", Map.of("elicitation", Map.of("form", Map.of())),
                "io.modelcontextprotocol/clientInfo", Map.of("name", "java-modern-client-raw", "version", "1")));
        int id = ids.incrementAndGet();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", id);
        request.put("method", "tools/call");
        request.put("params", params);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token)
                .header("MCP-Protocol-Version", version)
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", tool)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request))).build(),
                HttpResponse.BodyHandlers.ofString());
        String type = response.headers().firstValue("Content-Type").orElse("");
        String body = response.body();
        Map<String, Object> message = type.startsWith("text/event-stream") ? lastResponse(body, id)
                : type.startsWith("application/json") ? JSON.readValue(body, OBJECT) : Map.of();
        return new Reply(response.statusCode(), body, message);
    }

    /** The JSON-RPC response with {@code id} among the events of a stream (progress and logs come before it). */
    private static Map<String, Object> lastResponse(String stream, int id) throws IOException {
        for (String event : stream.split("\r?\n\r?\n")) {
            StringBuilder data = new StringBuilder();
            for (String line : event.split("\r?\n")) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5)).append('\n');
                }
            }
            if (data.length() > 0) {
                Map<String, Object> message = JSON.readValue(data.toString(), OBJECT);
                if (message.get("id") instanceof Number n && n.intValue() == id) {
                    return message;
                }
            }
        }
        return Map.of();
    }
}
