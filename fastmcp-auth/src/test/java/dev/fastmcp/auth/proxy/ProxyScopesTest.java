package dev.fastmcp.auth.proxy;

import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastmcp.auth.testing.McpHttp;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy's scopes as each document names them: {@code offline_access} is the authorization server's to offer,
 * in its own metadata; as a resource server the proxy names it neither in the 401 challenge nor in the protected
 * resource metadata (MCP 2026-07-28).
 */
@Timeout(60)
class ProxyScopesTest {

    @Test
    void offlineAccessIsOfferedByTheAuthorizationServerOnly() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.scopes("openid", "profile", "offline_access"))) {
            Map<String, Object> as = json(h.get(h.base() + "/.well-known/oauth-authorization-server"));
            assertEquals(List.of("openid", "profile", "offline_access"), as.get("scopes_supported"));

            Map<String, Object> prm = json(h.get(h.base() + "/.well-known/oauth-protected-resource/mcp"));
            assertEquals(List.of("openid", "profile"), prm.get("scopes_supported"));

            HttpResponse<String> unauthorized = McpHttp.to(h.server).post(null, McpHttp.initializeJson(0));
            assertEquals(401, unauthorized.statusCode());
            assertEquals("openid profile", McpHttp.challenge(unauthorized).get("scope"));
        }
    }
}
