package dev.fastmcp.auth.proxy;

import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.auth.proxy.ProxyHarness.ISSUER_ID;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Tool;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testing.ToolResult;
import dev.fastmcp.testsupport.Browser;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The options {@code allowedRedirectUriPatterns}, {@code customClaimsPassthrough} and
 * {@code registrationRateLimit}, CORS for browser-based clients, and the metadata before the server starts.
 */
@Timeout(120)
class OAuthProxyOptionsTest {

    private static String registrationJson(String redirectUri) {
        return "{\"client_name\":\"Test client\",\"redirect_uris\":[\"" + redirectUri + "\"],"
                + "\"token_endpoint_auth_method\":\"none\"}";
    }

    // ---- allowedRedirectUriPatterns -------------------------------------------------------------------------

    @Test
    void redirectUriPatternsRefuseTheWildcardBypassAndAcceptAMatch() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b
                .limits(l -> l.allowedRedirectUriPatterns("https://*.example.com/*")))) {
            HttpResponse<String> bypass = h.postJson("/oauth/register", registrationJson("https://evil.com/.example.com/"));
            assertEquals(400, bypass.statusCode(), bypass.body());
            assertEquals("invalid_redirect_uri", json(bypass).get("error"));

            HttpResponse<String> notMatching = h.postJson("/oauth/register", registrationJson(CLIENT_REDIRECT));
            assertEquals(400, notMatching.statusCode(), "a URI valid by itself must still match a pattern");
            assertEquals("invalid_redirect_uri", json(notMatching).get("error"));

            HttpResponse<String> ok = h.postJson("/oauth/register", registrationJson("https://app.example.com/cb"));
            assertEquals(201, ok.statusCode(), ok.body());
            assertEquals(List.of("https://app.example.com/cb"), json(ok).get("redirect_uris"));
        }
    }

    @Test
    void anEmptyPatternListRefusesEveryRegistration() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.allowedRedirectUriPatterns(List.of())))) {
            HttpResponse<String> r = h.postJson("/oauth/register", registrationJson(CLIENT_REDIRECT));
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("invalid_redirect_uri", json(r).get("error"));
        }
    }

    @Test
    void invalidPatternsAreRefusedAtBuild() {
        for (String bad : new String[] {"https://exa*mple.com/cb", "https://*.example.com/cb#frag",
                "https://user@*.example.com/", "not a pattern", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> minimal().limits(l -> l.allowedRedirectUriPatterns(bad)).build(), bad);
            assertTrue(e.getMessage().contains("allowedRedirectUriPatterns") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
        minimal().limits(l -> l.allowedRedirectUriPatterns("https://*.example.com/*", "http://localhost:*")).build();
    }

    // ---- customClaimsPassthrough ----------------------------------------------------------------------------

    /** Signs {@code subject} in with the upstream claims given, without enqueuing anything else upstream. */
    private static Map<String, Object> tokensWithUpstreamClaims(ProxyHarness h, String subject,
            Map<String, Object> claims) throws Exception {
        String clientId = h.registerPublic();
        h.idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", List.of("proxy-client"),
                claims, 3600));
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT, pkce.challenge(), "s"));
        HttpResponse<String> approve = h.consent(ProxyHarness.consentFields(page), "approve");
        String callback = h.throughUpstream(approve);
        String clientUrl = Browser.location(h.get(callback, "Cookie", ProxyHarness.cookie(approve)));
        String code = Browser.query(clientUrl).get("code");
        HttpResponse<String> r = h.exchange(clientId, code, pkce.verifier(), CLIENT_REDIRECT);
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> tokens = json(r);
        tokens.put("client_id", clientId);
        return tokens;
    }

    private static void addAdminTool(ProxyHarness h) {
        h.server.addTool(Tool.builder("admin_report").description("Admins only").canAccess(requireRole("admin"))
                .execute((args, ctx) -> "report for " + ctx.auth().subject() + " roles=" + ctx.auth().roles())
                .build());
    }

    /** Calls a tool over HTTP with {@code access} as the bearer token. */
    private static ToolResult call(ProxyHarness h, String access, String tool) {
        try (McpTestClient client = McpTestClient.overHttp(h.server, o -> o.bearerToken(access))) {
            return client.callTool(tool);
        }
    }

    /** A caller the tool's {@code canAccess} refuses: the tool is hidden from it, as if it did not exist. */
    private static void assertHidden(ToolResult result) {
        result.assertProtocolError(McpSchema.ErrorCodes.INVALID_PARAMS, "Unknown tool");
    }

    @Test
    void upstreamRolesReachOurTokensAndTheSessionSoRequireRoleWorks() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            addAdminTool(h);
            Map<String, Object> tokens = tokensWithUpstreamClaims(h, "root-1",
                    Map.of("roles", List.of("admin"), "email", "root@example.com"));
            String access = (String) tokens.get("access_token");
            Map<String, Object> accessClaims = TokenService.jwtPayload(access);
            assertEquals(List.of("admin"), accessClaims.get("roles"));
            assertEquals("root@example.com", accessClaims.get("email"));
            assertEquals("root-1", accessClaims.get("sub"), "the subject is ours, never copied");
            assertEquals(List.of("admin"),
                    TokenService.jwtPayload((String) tokens.get("refresh_token")).get("roles"));

            call(h, access, "admin_report").assertText("report for root-1 roles=[admin]");

            // the refreshed access token carries the claims too
            HttpResponse<String> rr = h.refresh((String) tokens.get("client_id"), (String) tokens.get("refresh_token"));
            assertEquals(200, rr.statusCode(), rr.body());
            String refreshed = (String) json(rr).get("access_token");
            assertEquals(List.of("admin"), TokenService.jwtPayload(refreshed).get("roles"));
            call(h, refreshed, "admin_report").assertText("report for root-1 roles=[admin]");

            // a user without the role is refused
            String plain = (String) tokensWithUpstreamClaims(h, "bob-2", Map.of("roles", List.of("reader")))
                    .get("access_token");
            assertHidden(call(h, plain, "admin_report"));
        }
    }

    @Test
    void disabledPassthroughCopiesNoClaims() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b
                .claimsAndConsent(c -> c.customClaimsPassthrough(ClaimsPassthrough.disabled())))) {
            addAdminTool(h);
            String access = (String) tokensWithUpstreamClaims(h, "root-1", Map.of("roles", List.of("admin")))
                    .get("access_token");
            assertFalse(TokenService.jwtPayload(access).containsKey("roles"));
            assertHidden(call(h, access, "admin_report"));
        }
        assertThrows(NullPointerException.class, () -> minimal()
                .claimsAndConsent(c -> c.customClaimsPassthrough(null)));
    }

    // ---- registrationRateLimit ------------------------------------------------------------------------------

    @Test
    void theEleventhRegistrationInAMinuteFromOneAddressGets429() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> r = h.postJson("/oauth/register", registrationJson(CLIENT_REDIRECT));
                assertEquals(201, r.statusCode(), "registration " + (i + 1) + ": " + r.body());
            }
            HttpResponse<String> limited = h.postJson("/oauth/register", registrationJson(CLIENT_REDIRECT));
            assertEquals(429, limited.statusCode(), limited.body());
            assertEquals("too_many_requests", json(limited).get("error"));
            assertTrue(json(limited).containsKey("error_description"));
            assertEquals("6", limited.headers().firstValue("Retry-After").orElse(null));
            assertEquals("no-store", limited.headers().firstValue("Cache-Control").orElse(null));
        }
    }

    @Test
    void theRegistrationRateLimitIsConfigurable() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(2)))) {
            assertEquals(201, h.postJson("/oauth/register", registrationJson(CLIENT_REDIRECT)).statusCode());
            assertEquals(201, h.postJson("/oauth/register", registrationJson(CLIENT_REDIRECT)).statusCode());
            HttpResponse<String> limited = h.postJson("/oauth/register", registrationJson(CLIENT_REDIRECT));
            assertEquals(429, limited.statusCode());
            assertEquals("30", limited.headers().firstValue("Retry-After").orElse(null));
        }
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)))) {
            for (int i = 0; i < 15; i++) {
                assertEquals(201, h.postJson("/oauth/register", registrationJson(CLIENT_REDIRECT)).statusCode());
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> minimal().limits(l -> l.registrationRateLimit(-1)).build());
        assertTrue(e.getMessage().contains("registrationRateLimit"), e.getMessage());
    }

    // ---- CORS -----------------------------------------------------------------------------------------------

    @Test
    void aBrowserClientOnAnotherLoopbackOriginCanCallRegisterAndToken() throws Exception {
        String inspector = "http://localhost:6274";
        try (ProxyHarness h = new ProxyHarness()) {
            for (String path : List.of("/oauth/register", "/oauth/token", "/oauth/revoke")) {
                HttpResponse<String> preflight = h.browser.http().send(
                        HttpRequest.newBuilder(URI.create(h.base() + path))
                        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                        .header("Origin", inspector)
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "content-type")
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(204, preflight.statusCode(), path);
                assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null), path);
                assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
                assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")
                        .toLowerCase().contains("content-type"));
            }
            HttpResponse<String> register = h.browser.http().send(
                    HttpRequest.newBuilder(URI.create(h.base() + "/oauth/register"))
                    .header("Origin", inspector).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(registrationJson(CLIENT_REDIRECT))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, register.statusCode(), register.body());
            assertEquals("*", register.headers().firstValue("Access-Control-Allow-Origin").orElse(null));

            HttpResponse<String> token = h.postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                    "code", "unknown", "client_id", (String) json(register).get("client_id"), "code_verifier", "x",
                    "redirect_uri", CLIENT_REDIRECT), "Origin", inspector);
            assertEquals(400, token.statusCode(), token.body());
            assertEquals("*", token.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
                    "the browser must be able to read the error too");
        }
    }

    @Test
    void publicOAuthEndpointsAnswerAnyOriginButBrowserNavigationsAndMcpDoNot() throws Exception {
        String inspector = "https://inspector.example.com";
        try (ProxyHarness h = new ProxyHarness()) {
            HttpResponse<String> mcp = h.browser.http().send(HttpRequest.newBuilder(URI.create(h.mcpUrl()))
                    .header("Origin", inspector).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, mcp.statusCode(), "the MCP endpoint keeps its origin policy");

            HttpResponse<String> preflight = h.browser.http().send(
                    HttpRequest.newBuilder(URI.create(h.base() + "/oauth/token"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", inspector)
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "authorization, content-type")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, preflight.statusCode());
            assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Credentials").isEmpty());
            assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("POST"));
            String allowHeaders = preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("")
                    .toLowerCase();
            assertTrue(allowHeaders.contains("authorization") && allowHeaders.contains("content-type"), allowHeaders);

            HttpResponse<String> token = h.postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                    "code", "unknown", "client_id", "unknown", "code_verifier", "x",
                    "redirect_uri", CLIENT_REDIRECT), "Origin", inspector);
            // An unknown client fails client authentication, which comes before the code is looked at: RFC 6749
            // section 5.2 invalid_client, answered 401 with the Basic challenge.
            assertEquals(401, token.statusCode(), token.body());
            assertTrue(token.body().contains("\"error\":\"invalid_client\""), token.body());
            assertTrue(token.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic "),
                    token.headers().map().toString());
            assertEquals("*", token.headers().firstValue("Access-Control-Allow-Origin").orElse(null));

            for (String path : List.of("/.well-known/oauth-authorization-server",
                    "/.well-known/oauth-protected-resource/mcp")) {
                HttpResponse<String> doc = h.get(h.base() + path, "Origin", inspector);
                assertEquals(200, doc.statusCode(), path);
                assertEquals("*", doc.headers().firstValue("Access-Control-Allow-Origin").orElse(null), path);
            }

            HttpResponse<String> authorize = h.get(h.base() + "/oauth/authorize?client_id=x", "Origin", inspector);
            assertEquals(403, authorize.statusCode(), "authorization is a browser navigation with cookies");
            assertTrue(authorize.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        }
    }

    @Test
    void publicRoutesStillCheckTheHost() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            // java.net.http will not send another Host header: write the request by hand
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", h.server.port())) {
                socket.setSoTimeout(10_000);
                String body = "grant_type=refresh_token";
                socket.getOutputStream().write(("POST /oauth/token HTTP/1.1\r\nHost: evil.example.com\r\n"
                        + "Origin: https://inspector.example.com\r\n"
                        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
                        + "\r\nConnection: close\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII)).readLine();
                assertTrue(status.startsWith("HTTP/1.1 403"), status);
            }
        }
    }

    // ---- metadata before start ------------------------------------------------------------------------------

    private static OAuthProxy.Builder minimal() {
        return OAuthProxy.builder(Upstream.of("https://idp.example.com/authorize", "https://idp.example.com/token",
                "id", "secret"))
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    @Test
    void metadataIsAvailableBeforeStartWhenBaseUrlIsGiven() {
        Map<String, Object> m = minimal().options(o -> o.baseUrl("https://mcp.example.com/")).scopes("openid").build()
                .getAuthorizationServerMetadata();
        assertEquals("https://mcp.example.com", m.get("issuer"));
        assertEquals("https://mcp.example.com/oauth/authorize", m.get("authorization_endpoint"));
        assertEquals("https://mcp.example.com/oauth/token", m.get("token_endpoint"));
        assertEquals("https://mcp.example.com/oauth/register", m.get("registration_endpoint"));
        assertEquals("https://mcp.example.com/oauth/revoke", m.get("revocation_endpoint"));
        assertEquals(List.of("openid"), m.get("scopes_supported"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> minimal().build().getAuthorizationServerMetadata());
        assertTrue(e.getMessage().contains("baseUrl"), e.getMessage());
    }
}
