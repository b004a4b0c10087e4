package dev.fastmcp.examples;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every answer to a fuzz case must be: an answer (no hang; no reset of a well-framed request), no 5xx beyond
 * a precise busy 503, a body in the protocol's own shape (a JSON-RPC error envelope with a standard code on the MCP
 * endpoint; RFC 6749 error JSON or an HTML error page on the OAuth routes; 413 for a body over the limit), and no
 * internal text (exception names, class or package names, stack frames).
 */
final class FuzzInvariants {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Text that only an implementation leaks: exception and class names, library packages, stack frames. */
    static final List<String> INTERNAL = List.of("Exception", "java.", "javax.", "dev.fastmcp", "Cannot invoke",
            "tools.jackson", "io.modelcontextprotocol", "io.undertow", "org.xnio", "reactor.core", "NullPointer",
            "\tat ", "at [Source", "Cannot deserialize", "Cannot construct instance", "because \"", "jose4j");
    /** The error codes of JSON-RPC for a request's fault; -32603 (internal error) is the server's, never input's. */
    private static final Set<Integer> CLIENT_CODES = Set.of(-32700, -32600, -32601, -32602);
    private static final Set<String> OAUTH_ERRORS = Set.of("invalid_request", "invalid_client", "invalid_grant",
            "unauthorized_client", "unsupported_grant_type", "invalid_scope", "invalid_redirect_uri",
            "invalid_client_metadata", "invalid_target", "unsupported_token_type", "unsupported_response_type",
            "access_denied", "slow_down", "invalid_token", "insufficient_scope", "not_found", "method_not_allowed",
            "payload_too_large", "too_many_requests");

    /**
     * The refusals a request can get from its headers alone, before its body is read; a body over the limit may get
     * them instead of 413.
     */
    private static final Set<Integer> REFUSED_BY_HEADERS = Set.of(401, 403, 404, 405, 406, 415);
    private static final Set<String> LOGGING_LEVELS = Set.of("debug", "info", "notice", "warning", "error",
            "critical", "alert", "emergency");

    private FuzzInvariants() {
    }

    /** The invariants an answer from the MCP endpoint breaks (empty when it keeps them all). */
    static List<String> mcp(FuzzCase c, FuzzHttp.Response r) {
        List<String> out = new ArrayList<>();
        if (!answered(c, r, out)) {
            return out;
        }
        leaks(c, r, out);
        if (httpLayerRefusal(c, r)) {
            return out;
        }
        if (c.overLimit()) {
            expect(r.status() == 413 || REFUSED_BY_HEADERS.contains(r.status()),
                    "413: a body over the size limit answered " + r.status(), out);
        }
        boolean head = c.method().equals("HEAD");
        String type = lower(r.header("content-type"));
        if (r.status() >= 300) {
            if (head) {
                return out;
            }
            JsonNode body = parse(r, out);
            if (body == null || !type.startsWith("application/json")) {
                out.add("shape: a " + r.status() + " from the MCP endpoint that is not a JSON-RPC error envelope"
                        + " (Content-Type " + type + ")");
                return out;
            }
            envelope(body, r.status(), c, out);
            if (r.status() >= 500 && !(r.status() == 503 && busy(body))) {
                out.add("5xx: the MCP endpoint answered " + r.status() + " to a client's request");
            }
            return out;
        }
        if (r.status() == 200 && type.startsWith("application/json")) {
            JsonNode body = parse(r, out);
            if (body != null) {
                for (JsonNode m : body.isArray() ? body : List.of(body)) {
                    message(m, r.status(), c, out);
                }
                acceptsOnlyValidLevels(c, body, out);
            }
        } else if (r.status() == 200 && type.startsWith("text/event-stream") && !c.method().equals("GET")) {
            for (String line : r.text().split("\n")) {
                if (line.startsWith("data:") && line.length() > 5 && !line.substring(5).isBlank()) {
                    try {
                        message(JSON.readTree(line.substring(5)), r.status(), c, out);
                    } catch (RuntimeException e) {
                        out.add("shape: an SSE event that is not a JSON-RPC message: " + FuzzCase.literal(line, 200));
                    }
                }
            }
        } else if (r.status() == 200 && !head && !c.method().equals("DELETE") && !c.method().equals("GET")) {
            out.add("shape: a 200 from the MCP endpoint with Content-Type " + type + " and " + r.body().length
                    + " bytes");
        }
        return out;
    }

