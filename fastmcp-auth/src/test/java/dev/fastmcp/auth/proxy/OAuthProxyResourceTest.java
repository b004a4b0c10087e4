package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static dev.fastmcp.testsupport.Browser.location;
import static dev.fastmcp.testsupport.Browser.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 8707 {@code resource} at {@code /oauth/authorize} and {@code /oauth/token}: the forms real clients send for
 * our MCP endpoint are accepted, and every other resource, look-alikes included, is refused with
 * {@code invalid_target}, so that no client holds one of our tokens believing it good for another server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OAuthProxyResourceTest {

    private ProxyHarness h;
    private String clientId;

    @BeforeAll
    void start() throws Exception {
        h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0).authorizationRateLimit(0)));
        clientId = h.registerPublic();
    }

    @AfterAll
    void stop() {
        h.close();
    }

    /** What a client sends for our MCP endpoint, each of which must be accepted. */
    private List<String> ourForms() {
        String port = String.valueOf(h.server.port());
        return List.of(h.mcpUrl(),
                h.mcpUrl() + "/",
                h.mcpUrl() + "?source=hosted-client&v=2", // one large hosted client sends the URL the user typed
                h.mcpUrl().replace("http://", "HTTP://"),
                h.base(), // the bare origin: the MCP endpoint is the only resource of this server
                h.base() + "/",
                "http://localhost:" + port + "/mcp"); // a development server answers under every loopback name
    }

    /** Other resources, some written to look like ours. */
    private List<String> otherForms() {
        String port = String.valueOf(h.server.port());
        return List.of("https://other.example/mcp",
                "http://127.0.0.1.evil.example:" + port + "/mcp",
                "http://evil@127.0.0.1:" + port + "/mcp",
                "http://127.0.0.1:" + port + "@evil.example/mcp",
                "https://127.0.0.1:" + port + "/mcp",
                "http://127.0.0.1:1/mcp",
                h.mcpUrl() + "x",
                h.mcpUrl() + "/tools",
                h.base() + "/other/../mcp",
                h.base() + "/%6Dcp",
                h.base() + "/MCP",
                h.mcpUrl() + "#fragment",
                "/mcp",
                "not a url");
    }

    @Test
    void eachFormOfOurResourceIsAcceptedAtAuthorize() throws Exception {
        for (String resource : ourForms()) {
            HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "s", "resource", resource));
            assertEquals(200, page.statusCode(), resource + ": " + page.headers().firstValue("Location"));
        }
    }

    @Test
    void tokenForAnotherResourceIsRefusedAtAuthorize() throws Exception {
        for (String resource : otherForms()) {
            HttpResponse<String> r = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "s", "resource", resource));
            assertEquals(302, r.statusCode(), resource);
            Map<String, String> q = query(location(r));
            assertEquals("invalid_target", q.get("error"), resource);
            assertTrue(q.get("error_description").contains(h.mcpUrl()), q.get("error_description"));
        }
    }

    @Test
    void tokenForAnotherResourceIsRefusedAtTheTokenEndpoint() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "resource-user");
        for (String resource : otherForms()) {
            HttpResponse<String> refused = exchange(cb.code(), pkce.verifier(), resource);
            assertEquals(400, refused.statusCode(), resource);
            assertEquals("invalid_target", json(refused).get("error"), resource);
        }
        // the refusals did not use the code up: the client may still redeem it for our resource
        HttpResponse<String> ok = exchange(cb.code(), pkce.verifier(), h.mcpUrl() + "?source=hosted-client");
        assertEquals(200, ok.statusCode(), ok.body());
        String refreshToken = (String) json(ok).get("refresh_token");
        for (String resource : otherForms()) {
            HttpResponse<String> r = refresh(refreshToken, resource);
            assertEquals(400, r.statusCode(), resource);
            assertEquals("invalid_target", json(r).get("error"), resource);
        }
        HttpResponse<String> refreshed = refresh(refreshToken, h.base());
        assertEquals(200, refreshed.statusCode(), refreshed.body());
    }

    @Test
    void severalResourcesInOneRequestAreInvalidTarget() throws Exception {
        // RFC 8707 lets a client ask for a token good at several resources; ours are good for our endpoint only
        for (String second : List.of(h.mcpUrl(), "https://other.example/mcp")) {
            HttpResponse<String> r = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "s", "resource", h.mcpUrl()) + "&resource="
                    + java.net.URLEncoder.encode(second, java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(302, r.statusCode(), second);
            assertEquals("invalid_target", query(location(r)).get("error"), second);
        }
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "two-resources");
        String form = "grant_type=authorization_code&client_id=" + clientId + "&code=" + cb.code() + "&code_verifier="
                + pkce.verifier() + "&redirect_uri=" + java.net.URLEncoder.encode(CLIENT_REDIRECT,
                java.nio.charset.StandardCharsets.UTF_8) + "&resource=" + java.net.URLEncoder.encode(h.mcpUrl(),
                java.nio.charset.StandardCharsets.UTF_8) + "&resource=https%3A%2F%2Fother.example%2Fmcp";
        HttpResponse<String> refused = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(h.base() + "/oauth/token")).timeout(java.time.Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals("invalid_target", json(refused).get("error"), refused.body());
        // refused before the code was looked at: it still redeems for our resource
        assertEquals(200, exchange(cb.code(), pkce.verifier(), h.mcpUrl()).statusCode());
    }

    @Test
    void eachFormOfOurResourceIsAcceptedAtTheTokenEndpoint() throws Exception {
        for (String resource : ourForms()) {
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "forms-user", "resource",
                    resource);
            HttpResponse<String> r = exchange(cb.code(), pkce.verifier(), resource);
            assertEquals(200, r.statusCode(), resource + ": " + r.body());
            // whatever the spelling, the token is for our MCP endpoint
            Map<String, Object> claims = TokenService.jwtPayload((String) json(r).get("access_token"));
            assertEquals(h.mcpUrl(), String.valueOf(claims.get("aud")).replaceAll("[\\[\\]]", ""));
        }
    }

    private HttpResponse<String> exchange(String code, String verifier, String resource) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", CLIENT_REDIRECT);
        form.put("code_verifier", verifier);
        form.put("client_id", clientId);
        form.put("resource", resource);
        return h.postForm("/oauth/token", form);
    }

    private HttpResponse<String> refresh(String refreshToken, String resource) throws Exception {
        return h.postForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", refreshToken,
                "client_id", clientId, "resource", resource));
    }
}
