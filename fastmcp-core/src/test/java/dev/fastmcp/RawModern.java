package dev.fastmcp;

import dev.fastmcp.server.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plain HTTP requests of MCP 2026-07-28, as its clients send them: the version in the header and in {@code _meta},
 * with the client's capabilities, and the routing headers ({@code Mcp-Method}, {@code Mcp-Name}) taken from the
 * body. Each piece can be left out or replaced, for the refusals.
 */
final class RawModern {

    static final String VERSION = "2026-07-28";
    static final String META = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + VERSION + "\","
            + "\"io.modelcontextprotocol/clientCapabilities\":{},"
            + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}";

    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    final URI uri;

    RawModern(FastMCP server) {
        this.uri = URI.create("http://127.0.0.1:" + server.port() + "/mcp");
    }

    /** A request body: {@code params} (a JSON object, without braces' content limits) with the default meta added. */
    static String body(Object id, String method, String paramsWithoutMeta) {
        String params = paramsWithoutMeta.strip();
        String inner = params.substring(1, params.length() - 1).strip();
        return "{\"jsonrpc\":\"2.0\",\"id\":" + Json.string(id) + ",\"method\":\"" + method + "\",\"params\":{"
                + inner + (inner.isEmpty() ? "" : ",") + META + "}}";
    }

    /** The headers a 2026-07-28 client sends with {@code body}, taken from it. */
    static Map<String, String> headersFor(String body) {
        Map<String, Object> message = Json.parseObject(body, "request");
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("MCP-Protocol-Version", VERSION);
        headers.put("Mcp-Method", String.valueOf(message.get("method")));
        if (message.get("params") instanceof Map<?, ?> params) {
            Object name = "resources/read".equals(message.get("method")) ? params.get("uri") : params.get("name");
            if (name instanceof String n && List.of("tools/call", "prompts/get", "resources/read")
                    .contains(message.get("method"))) {
                headers.put("Mcp-Name", n);
            }
        }
        return headers;
    }

    /** Sends {@code method} with {@code params} and the default meta and headers. */
    HttpResponse<String> call(Object id, String method, String params, String... headers)
            throws IOException, InterruptedException {
        return post(body(id, method, params), headers);
    }

    /** Sends {@code body} with the headers taken from it, then {@code headers} (a null value removes one). */
    HttpResponse<String> post(String body, String... headers) throws IOException, InterruptedException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Content-Type", "application/json");
        all.put("Accept", "application/json, text/event-stream");
        try {
            all.putAll(headersFor(body));
        } catch (IllegalArgumentException notJson) {
            all.put("MCP-Protocol-Version", VERSION);
        }
        for (int i = 0; i < headers.length; i += 2) {
            String name = headers[i];
            all.keySet().removeIf(k -> k.equalsIgnoreCase(name));
            if (headers[i + 1] != null) {
                all.put(name, headers[i + 1]);
            }
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        all.forEach(b::header);
        return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON body of a response. */
    static Map<String, Object> json(HttpResponse<String> response) {
        return Json.parseObject(response.body(), "response");
    }

    /** The result of a JSON response. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> result(HttpResponse<String> response) {
        Object result = json(response).get("result");
        if (!(result instanceof Map)) {
            throw new AssertionError("no result: " + response.body());
        }
        return (Map<String, Object>) result;
    }

    /** The error of a JSON response. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> error(HttpResponse<String> response) {
        Object error = json(response).get("error");
        if (!(error instanceof Map)) {
            throw new AssertionError("no error: " + response.body());
        }
        return (Map<String, Object>) error;
    }

    /** The messages of an SSE body, each a single {@code data:} line of JSON. */
    static List<Map<String, Object>> frames(String body) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data:")) {
                out.add(Json.parseObject(line.substring(5).strip(), "frame"));
            }
        }
        return out;
    }
}
