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
