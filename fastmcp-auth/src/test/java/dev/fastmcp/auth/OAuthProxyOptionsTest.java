package dev.fastmcp.auth;

import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.auth.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.auth.ProxyHarness.ISSUER_ID;
import static dev.fastmcp.auth.ProxyHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Tool;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        try (ProxyHarness h = new ProxyHarness(b -> b.allowedRedirectUriPatterns("https://*.example.com/*"))) {
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
        try (ProxyHarness h = new ProxyHarness(b -> b.allowedRedirectUriPatterns())) {
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
                    () -> minimal().allowedRedirectUriPatterns(bad).build(), bad);
            assertTrue(e.getMessage().contains("allowedRedirectUriPatterns") && e.getMessage().contains("'" + bad + "'"),
                    e.getMessage());
        }
        minimal().allowedRedirectUriPatterns("https://*.example.com/*", "http://localhost:*").build();
    }

    // ---- metadata before start ------------------------------------------------------------------------------

    private static OAuthProxy.Builder minimal() {
        return OAuthProxy.builder()
                .upstreamAuthorizationEndpoint("https://idp.example.com/authorize")
                .upstreamTokenEndpoint("https://idp.example.com/token")
                .upstreamClientId("id")
                .upstreamClientSecret("secret")
                .secret("a-test-secret-of-at-least-32-characters!");
    }

    @Test
    void metadataIsAvailableBeforeStartWhenBaseUrlIsGiven() {
        Map<String, Object> m = minimal().baseUrl("https://mcp.example.com/").scopes("openid").build()
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