    /** The invariants an answer from an OAuth route or a discovery document breaks. */
    static List<String> oauth(FuzzCase c, FuzzHttp.Response r) {
        List<String> out = new ArrayList<>();
        if (!answered(c, r, out)) {
            return out;
        }
        leaks(c, r, out);
        if (r.status() >= 500) {
            out.add("5xx: the OAuth route answered " + r.status() + " to a client's request");
            return out;
        }
        if (httpLayerRefusal(c, r)) {
            return out;
        }
        if (c.overLimit()) {
            expect(r.status() == 413 || REFUSED_BY_HEADERS.contains(r.status()),
                    "413: a body over the size limit answered " + r.status(), out);
        }
        boolean head = c.method().equals("HEAD");
        String type = lower(r.header("content-type"));
        if (r.status() >= 300 && r.status() < 400) {
            expect(r.header("location") != null, "shape: a " + r.status() + " without a Location", out);
        } else if (r.status() >= 400 && !head) {
            if (type.startsWith("application/json")) {
                JsonNode body = parse(r, out);
                String error = body != null && body.isObject() && body.get("error") != null
                        && body.get("error").isString() ? body.get("error").asString() : null;
                if (error == null || !OAUTH_ERRORS.contains(error)) {
                    out.add("shape: a " + r.status() + " JSON body that is not an RFC 6749 error: "
                            + FuzzCase.literal(r.text(), 300));
                }
            } else if (!(type.startsWith("text/html") && r.text().regionMatches(true, 0, "<!DOCTYPE html>", 0, 15))) {
                out.add("shape: a " + r.status() + " that is neither RFC 6749 error JSON nor an HTML error page"
                        + " (Content-Type " + type + ", " + r.body().length + " bytes)");
            }
        } else if (r.status() == 200 && !head && !c.method().equals("OPTIONS") && r.body().length == 0) {
            out.add("shape: 200 OK with an empty body");
        }
        return out;
    }

    /** The invariants an answer to a framing mutation breaks. */
    static List<String> framing(FuzzCase c, FuzzHttp.Response r) {
        if (c.wellFramed()) {
            return c.path().equals("/mcp") ? mcp(c, r) : oauth(c, r);
        }
        List<String> out = new ArrayList<>();
        if (r.outcome() == FuzzHttp.Outcome.TIMEOUT) {
            out.add("no answer: the server neither answered nor closed the connection after the request ended ("
                    + r.detail() + ")");
            return out;
        }
        if (r.outcome() != FuzzHttp.Outcome.ANSWERED) {
            return out; // refusing an ill-framed request by closing the connection is fine
        }
        leaks(c, r, out);
        if (r.status() >= 500) {
            out.add("5xx: an ill-framed request answered " + r.status());
        }
        if (r.status() == 200 && r.body().length == 0) {
            out.add("shape: an ill-framed request answered 200 OK with an empty body");
        }
        return out;
    }

    /**
     * The HTTP layer's own refusal of a request it cannot parse, before any route sees it: a bodiless 400 for a
     * request head over its 64 KiB limit or a target with a broken %-escape. Allowed, as no route is involved.
     */
    private static boolean httpLayerRefusal(FuzzCase c, FuzzHttp.Response r) {
        return r.status() == 400 && r.body().length == 0 && (c.headBytes() > 64 * 1024 || c.brokenEscape());
    }

    private static boolean answered(FuzzCase c, FuzzHttp.Response r, List<String> out) {
        if (r.outcome() == FuzzHttp.Outcome.ANSWERED) {
            return true;
        }
        out.add("no answer: a well-framed request got " + r.outcome() + (r.detail() == null ? "" : " (" + r.detail()
                + ")") + (r.status() > 0 ? " after the status " + r.status() : ""));
        return false;
    }

