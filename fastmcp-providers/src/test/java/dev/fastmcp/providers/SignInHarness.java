package dev.fastmcp.providers;

import static dev.fastmcp.testsupport.Browser.cookies;
import static dev.fastmcp.testsupport.Browser.encodeForm;
import static dev.fastmcp.testsupport.Browser.hiddenFields;
import static dev.fastmcp.testsupport.Browser.json;
import static dev.fastmcp.testsupport.Browser.location;
import static dev.fastmcp.testsupport.Browser.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testsupport.Browser;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * A FastMCP server signed in through a provider preset, and a browser-like client driving the sign-in by hand:
 * register, authorize, consent, the provider (which approves at once), our callback, the token exchange.
 */
final class SignInHarness implements AutoCloseable {

    static final String CLIENT_REDIRECT = "http://127.0.0.1:47123/callback";

    final FastMCP server;
    /**
     * What the browser does with the provider's authorization URL before loading it; mock-oauth2-server shows an
     * interactive login page for {@code prompt}, which a test skips by dropping it (after checking it was sent).
     */
    UnaryOperator<String> atProvider = UnaryOperator.identity();
    private final Browser browser = new Browser();

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
        HttpResponse<String> r = browser.postJson(base() + "/oauth/register", "{\"client_name\":\"Provider test\","
                + "\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\","
                + "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"response_types\":[\"code\"]}");
        assertEquals(201, r.statusCode(), r.body());
        return (String) json(r).get("client_id");
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
        HttpResponse<String> page = browser.get(base() + "/oauth/authorize?" + encodeForm(p));
        Map<String, String> fields = hiddenFields(page);
        lastConsentPage = page.body();
        assertNotNull(fields.get("transaction_id"), page.body());
        fields.put("action", "approve");
        // the browser sends back the CSRF cookie the consent page set
        HttpResponse<String> approve = browser.postForm(base() + "/oauth/consent", fields, "Cookie", cookies(page));
        String upstream = location(approve);
        String callback = location(browser.get(atProvider.apply(upstream)));
        assertTrue(callback.startsWith(base() + "/oauth/callback?"), callback);
        String clientUrl = location(browser.get(callback, "Cookie", cookies(approve)));
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
        HttpResponse<String> tokens = browser.postForm(base() + "/oauth/token", exchange);
        assertEquals(200, tokens.statusCode(), tokens.body());
        return new SignIn(upstream, query(upstream), back, json(tokens));
    }

    /** Our refresh grant. */
    HttpResponse<String> refresh(String clientId, String refreshToken) throws IOException, InterruptedException {
        return browser.postForm(base() + "/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token",
                refreshToken, "client_id", clientId));
    }

    /** Calls a tool over MCP with {@code accessToken} as the bearer token; returns its text (it must succeed). */
    String callTool(String accessToken, String tool) {
        try (McpTestClient client = McpTestClient.overHttp(server, o -> o.bearerToken(accessToken))) {
            return client.callTool(tool).assertSuccess().text();
        }
    }

    /** The HTTP status of an MCP {@code initialize} with {@code accessToken}. */
    int initializeStatus(String accessToken) throws IOException, InterruptedException {
        return browser.postMcp(base() + "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":"
                + "{\"name\":\"raw\",\"version\":\"1\"}}}", accessToken).statusCode();
    }

    /** Tools' view of a list, for assertions. */
    static String join(List<?> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
}
