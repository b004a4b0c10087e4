package dev.fastmcp.examples;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.json.JsonMapper;

/**
 * Mutated requests to the MCP endpoint: JSON-RPC messages of every MCP method (and garbage ones) with ids of every
 * JSON type, params missing, null, of the wrong type, deeply nested, huge, full of unicode and control characters;
 * responses and notifications a client may send; batches and broken JSON; and wrong headers (content type, accept,
 * protocol version, session id, token, HTTP method, origin, host).
 */
final class McpFuzzer {

    static final List<String> REQUESTS = List.of("initialize", "ping", "tools/list", "tools/call", "resources/list",
            "resources/templates/list", "resources/read", "resources/subscribe", "resources/unsubscribe",
            "prompts/list", "prompts/get", "logging/setLevel", "completion/complete", "sampling/createMessage",
            "elicitation/create", "roots/list", "tasks/get", "tasks/list", "tasks/result", "tasks/cancel");
    static final List<String> NOTIFICATIONS = List.of("notifications/initialized", "notifications/cancelled",
            "notifications/progress", "notifications/roots/list_changed", "notifications/message",
            "notifications/resources/updated", "notifications/resources/list_changed",
            "notifications/tools/list_changed", "notifications/prompts/list_changed",
            "notifications/elicitation/complete", "notifications/tasks/status");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The server under test: where it is, a valid token and session, its tools with valid arguments. */
    record Target(String name, int port, String token, String session, Map<String, Map<String, Object>> tools) {
    }

    private final long seed;

    McpFuzzer(long seed) {
        this.seed = seed;
    }

