package dev.fastmcp.devidp;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** The HTTP side of the development identity provider: parsed requests, answers, and the Undertow bridge. */
final class DevIdpHttp {

    /** Request bodies larger than this are refused with 413. */
    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DevIdpHttp() {
    }

    /** A request, parsed: query and form parameters keep every value of a repeated name. */
    record Request(String method, String path, Map<String, List<String>> query, Map<String, List<String>> form,
            String contentType, String authorization, Map<String, String> cookies) {

        /** The one value of a query or form parameter, or null; a repeated parameter is an error. */
        String single(Map<String, List<String>> params, String name) throws Failure {
            List<String> values = params.get(name);
            if (values == null || values.isEmpty()) {
                return null;
            }
            if (values.size() > 1) {
                throw new Failure(400, "invalid_request", "Parameter '" + name + "' is repeated");
            }
            return values.get(0);
        }
    }

    /** An answer: status, headers and body. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        static Response json(int status, Object body) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Content-Type", "application/json");
            headers.put("Cache-Control", "no-store");
            headers.put("Pragma", "no-cache");
            return new Response(status, headers, JSON.writeValueAsBytes(body));
        }

        static Response html(int status, String html) {
            return new Response(status, SignInPage.headers(), html.getBytes(StandardCharsets.UTF_8));
        }

        static Response redirect(String location) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Location", location);
            headers.put("Cache-Control", "no-store");
            return new Response(302, headers, new byte[0]);
        }

        Response withHeader(String name, String value) {
            Map<String, String> copy = new LinkedHashMap<>(headers);
            copy.put(name, value);
            return new Response(status, copy, body);
        }
    }

    /** An RFC 6749 error: its HTTP status, {@code error} code and {@code error_description}. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String error;

        Failure(int status, String error, String description) {
            super(description, null, false, false);
            this.status = status;
            this.error = error;
        }

        Response toJson() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", error);
            body.put("error_description", getMessage());
            return Response.json(status, body);
        }
    }

    /** Reads an exchange (already on a worker thread, in blocking mode) into a {@link Request}. */
    static Request read(HttpServerExchange exchange) throws IOException, Failure {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        Map<String, List<String>> form = Map.of();
        if (exchange.getRequestMethod().toString().equals("POST")) {
            long declared = exchange.getRequestContentLength();
            if (declared > MAX_BODY_BYTES) {
                throw new Failure(413, "invalid_request", "The request body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            byte[] body;
            try (InputStream in = exchange.getInputStream()) {
                body = in.readNBytes(MAX_BODY_BYTES + 1);
            }
            if (body.length > MAX_BODY_BYTES) {
                throw new Failure(413, "invalid_request", "The request body is larger than " + MAX_BODY_BYTES + " bytes");
            }
            if (body.length > 0) {
                if (contentType == null
                        || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                    throw new Failure(400, "invalid_request", "The body must be application/x-www-form-urlencoded");
                }
                form = parse(new String(body, StandardCharsets.UTF_8));
            }
        }
        Map<String, String> cookies = new LinkedHashMap<>();
        exchange.requestCookies().forEach(c -> cookies.put(c.getName(), c.getValue()));
        return new Request(exchange.getRequestMethod().toString(), exchange.getRequestPath(),
                parse(exchange.getQueryString()), form, contentType,
                exchange.getRequestHeaders().getFirst("Authorization"), cookies);
    }

    /** Writes an answer. */
    static void write(HttpServerExchange exchange, Response response) {
        exchange.setStatusCode(response.status());
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().put(new HttpString(name), value));
        exchange.getResponseHeaders().put(new HttpString("Content-Length"), response.body().length);
        exchange.getResponseSender().send(java.nio.ByteBuffer.wrap(response.body()));
    }

    /** Parses {@code application/x-www-form-urlencoded} text (a query string or a form body). */
    static Map<String, List<String>> parse(String text) throws Failure {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            } catch (IllegalArgumentException e) {
                throw new Failure(400, "invalid_request", "The parameters are not valid URL encoding");
            }
        }
        return out;
    }

    /** {@code base} with the parameters appended to its query, URL-encoded. */
    static String withParams(String base, Map<String, String> params) {
        StringBuilder url = new StringBuilder(base);
        char sep = base.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> p : params.entrySet()) {
            if (p.getValue() != null) {
                url.append(sep).append(encode(p.getKey())).append('=').append(encode(p.getValue()));
                sep = '&';
            }
        }
        return url.toString();
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A {@code Set-Cookie} value: HttpOnly, SameSite=Lax, path {@code /}. */
    static String cookie(String name, String value, long maxAgeSeconds) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax";
    }
}
