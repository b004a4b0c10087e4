package dev.fastmcp.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP as a browser sends it through a sign-in, for tests: redirects are returned, not followed, so that a test sees
 * each hop and stops at the client's redirect URI; forms are posted as {@code application/x-www-form-urlencoded};
 * a page's hidden fields are read back as the browser would submit them. Cookies are carried by hand
 * ({@link #cookie}, {@link #cookies}), which lets a test leave one out or send another browser's, unless the browser
 * keeps a cookie jar ({@link #withCookieJar()}). Requests are HTTP/1.1 and time out after 30 seconds.
 *
 * <p>Shared with the other modules' tests through this module's test jar.
 */
public final class Browser {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern HIDDEN = Pattern.compile("type=\"hidden\" name=\"([a-z_]+)\" value=\"([^\"]*)\"");

    private final HttpClient http;

    /** A browser without a cookie jar: it sends only the cookies a test passes as headers. */
    public Browser() {
        this(client());
    }

    private Browser(HttpClient.Builder client) {
        this.http = client.build();
    }

    /** A browser with one cookie jar for every page; as in a browser, cookies ignore ports. */
    public static Browser withCookieJar() {
        return new Browser(client().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL)));
    }

    private static HttpClient.Builder client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5));
    }

    /** The client itself, for requests of other methods or shapes. */
    public HttpClient http() {
        return http;
    }

    /** GETs {@code url}, with the headers given as name, value. */
    public HttpResponse<String> get(String url, String... headers) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET(), headers);
    }

    /**
     * Posts a form, with the headers given as name, value; a list value is sent as a repeated field, like a group of
     * ticked check boxes.
     */
    public HttpResponse<String> postForm(String url, Map<String, ?> form, String... headers)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encodeForm(form))), headers);
    }

    /** Posts JSON, with the headers given as name, value. */
    public HttpResponse<String> postJson(String url, String json, String... headers)
            throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), headers);
    }

    /**
     * Posts a JSON-RPC message as an MCP client does: accepting JSON or an event stream, with a bearer token unless
     * {@code token} is null, and the headers given as name, value.
     */
    public HttpResponse<String> postMcp(String url, String json, String token, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b, headers);
    }

    private HttpResponse<String> send(HttpRequest.Builder b, String... headers)
            throws IOException, InterruptedException {
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The fields as a form body or query string; a list value becomes a repeated field. */
    public static String encodeForm(Map<String, ?> fields) {
        StringBuilder s = new StringBuilder();
        fields.forEach((k, v) -> {
            for (Object one : v instanceof List<?> list ? list : List.of(v)) {
                s.append(s.length() == 0 ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(String.valueOf(one), StandardCharsets.UTF_8));
            }
        });
        return s.toString();
    }

    /** The fields of a form body or query string, in their order; a pair without a name or {@code =} is skipped. */
    public static Map<String, String> decodeForm(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The query parameters of {@code url}; empty when it has none. */
    public static Map<String, String> query(String url) {
        String q = URI.create(url).getRawQuery();
        return q == null ? new LinkedHashMap<>() : decodeForm(q);
    }

    /** The hidden fields of a page's form, their values unescaped; the page must have been served (200). */
    public static Map<String, String> hiddenFields(HttpResponse<String> page) {
        assertEquals(200, page.statusCode(), page.body());
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(page.body());
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("&amp;", "&"));
        }
        return fields;
    }

    /** Where a redirect sends the browser; fails unless the response is a 302. */
    public static String location(HttpResponse<String> r) {
        assertEquals(302, r.statusCode(), () -> "expected a redirect, got " + r.statusCode() + ": " + r.body());
        return r.headers().firstValue("Location").orElseThrow();
    }

    /** The {@code name=value} pair of the first cookie a response sets; fails when it sets none. */
    public static String cookie(HttpResponse<?> r) {
        return pair(r.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError("no Set-Cookie")));
    }

    /** The cookies a response sets, as a browser sends them back in a {@code Cookie} header; empty when none. */
    public static String cookies(HttpResponse<?> r) {
        return r.headers().allValues("Set-Cookie").stream().map(Browser::pair).collect(Collectors.joining("; "));
    }

    /** The whole {@code Set-Cookie} value of the cookie whose name contains {@code part}, or null. */
    public static String setCookie(HttpResponse<?> r, String part) {
        return r.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.substring(0, c.indexOf('=')).contains(part)).findFirst().orElse(null);
    }

    /** The {@code name=value} pair of a {@code Set-Cookie} value. */
    public static String pair(String setCookie) {
        int end = setCookie.indexOf(';');
        return end < 0 ? setCookie : setCookie.substring(0, end);
    }

    /** A JSON object response body. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> json(HttpResponse<String> r) {
        return JSON.readValue(r.body(), Map.class);
    }
}
