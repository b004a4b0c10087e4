package dev.fastmcp.auth.testing;

import dev.fastmcp.FastMCP;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/** Plain HTTP to a protected MCP endpoint: every request carries the token it is given (or none). */
public final class McpHttp {

    public static final String ACCEPT_BOTH = "application/json, text/event-stream";
    public static final String PROTOCOL_VERSION = "2025-11-25";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)=\"([^\"]*)\"");

    public final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    public final URI endpoint;
    public String sessionId;

    public McpHttp(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** The server's MCP endpoint, reached on loopback whatever its public base URL says. */
    public static McpHttp to(FastMCP server) {
        return new McpHttp(local(server, URI.create(server.url()).getRawPath()));
    }

    /** A path of the server, reached on loopback. */
    public static URI local(FastMCP server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public static String initializeJson(Object id) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + PROTOCOL_VERSION + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}";
    }

    private HttpRequest.Builder request(URI uri, String token, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        if (sessionId != null) {
            b.header("Mcp-Session-Id", sessionId);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return b;
    }

    /** POSTs a JSON-RPC message to the endpoint. */
    public HttpResponse<String> post(String token, String json, String... headers)
            throws IOException, InterruptedException {
        return postTo(endpoint, token, json, headers);
    }

    public HttpResponse<String> postTo(URI uri, String token, String json, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(uri, token, headers);
        b.setHeader("Content-Type", "application/json");
        b.setHeader("Accept", ACCEPT_BOTH);
        if (sessionId != null) {
            b.setHeader("MCP-Protocol-Version", PROTOCOL_VERSION);
        }
        return client.send(b.POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Sends initialize; on success keeps the session id and sends notifications/initialized. */
    public HttpResponse<String> initialize(String token) throws IOException, InterruptedException {
        HttpResponse<String> r = post(token, initializeJson(0));
        if (r.statusCode() == 200) {
            sessionId = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpResponse<String> initialized = post(token, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            if (initialized.statusCode() != 202) {
                throw new AssertionError("notifications/initialized got " + initialized.statusCode());
            }
        }
        return r;
    }

    public HttpResponse<String> call(String token, Object id, String method, String paramsJson)
            throws IOException, InterruptedException {
        return post(token, "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":"
                + paramsJson + "}");
    }

    public HttpResponse<String> callTool(String token, int id, String tool) throws IOException, InterruptedException {
        return call(token, id, "tools/call", "{\"name\":\"" + tool + "\",\"arguments\":{}}");
    }

    public HttpResponse<String> listTools(String token) throws IOException, InterruptedException {
        return call(token, 90, "tools/list", "{}");
    }

    /** Opens the session's GET stream and closes it at once; returns the status. */
    public int openStream(String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(endpoint, token, "Accept", "text/event-stream",
                "MCP-Protocol-Version", PROTOCOL_VERSION);
        HttpResponse<InputStream> r = client.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        return r.statusCode();
    }

    /** The GET stream's response when it is refused (a short JSON body). */
    public HttpResponse<String> refusedStream(String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(endpoint, token, "Accept", "text/event-stream",
                "MCP-Protocol-Version", PROTOCOL_VERSION);
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(endpoint, token, "MCP-Protocol-Version", PROTOCOL_VERSION);
        return client.send(b.DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A plain GET of any URL, without a session or token. */
    public HttpResponse<String> get(URI uri, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.setHeader(headers[i], headers[i + 1]);
        }
        return client.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The JSON-RPC response in a JSON or SSE reply. */
    public static Map<String, Object> message(HttpResponse<String> r) {
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("text/event-stream")) {
            return json(r.body());
        }
        Map<String, Object> last = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data:") && !line.substring(5).isBlank()) {
                Map<String, Object> event = json(line.substring(5).trim());
                if (event.containsKey("result") || event.containsKey("error")) {
                    last = event;
                }
            }
        }
        if (last == null) {
            throw new AssertionError("no JSON-RPC response in: " + r.body());
        }
        return last;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(String text) {
        return JSON.readValue(text, Map.class);
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> result(HttpResponse<String> r) {
        Map<String, Object> m = message(r);
        if (!m.containsKey("result")) {
            throw new AssertionError("expected a result, got " + m);
        }
        return (Map<String, Object>) m.get("result");
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> error(HttpResponse<String> r) {
        Map<String, Object> m = message(r);
        if (!m.containsKey("error")) {
            throw new AssertionError("expected an error, got " + m);
        }
        return (Map<String, Object>) m.get("error");
    }

    /** The names of the tools in a tools/list reply. */
    @SuppressWarnings("unchecked")
    public static List<String> toolNames(HttpResponse<String> r) {
        List<Map<String, Object>> tools = (List<Map<String, Object>>) result(r).get("tools");
        return tools.stream().map(t -> (String) t.get("name")).sorted().toList();
    }

    /** The text of the first content block of a tools/call result. */
    @SuppressWarnings("unchecked")
    public static String text(HttpResponse<String> r) {
        List<Map<String, Object>> content = (List<Map<String, Object>>) result(r).get("content");
        return (String) content.get(0).get("text");
    }

    /** The WWW-Authenticate header, which must be a Bearer challenge. */
    public static String challengeHeader(HttpResponse<String> r) {
        List<String> values = r.headers().allValues("WWW-Authenticate");
        if (values.size() != 1) {
            throw new AssertionError("expected one WWW-Authenticate header, got " + values);
        }
        String value = values.get(0);
        if (!value.startsWith("Bearer ")) {
            throw new AssertionError("not a Bearer challenge: " + value);
        }
        return value;
    }

    /** The auth-params of the Bearer challenge, by name. */
    public static Map<String, String> challenge(HttpResponse<String> r) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(challengeHeader(r).substring("Bearer ".length()));
        while (m.find()) {
            params.put(m.group(1), m.group(2));
        }
        return params;
    }
}