    private static void leaks(FuzzCase c, FuzzHttp.Response r, List<String> out) {
        StringBuilder all = new StringBuilder(r.text());
        for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
            all.append('\n').append(h.getKey()).append(": ").append(String.join(", ", h.getValue()));
        }
        for (String marker : INTERNAL) {
            int at = all.indexOf(marker);
            if (at >= 0 && !c.sends(marker)) {
                out.add("leak: internal text '" + marker.strip() + "' in the answer: "
                        + FuzzCase.literal(all.substring(Math.max(0, at - 120), Math.min(all.length(), at + 160)), 300));
                return;
            }
        }
    }

    /** {@code logging/setLevel} succeeds only for one of the eight levels of the MCP specification (RFC 5424). */
    private static void acceptsOnlyValidLevels(FuzzCase c, JsonNode answer, List<String> out) {
        if (!"logging/setLevel".equals(c.rpcMethod()) || !answer.isObject() || !answer.has("result")) {
            return;
        }
        JsonNode request;
        try {
            request = JSON.readTree(c.body());
        } catch (RuntimeException e) {
            return;
        }
        JsonNode params = request.isObject() ? request.get("params") : null;
        JsonNode level = params != null && params.isObject() ? params.get("level") : null;
        if ("logging/setLevel".equals(text(request.get("method")))
                && (level == null || !level.isString() || !LOGGING_LEVELS.contains(level.asString()))) {
            out.add("accepts: logging/setLevel succeeded with an invalid level " + (level == null ? "(none)"
                    : FuzzCase.literal(level.toString(), 100)) + " (expected -32602)");
        }
    }

    private static void envelope(JsonNode body, int status, FuzzCase c, List<String> out) {
        JsonNode error = body.isObject() ? body.get("error") : null;
        if (error == null || !error.isObject() || !"2.0".equals(text(body.get("jsonrpc"))) || !body.has("id")
                || error.get("code") == null || !error.get("code").isInt() || error.get("message") == null
                || !error.get("message").isString()) {
            out.add("shape: not a JSON-RPC error envelope: " + FuzzCase.literal(body.toString(), 300));
            return;
        }
        code(error, status, body, out);
    }

    /** A JSON-RPC message of the server in answer to the case (a response, or a request or notification of its own). */
    private static void message(JsonNode m, int status, FuzzCase c, List<String> out) {
        if (!m.isObject() || !"2.0".equals(text(m.get("jsonrpc")))) {
            out.add("shape: not a JSON-RPC message: " + FuzzCase.literal(String.valueOf(m), 300));
            return;
        }
        if (m.has("method")) {
            return; // the server's own request or notification
        }
        JsonNode error = m.get("error");
        if (m.has("result") == (error != null) || !m.has("id")) {
            out.add("shape: a JSON-RPC response needs an id and exactly one of result and error: "
                    + FuzzCase.literal(m.toString(), 300));
            return;
        }
        if (error != null) {
            if (!error.isObject() || error.get("code") == null || !error.get("code").isInt()
                    || error.get("message") == null || !error.get("message").isString()) {
                out.add("shape: a malformed JSON-RPC error: " + FuzzCase.literal(m.toString(), 300));
                return;
            }
            code(error, status, m, out);
        }
    }

    private static void code(JsonNode error, int status, JsonNode whole, List<String> out) {
        int code = error.get("code").asInt();
        boolean serverDefined = code <= -32000 && code >= -32099;
        if (code == -32603 && !busy(whole)) {
            out.add("code: -32603 (internal error) for client input: " + FuzzCase.literal(whole.toString(), 300));
        } else if (!CLIENT_CODES.contains(code) && !serverDefined && code != -32603) {
            out.add("code: " + code + " is not a standard JSON-RPC error code: "
                    + FuzzCase.literal(whole.toString(), 300));
        }
    }

    /** A server legitimately busy: too many sessions (503), or the tool executor full. */
    private static boolean busy(JsonNode envelope) {
        JsonNode error = envelope.get("error");
        String message = error == null ? null : text(error.get("message"));
        return message != null && message.toLowerCase(Locale.ROOT).contains("retry later")
                && (message.startsWith("Server busy") || message.startsWith("Server has too many open sessions"));
    }

    private static JsonNode parse(FuzzHttp.Response r, List<String> out) {
        try {
            return JSON.readTree(r.body());
        } catch (RuntimeException e) {
            out.add("shape: a " + r.status() + " body that is not JSON: " + FuzzCase.literal(r.text(), 300));
            return null;
        }
    }

    private static String text(JsonNode n) {
        return n != null && n.isString() ? n.asString() : null;
    }

    private static String lower(String s) {
        return s == null ? "(none)" : s.toLowerCase(Locale.ROOT);
    }

    private static void expect(boolean ok, String violation, List<String> out) {
        if (!ok) {
            out.add(violation);
        }
    }
}
