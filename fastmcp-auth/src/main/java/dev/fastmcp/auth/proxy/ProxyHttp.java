package dev.fastmcp.auth.proxy;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import dev.fastmcp.auth.internal.Html;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Small HTTP helpers of the OAuth proxy's endpoints: forms, JSON and HTML answers, redirects, cookies. */
final class ProxyHttp {

    static final JsonMapper JSON = JsonMapper.builder().build();
    /** The largest form body the endpoints accept; their routes declare it, so larger ones are never received. */
    static final int MAX_FORM_BYTES = 64 * 1024;

    private ProxyHttp() {
    }

    /** Parses an {@code application/x-www-form-urlencoded} string; a repeated parameter is an error. */
    static Map<String, String> parseForm(String body) throws OAuthError {
        Map<String, String> out = new LinkedHashMap<>();
        if (body == null || body.isEmpty()) {
            return out;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidRequest("The form body is not valid application/x-www-form-urlencoded");
            }
            if (out.put(name, value) != null) {
                throw repeated(name);
            }
        }
        return out;
    }

    /** The form body of a POST, refusing other content types and oversized bodies. */
    static Map<String, String> form(ServerRequest request) throws OAuthError {
        String type = request.header("content-type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw OAuthError.invalidRequest("The body must be application/x-www-form-urlencoded");
        }
        if (request.body().length > MAX_FORM_BYTES) { // a route declaring a larger limit, or none
            throw new OAuthError("invalid_request", "The request body is too large: the form accepts at most "
                    + MAX_FORM_BYTES + " bytes", 413);
        }
        return parseForm(request.bodyAsString());
    }

    /** A query parameter, refusing repeated ones (RFC 6749 §3.1). */
    static String query(ServerRequest request, String name) throws OAuthError {
        var values = request.query().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw repeated(name);
        }
        return values.get(0);
    }

    /**
     * A parameter sent twice (RFC 6749 §3.1): {@code invalid_request}, except {@code resource}, which RFC 8707 allows
     * to repeat for tokens good at several resources; this server issues tokens for its own alone, so several
     * resources are {@code invalid_target} (RFC 8707 §2).
     */
    private static OAuthError repeated(String name) {
        if (name.equals("resource")) {
            return new OAuthError("invalid_target", "Only one resource per request: tokens of this server are good "
                    + "for its MCP endpoint alone, so send that one resource (or none)", 400);
        }
        return OAuthError.invalidRequest("Parameter '" + safe(name) + "' is repeated");
    }

    /** A JSON answer that no cache may keep. */
    static ServerResponse noStoreJson(int status, Object body) {
        return ServerResponse.json(status, body).withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
    }

    /** The RFC 6749 error body for {@code e}; {@code invalid_client} at 401 carries a Basic challenge. */
    static ServerResponse error(OAuthError e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.error);
        if (e.description != null) {
            body.put("error_description", e.description);
        }
        ServerResponse r = noStoreJson(e.status, body);
        if (e.status == 401) {
            r = r.withHeader("WWW-Authenticate", "Basic realm=\"oauth\", charset=\"UTF-8\"");
        }
        return r;
    }

    /** A small HTML page for errors that cannot go back to a client's redirect URI. */
    static ServerResponse errorPage(int status, String title, String message) {
        String html = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + Html.escape(title)
                + "</title></head><body><h1>" + Html.escape(title) + "</h1><p>" + Html.escape(message)
                + "</p></body></html>";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/html; charset=utf-8");
        headers.put("Cache-Control", "no-store");
        headers.put("X-Frame-Options", "DENY");
        headers.put("X-Content-Type-Options", "nosniff");
        headers.put("Content-Security-Policy", "default-src 'none'");
        headers.put("Referrer-Policy", "no-referrer");
        return new ServerResponse(status, headers, html.getBytes(StandardCharsets.UTF_8));
    }

    /** A 302 to {@code location}, never cached and never leaking the URL as a referrer. */
    static ServerResponse redirect(String location) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", location);
        headers.put("Cache-Control", "no-store");
        headers.put("Referrer-Policy", "no-referrer");
        return new ServerResponse(302, headers, new byte[0]);
    }

    /** {@code base} with the parameters appended to its query (null values skipped). */
    static String withParams(String base, Map<String, String> params) {
        StringBuilder url = new StringBuilder(base);
        int hash = base.indexOf('#');
        if (hash >= 0) {
            url.setLength(hash);
        }
        boolean hasQuery = url.indexOf("?") >= 0;
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            url.append(hasQuery ? '&' : '?');
            hasQuery = true;
            url.append(encode(e.getKey())).append('=').append(encode(e.getValue()));
        }
        return url.toString();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The value of one cookie of the request, or null. */
    static String cookie(ServerRequest request, String name) {
        var headers = request.headers().get("cookie");
        if (headers == null) {
            return null;
        }
        for (String header : headers) {
            for (String part : header.split(";")) {
                String p = part.trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).equals(name)) {
                    String v = p.substring(eq + 1);
                    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
                }
            }
        }
        return null;
    }

    /** A {@code Set-Cookie} value: HttpOnly, SameSite=Lax, Secure unless plain http. */
    static String setCookie(String name, String value, long maxAgeSeconds, boolean secure) {
        return setCookie(name, value, maxAgeSeconds, secure, "Lax");
    }

    /** A {@code Set-Cookie} value: HttpOnly, the given SameSite, Secure unless plain http. */
    static String setCookie(String name, String value, long maxAgeSeconds, boolean secure, String sameSite) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=" + sameSite
                + (secure ? "; Secure" : "");
    }

    /** Text safe to echo in an error description: printable ASCII, bounded. */
    static String safe(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 40; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? c : '?');
        }
        return b.toString();
    }
}