    FuzzCase generate(Target t, int n) {
        FuzzValues v = new FuzzValues(new Random(FuzzCampaignTest.caseSeed(seed, "mcp " + t.name(), n)));
        Map<String, Object> message = message(v, t);
        String rpcMethod = String.valueOf(message.get("method"));
        int mutations = v.random().nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(v, message);
        }
        byte[] body = bytes(v, message);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        String method = v.chance(0.05) ? v.pick("GET", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "TRACE") : "POST";
        headers.add(Map.entry("Host", v.chance(0.02) ? v.pick("evil.example", "127.0.0.1:1", "[::1]", "")
                : "127.0.0.1:" + t.port()));
        if (!v.chance(0.03)) {
            headers.add(Map.entry("Content-Type", v.chance(0.9) ? "application/json" : v.pick("text/plain",
                    "application/json; charset=ISO-8859-1", "application/jsonx", "application/x-www-form-urlencoded",
                    "APPLICATION/JSON", "application/json;;", "*/*", v.headerSafe())));
        }
        if (!v.chance(0.03)) {
            headers.add(Map.entry("Accept", v.chance(0.9) ? "application/json, text/event-stream" : v.pick(
                    "application/json", "text/event-stream", "*/*", "text/html", "application/*;q=0", v.headerSafe())));
        }
        if (!v.chance(0.05)) {
            headers.add(Map.entry("MCP-Protocol-Version", v.chance(0.9) ? "2025-11-25"
                    : v.pick("2025-06-18", "2024-11-05", "1.0", "", v.headerSafe())));
        }
        if (t.token() != null && !v.chance(0.05)) {
            headers.add(Map.entry("Authorization", v.chance(0.95) ? "Bearer " + t.token() : v.pick("Bearer",
                    "Bearer " + t.token() + "x", "Basic " + t.token(), "bearer  " + t.token(), "Bearer e30.e30.",
                    "Bearer " + v.headerSafe())));
        }
        if (!rpcMethod.equals("initialize") && !v.chance(0.05)) {
            headers.add(Map.entry("Mcp-Session-Id", v.chance(0.93) ? t.session() : v.pick("", "x",
                    t.session() + "0", t.session().toUpperCase(), "0".repeat(5000), v.headerSafe())));
        }
        if (v.chance(0.03)) {
            headers.add(Map.entry("Origin", v.pick("http://evil.example", "null", "http://127.0.0.1:" + t.port(),
                    v.headerSafe())));
        }
        if (v.chance(0.02)) {
            headers.add(Map.entry("Last-Event-ID", v.headerSafe()));
        }
        byte[] sent = method.equals("GET") || method.equals("HEAD") ? null : body;
        boolean overLimit = sent != null && sent.length > FuzzCampaignTest.MAX_REQUEST_BYTES;
        return FuzzCase.of(t.name(), seed, n, method, v.chance(0.02) ? v.pick("/mcp/", "/mcp?x=%zz", "/mcp?a=1&a=2")
                : "/mcp", headers, sent, 2 + n % 250, rpcMethod, overLimit);
    }

    private Map<String, Object> message(FuzzValues v, Target t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        int kind = v.random().nextInt(20);
        if (kind < 2) {
            // A response, as if answering a request of the server's.
            m.put("id", v.pick(1, 0, "s-1", v.string()));
            if (v.random().nextBoolean()) {
                m.put("result", v.value(0));
            } else {
                m.put("error", Map.of("code", v.pick(-32603, 1, 0), "message", v.string()));
            }
            return m;
        }
        if (kind < 6) {
            String method = v.pick(NOTIFICATIONS);
            m.put("method", method);
            Object params = params(v, t, method);
            if (params != null) {
                m.put("params", params);
            }
            return m;
        }
        String method = v.chance(0.05) ? v.string() : v.pick(REQUESTS);
        m.put("id", v.chance(0.7) ? (Object) v.random().nextInt(1000) : id(v));
        m.put("method", method);
        Object params = params(v, t, method);
        if (params != null) {
            m.put("params", params);
        }
        return m;
    }

    private static Object id(FuzzValues v) {
        return switch (v.random().nextInt(8)) {
            case 0 -> null;
            case 1 -> v.pick(FuzzValues.FORGED, "req\r\n" + FuzzValues.FORGED_LINE);
            case 2 -> v.pick(1.5, -0.0, 1e300, Long.MAX_VALUE, -1, true);
            case 3 -> v.pick(List.of(1), Map.of("a", 1), List.of());
            default -> v.string();
        };
    }

    /** Valid params for {@code method}, to be mutated (null: none). */
    private static Object params(FuzzValues v, Target t, String method) {
        Map<String, Object> p = new LinkedHashMap<>();
        switch (method) {
            case "initialize" -> {
                p.put("protocolVersion", v.chance(0.8) ? "2025-11-25" : v.string());
                p.put("capabilities", Map.of());
                p.put("clientInfo", Map.of("name", "fuzz", "version", "1"));
            }
            case "tools/call" -> {
                String tool = v.chance(0.9) ? v.pick(new ArrayList<>(t.tools().keySet())) : v.string();
                p.put("name", tool);
                p.put("arguments", new LinkedHashMap<>(t.tools().getOrDefault(tool, Map.of())));
            }
            case "resources/list", "resources/templates/list", "prompts/list", "tools/list", "tasks/list" -> {
                if (v.chance(0.5)) {
                    p.put("cursor", v.string());
                }
            }
            case "resources/read", "resources/subscribe", "resources/unsubscribe",
                    "notifications/resources/updated" -> p.put("uri", v.pick("file:///x", "ui://a", v.string()));
            case "prompts/get" -> {
                p.put("name", v.pick("greet", v.string()));
                p.put("arguments", Map.of("a", "b"));
            }
            case "logging/setLevel" -> p.put("level", v.pick("debug", "info", "notice", "warning", "error",
                    "critical", "alert", "emergency", "INFO", "verbose", v.string()));
            case "completion/complete" -> {
                p.put("ref", Map.of("type", v.pick("ref/prompt", "ref/resource", "ref/x"), "name", "greet",
                        "uri", "file:///{x}"));
                p.put("argument", Map.of("name", "a", "value", v.string()));
            }
            case "tasks/get", "tasks/result", "tasks/cancel" -> p.put("taskId", v.string());
            case "notifications/cancelled" -> {
                p.put("requestId", v.pick(1, 2, 999, "x", FuzzValues.FORGED));
                p.put("reason", v.string());
            }
            case "notifications/progress" -> {
                p.put("progressToken", v.pick(1, "t", FuzzValues.FORGED));
                p.put("progress", v.pick(0.5, 1, -1));
                p.put("total", 1);
                p.put("message", v.string());
            }
            case "notifications/message" -> {
                p.put("level", "error");
                p.put("data", v.string());
            }
            case "sampling/createMessage" -> {
                p.put("messages", List.of(Map.of("role", "user", "content", Map.of("type", "text", "text", "hi"))));
                p.put("maxTokens", 10);
            }
            case "elicitation/create" -> p.put("message", v.string());
            default -> {
                if (v.chance(0.5)) {
                    return null;
                }
                p.put(v.key(), v.value(0));
            }
        }
        if (v.chance(0.1)) {
            p.put("_meta", single("progressToken", v.value(2)));
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    private static void mutate(FuzzValues v, Map<String, Object> m) {
        switch (v.random().nextInt(10)) {
            case 0 -> m.remove("params");
            case 1 -> m.put("params", v.pick(null, "x", 1, true, List.of(), List.of(1, 2), FuzzValues.DEEP));
            case 2, 3, 4 -> {
                if (m.get("params") instanceof Map<?, ?> p) {
                    Map<String, Object> params = new LinkedHashMap<>((Map<String, Object>) p);
                    m.put("params", params);
                    mutateMap(v, params);
                } else {
                    m.put("params", single(v.key(), v.value(0)));
                }
            }
            case 5 -> m.put("id", id(v));
            case 6 -> m.remove("id");
            case 7 -> m.put("method", v.chance(0.5) ? v.pick(REQUESTS) + v.pick("", "/", " ", "\r\n" +
                    FuzzValues.FORGED_LINE) : v.value(2));
            case 8 -> {
                if (v.random().nextBoolean()) {
                    m.remove("jsonrpc");
                } else {
                    m.put("jsonrpc", v.pick("1.0", "2", 2.0, null, "2.0 "));
                }
            }
            default -> m.put(v.pick("result", "error", "extra", v.key()), v.value(1));
        }
    }

    @SuppressWarnings("unchecked")
    private static void mutateMap(FuzzValues v, Map<String, Object> p) {
        List<String> keys = new ArrayList<>(p.keySet());
        String key = keys.isEmpty() || v.chance(0.2) ? v.key() : v.pick(keys);
        switch (v.random().nextInt(5)) {
            case 0 -> p.remove(key);
            case 1 -> p.put(key, null);
            case 2 -> {
                if (p.get(key) instanceof Map<?, ?> inner) {
                    Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) inner);
                    p.put(key, copy);
                    mutateMap(v, copy);
                } else {
                    p.put(key, v.value(0));
                }
            }
            default -> p.put(key, v.value(0));
        }
    }

    /** A one-member object whose value may be null. */
    private static Map<String, Object> single(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        return m;
    }

    /** The message serialized, then sometimes broken at the byte level. */
    private static byte[] bytes(FuzzValues v, Map<String, Object> message) {
        String text = JSON.writeValueAsString(message);
        if (text.contains("\"" + FuzzValues.DEEP + "\"")) {
            text = text.replace("\"" + FuzzValues.DEEP + "\"", v.deep());
        }
        int k = v.random().nextInt(100);
        if (k < 6) {
            int n = 1 + v.random().nextInt(3);
            StringBuilder batch = new StringBuilder("[");
            for (int i = 0; i < n; i++) {
                batch.append(i == 0 ? "" : ",").append(text);
            }
            text = v.chance(0.2) ? "[]" : batch.append(']').toString();
        } else if (k < 9) {
            text = text.substring(0, v.random().nextInt(text.length()));
        } else if (k < 12) {
            text = v.pick("", "null", "1", "\"x\"", "{}", "{", "}", "[{}]", "{\"jsonrpc\":\"2.0\"}", " ",
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}{}", "\ufeff" + text, text + "garbage",
                    text.replaceFirst("\"jsonrpc\"", "\"jsonrpc\":\"2.0\",\"jsonrpc\""), text.replace('"', '\''));
        } else if (k < 14) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[b.length + 2];
            int at = v.random().nextInt(b.length + 1);
            System.arraycopy(b, 0, out, 0, at);
            out[at] = (byte) (int) v.pick(0xff, 0xc3, 0x80, 0xed, 0x00);
            out[at + 1] = (byte) (int) v.pick(0xa0, 0x28, 0xff, 0x00);
            System.arraycopy(b, at, out, at + 2, b.length - at);
            return out;
        } else if (k < 15) {
            // Over the request size limit.
            text = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"x\":\""
                    + "a".repeat(FuzzCampaignTest.MAX_REQUEST_BYTES + 1) + "\"}}";
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
