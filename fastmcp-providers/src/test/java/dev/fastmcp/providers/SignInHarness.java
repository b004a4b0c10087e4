package dev.fastmcp.providers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.PKCEUtils;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
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
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A FastMCP server signed in through a provider preset, and a browser-like client driving the sign-in by hand:
 * register, authorize, consent, the provider (which approves at once), our callback, the token exchange.
 */
final class SignInHarness implements AutoCloseable {

    static final String CLIENT_REDIRECT = "http://127.0.0.1:47123/callback";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Pattern HIDDEN = Pattern.compile("name=\"([a-z_]+)\" value=\"([^\"]*)\"");

    final FastMCP server;
    /**
     * What the browser does with the provider's authorization URL before loading it; mock-oauth2-server shows an
     * interactive login page for {@code prompt}, which a test skips by dropping it (after checking it was sent).
     */
    UnaryOperator<String> atProvider = UnaryOperator.identity();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    SignInHarness(AuthProvider provider, Tool... tools) {
        FastMCP.Builder app = FastMCP.builder("signed-in", "1.0.0").auth(provider);
        for (Tool tool : tools) {
            app.addTool(tool);
        }
        server = app.build().start(StartOptions.http().port(0));
    }

    String base() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    /** What one sign-in showed: the provider's authorization URL, and the token response (or the client's error). */
    record SignIn(String upstreamUrl, Map<String, String> upstreamQuery, Map<String, String> clientRedirect,
            Map<String, Object> tokens) {

        String accessToken() {
            return (String) tokens.get("access_token");
        }

        String refreshToken() {
            return (String) tokens.get("refresh_token");
        }
    }

    /** The HTML of the last consent page shown. */
    String lastConsentPage;

    /** Registers a public client; returns its id. */
    String register() throws IOException, InterruptedException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/oauth/register"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"client_name\":\"Provider test\",\"redirect_uris\":[\""
                        + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\",\"grant_types\":"
                        + "[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]}")));
        assertEquals(201, r.statusCode(), r.body());
        return (String) json(r.body()).get("client_id");
    }

    /**
     * The whole sign-in for {@code scope}. When the provider or our callback refuses it, {@code tokens} is empty
     * and {@code clientRedirect} holds the error the client received.
     */
    SignIn signIn(String clientId, String scope) throws IOException, InterruptedException {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", clientId);
        p.put("redirect_uri", CLIENT_REDIRECT);
        p.put("code_challenge", pkce.challenge());
        p.put("code_challenge_method", "S256");
        p.put("state", "client-state");
        p.put("scope", scope);
        p.put("resource", base() + "/mcp");
        HttpResponse<String> page = get(base() + "/oauth/authorize?" + form(p), null);
        assertEquals(200, page.statusCode(), page.body());
        lastConsentPage = page.body();
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = HIDDEN.matcher(page.body());
        while (m.find()) {
            fields.put(m.group(1), m.group(2).replace("&amp;", "&"));
        }
        assertNotNull(fields.get("transaction_id"), page.body());
        fields.put("action", "approve");
        // the browser sends back the CSRF cookie the consent page set
        String pageCookies = page.headers().allValues("Set-Cookie").stream()
                .map(c -> c.substring(0, c.indexOf(';'))).collect(Collectors.joining("; "));
        HttpResponse<String> approve = send(HttpRequest.newBuilder(URI.create(base() + "/oauth/consent"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", pageCookies)
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
        String upstream = location(approve);
        String cookies = approve.headers().allValues("Set-Cookie").stream().map(c -> c.substring(0, c.indexOf(';')))
                .collect(Collectors.joining("; "));
        String callback = location(get(atProvider.apply(upstream), null));
        assertTrue(callback.startsWith(base() + "/oauth/callback?"), callback);
        String clientUrl = location(get(callback, cookies));
        assertTrue(clientUrl.startsWith(CLIENT_REDIRECT + "?"), clientUrl);
        Map<String, String> back = query(clientUrl);
        if (back.get("code") == null) {
            return new SignIn(upstream, query(upstream), back, Map.of());
        }
        Map<String, String> exchange = new LinkedHashMap<>();
        exchange.put("grant_type", "authorization_code");
        exchange.put("code", back.get("code"));
        exchange.put("redirect_uri", CLIENT_REDIRECT);
        exchange.put("code_verifier", pkce.verifier());
        exchange.put("client_id", clientId);
        HttpResponse<String> tokens = postForm("/oauth/token", exchange);
        assertEquals(200, tokens.statusCode(), tokens.body());
        return new SignIn(upstream, query(upstream), back, json(tokens.body()));
    }

    /** Our refresh grant. */
    HttpResponse<String> refresh(String clientId, String refreshToken) throws IOException, InterruptedException {
        return postForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", clientId));
    }

    /** Calls a tool through the MCP SDK's client with {@code accessToken}; returns its text. */
    String callTool(String accessToken, String tool) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base())
                .endpoint("/mcp")
                .connectTimeout(Duration.ofSeconds(5))
                .httpRequestCustomizer((builder, method, uri, body, ctx) -> builder.header("Authorization",
                        "Bearer " + accessToken))
                .build();
        McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)).build();
        try {
            client.initialize();
            McpSchema.CallToolResult r = client.callTool(McpSchema.CallToolRequest.builder().name(tool)
                    .arguments(Map.of()).build());
            return ((McpSchema.TextContent) r.content().get(0)).text();
        } finally {
            client.closeGracefully();
        }
    }

    /** The HTTP status of an MCP {@code initialize} with {@code accessToken}. */
    int initializeStatus(String accessToken) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base() + "/mcp"))
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":"
                        + "{\"name\":\"raw\",\"version\":\"1\"}}}"))).statusCode();
    }

    // ---- plain HTTP -----------------------------------------------------------------------------------------

    private HttpResponse<String> get(String url, String cookies) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (cookies != null && !cookies.isEmpty()) {
            b.header("Cookie", cookies);
        }
        return send(b);
    }

    private HttpResponse<String> postForm(String path, Map<String, String> body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base() + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(body))));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    static Map<String, String> query(String url) {
        String q = URI.create(url).getRawQuery();
        return q == null ? Map.of() : parseForm(q);
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static String location(HttpResponse<String> r) {
        assertEquals(302, r.statusCode(), () -> "expected a redirect, got " + r.statusCode() + ": " + r.body());
        return r.headers().firstValue("Location").orElseThrow();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String body) {
        return JSON.readValue(body, Map.class);
    }

    /** Tools' view of a list, for assertions. */
    static String join(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
