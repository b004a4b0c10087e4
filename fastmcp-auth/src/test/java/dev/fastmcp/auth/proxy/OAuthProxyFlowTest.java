package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The whole OAuth proxy flow over real HTTP, with mock-oauth2-server as the upstream identity provider. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OAuthProxyFlowTest {

    private ProxyHarness h;

    @BeforeAll
    void start() {
        // One server serves every test here, registering more clients than the per-address limit allows.
        h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)));
    }

    @AfterAll
    void stop() {
        h.close();
    }

    @Test
    void metadataDescribesTheAuthorizationServer() throws Exception {
        Map<String, Object> as = json(h.get(h.base() + "/.well-known/oauth-authorization-server"));
        assertEquals(h.base(), as.get("issuer"));
        assertEquals(h.base() + "/oauth/authorize", as.get("authorization_endpoint"));
        assertEquals(h.base() + "/oauth/token", as.get("token_endpoint"));
        assertEquals(h.base() + "/oauth/register", as.get("registration_endpoint"));
        assertEquals(h.base() + "/oauth/revoke", as.get("revocation_endpoint"));
        assertEquals(List.of("code"), as.get("response_types_supported"));
        assertEquals(List.of("S256"), as.get("code_challenge_methods_supported"));
        assertEquals(List.of("authorization_code", "refresh_token"), as.get("grant_types_supported"));
        assertEquals(List.of("none", "client_secret_basic", "client_secret_post", "private_key_jwt"),
                as.get("token_endpoint_auth_methods_supported"));
        assertEquals(List.of("openid", "profile"), as.get("scopes_supported"));
        assertEquals(true, as.get("authorization_response_iss_parameter_supported"));
        assertEquals(true, as.get("client_id_metadata_document_supported"));
        // the proxy issues no ID tokens: no OpenID provider document, not even the RFC 8414 one under its name
        assertEquals(404, h.get(h.base() + "/.well-known/openid-configuration").statusCode());
        Map<String, Object> prm = json(h.get(h.base() + "/.well-known/oauth-protected-resource/mcp"));
        assertEquals(List.of(h.base()), prm.get("authorization_servers"));
    }

    @Test
    void fullFlowFromRegistrationToRevocation() throws Exception {
        // register a public client
        Map<String, Object> reg = h.register("none", CLIENT_REDIRECT);
        String clientId = (String) reg.get("client_id");
        assertNotNull(reg.get("client_id_issued_at"));
        assertNull(reg.get("client_secret"), "public clients get no secret");
        assertEquals(List.of(CLIENT_REDIRECT), reg.get("redirect_uris"));
        assertEquals("Test client", reg.get("client_name"));

        // authorize -> consent page
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        h.enqueueUser("alice-123");
        HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT, pkce.challenge(), "st-1",
                "resource", h.mcpUrl()));
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
        assertTrue(page.body().contains("Test client"), page.body());
        Map<String, String> fields = ProxyHarness.consentFields(page);
        assertNotNull(fields.get("csrf_token"));

        // approve -> upstream, with our own PKCE challenge and state (not the client's)
        HttpResponse<String> approve = h.consent(fields, "approve");
        String upstream = Browser.location(approve);
        Map<String, String> up = Browser.query(upstream);
        assertEquals("proxy-client", up.get("client_id"));
        assertEquals(h.base() + "/oauth/callback", up.get("redirect_uri"));
        assertEquals("S256", up.get("code_challenge_method"));
        assertNotEquals(pkce.challenge(), up.get("code_challenge"));
        assertNotEquals("st-1", up.get("state"));
        String setCookie = approve.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"), setCookie);

        // upstream auto-approves and comes back to our callback; we redirect to the client
        String callback = Browser.location(h.get(upstream));
        assertTrue(callback.startsWith(h.base() + "/oauth/callback?"), callback);
        String clientUrl = Browser.location(h.get(callback, "Cookie", ProxyHarness.cookie(approve)));
        assertTrue(clientUrl.startsWith(CLIENT_REDIRECT + "?"), clientUrl);
        Map<String, String> back = Browser.query(clientUrl);
        assertEquals("st-1", back.get("state"));
        assertEquals(h.base(), back.get("iss"));
        String code = back.get("code");
        assertTrue(code.length() >= 22);

        // token exchange
        HttpResponse<String> tr = h.exchange(clientId, code, pkce.verifier(), CLIENT_REDIRECT);
        assertEquals(200, tr.statusCode(), tr.body());
        assertEquals("no-store", tr.headers().firstValue("Cache-Control").orElse(null));
        assertEquals("no-cache", tr.headers().firstValue("Pragma").orElse(null));
        Map<String, Object> tokens = json(tr);
        assertEquals("Bearer", tokens.get("token_type"));
        assertEquals(3600, ((Number) tokens.get("expires_in")).intValue());
        assertEquals("openid profile", tokens.get("scope"));
        String access = (String) tokens.get("access_token");
        String refresh = (String) tokens.get("refresh_token");
        Map<String, Object> claims = TokenService.jwtPayload(access);
        assertEquals("alice-123", claims.get("sub"));
        assertEquals(h.mcpUrl(), claims.get("aud"));
        assertEquals(clientId, claims.get("client_id"));
        assertNotNull(claims.get("jti"));

        // MCP with our token; the tool reads the upstream token server-side
        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode());
        assertEquals(List.of("upstream_token", "whoami"), McpHttp.toolNames(mcp.listTools(access)).stream()
                .sorted().toList());
        String upstreamAccess = McpHttp.text(mcp.callTool(access, 3, "upstream_token"));
        assertNotEquals(access, upstreamAccess);
        assertTrue(String.valueOf(TokenService.jwtPayload(upstreamAccess).get("iss")).contains("/idp"),
                "the tool sees the provider's token");
        assertEquals(upstreamAccess, h.proxy.loadUpstreamTokens(access).accessToken());
        assertEquals("alice-123|" + clientId + "|alice-123@example.com", McpHttp.text(mcp.callTool(access, 4, "whoami")));
        assertFalse(tr.body().contains(upstreamAccess), "the client never sees upstream tokens");

        // refresh rotates: the new pair works, the old refresh token is dead, the old access token too
        HttpResponse<String> rr = h.refresh(clientId, refresh);
        assertEquals(200, rr.statusCode(), rr.body());
        Map<String, Object> rotated = json(rr);
        String access2 = (String) rotated.get("access_token");
        String refresh2 = (String) rotated.get("refresh_token");
        assertNotEquals(refresh, refresh2);
        assertEquals(401, mcp.listTools(access).statusCode(), "the access token of the rotated pair is revoked");
        // a duplicate within the grace period gets the same pair (reuse after it: OAuthProxyThreatTest)
        HttpResponse<String> duplicate = h.refresh(clientId, refresh);
        assertEquals(200, duplicate.statusCode(), duplicate.body());
        assertEquals(access2, json(duplicate).get("access_token"));
        assertEquals(refresh2, json(duplicate).get("refresh_token"));

        // a second sign-in of the same client: a grant of its own
        Map<String, Object> fresh = h.tokensFor(clientId, "alice-123");
        String access3 = (String) fresh.get("access_token");
        String refresh3 = (String) fresh.get("refresh_token");
        McpHttp mcp3 = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp3.initialize(access3).statusCode());
        assertEquals(200, new McpHttp(URI.create(h.mcpUrl())).initialize(access2).statusCode());

        // revoke the refresh token: every token of the grant stops at once
        HttpResponse<String> rv = h.postForm("/oauth/revoke", Map.of("token", refresh3, "client_id", clientId));
        assertEquals(200, rv.statusCode(), rv.body());
        assertEquals(401, mcp3.listTools(access3).statusCode());
        assertNull(h.proxy.loadUpstreamTokens(access3));
        assertEquals(200, h.postForm("/oauth/revoke", Map.of("token", "unknown", "client_id", clientId)).statusCode());
    }

    @Test
    void revokingAnAccessTokenStopsItAtOnce() throws Exception {
        String clientId = h.registerPublic();
        String access = (String) h.tokensFor(clientId, "bob").get("access_token");
        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode());
        assertEquals(200, h.postForm("/oauth/revoke", Map.of("token", access, "client_id", clientId)).statusCode());
        assertEquals(401, mcp.listTools(access).statusCode());
    }

    @Test
    void aRevokedProxyTokenIsRefusedAtOnceThoughItsVerificationIsCached() throws Exception {
        try (ProxyHarness own = new ProxyHarness()) {
            String clientId = own.registerPublic();
            String access = (String) own.tokensFor(clientId, "carol").get("access_token");
            McpHttp mcp = new McpHttp(URI.create(own.mcpUrl()));
            assertEquals(200, mcp.initialize(access).statusCode());
            assertEquals(200, mcp.listTools(access).statusCode()); // served from the cache
            assertEquals(200, mcp.listTools(access).statusCode());

            assertEquals(200, own.postForm("/oauth/revoke", Map.of("token", access, "client_id", clientId))
                    .statusCode());
            assertEquals(401, mcp.listTools(access).statusCode());
            assertEquals(401, mcp.listTools(access).statusCode());
        }
    }

    @Test
    void sdkClientListsAndCallsToolsWithTheProxyToken() throws Exception {
        String clientId = h.registerPublic();
        String access = (String) h.tokensFor(clientId, "carol").get("access_token");
        try (McpTestClient client = McpTestClient.overHttp(h.server, o -> o.bearerToken(access))) {
            assertEquals(List.of("upstream_token", "whoami"), client.toolNames().stream().sorted().toList());
            client.callTool("whoami").assertText("carol|" + clientId + "|carol@example.com");
        }
    }

    @Test
    void confidentialClientAuthenticatesWithBasicOrPost() throws Exception {
        Map<String, Object> reg = h.register("client_secret_basic", CLIENT_REDIRECT);
        String clientId = (String) reg.get("client_id");
        String secret = (String) reg.get("client_secret");
        assertNotNull(secret);
        assertEquals(0, ((Number) reg.get("client_secret_expires_at")).intValue());
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "dave");
        String basic = java.util.Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes());
        HttpResponse<String> r = h.exchange(null, cb.code(), pkce.verifier(), CLIENT_REDIRECT,
                "Authorization", "Basic " + basic);
        assertEquals(200, r.statusCode(), r.body());
        HttpResponse<String> refreshed = h.postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", (String) json(r).get("refresh_token")), "Authorization", "Basic " + basic);
        assertEquals(200, refreshed.statusCode(), refreshed.body());

        Map<String, Object> postReg = h.register("client_secret_post", CLIENT_REDIRECT);
        String postId = (String) postReg.get("client_id");
        PKCEUtils.PKCEPair postPkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback postCb = h.signIn(postId, CLIENT_REDIRECT, postPkce, "dave");
        HttpResponse<String> viaPost = h.postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                "code", postCb.code(), "redirect_uri", CLIENT_REDIRECT, "code_verifier", postPkce.verifier(),
                "client_id", postId, "client_secret", (String) postReg.get("client_secret")));
        assertEquals(200, viaPost.statusCode(), viaPost.body());
    }

    @Test
    void denyingConsentSendsAccessDeniedToTheClient() throws Exception {
        String clientId = h.registerPublic();
        HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "st-deny"));
        Map<String, String> q = Browser.query(Browser.location(h.consent(ProxyHarness.consentFields(page),
                "deny")));
        assertEquals("access_denied", q.get("error"));
        assertEquals("st-deny", q.get("state"));
        assertEquals(h.base(), q.get("iss"));
    }
}
