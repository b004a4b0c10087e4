package dev.fastmcp.auth.proxy;

import static dev.fastmcp.Auth.requireAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.testing.McpHttp;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tool reads the access token for the identity provider's APIs from the caller's session, without knowing the
 * proxy's types: under token swap, the upstream token behind the caller's token, never the caller's own; and it
 * does not see the caller's token among the request's headers.
 */
@Timeout(60)
class ProxyAccessTokenTest {

    @Test
    void aToolGetsTheUpstreamAccessTokenFromTheSessionWithoutCasting() throws Exception {
        try (ProxyHarness h = new ProxyHarness(null, (idp, b) -> b, app -> app
                .addTool(Tool.builder("api_token").canAccess(requireAuth())
                        .execute((args, ctx) -> String.valueOf(Auth.getAuthSession(ctx).accessToken())).build())
                .addTool(Tool.builder("authorization_header").canAccess(requireAuth())
                        .execute((args, ctx) -> String.valueOf(ctx.header("authorization"))).build()))) {
            String access = (String) h.tokensFor(h.registerPublic(), ProxyHarness.USER).get("access_token");
            McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
            assertEquals(200, mcp.initialize(access).statusCode());

            String apiToken = McpHttp.text(mcp.callTool(access, 2, "api_token"));
            assertNotEquals(access, apiToken, "never the token the client sent");
            assertTrue(String.valueOf(TokenService.jwtPayload(apiToken).get("iss")).contains("/idp"),
                    "the identity provider's token: " + apiToken);
            assertEquals(h.proxy.loadUpstreamTokens(access).accessToken(), apiToken,
                    "the same token as loadUpstreamTokens");
            assertEquals(McpHttp.text(mcp.callTool(access, 3, "upstream_token")), apiToken);
            assertEquals("null", McpHttp.text(mcp.callTool(access, 4, "authorization_header")),
                    "the caller's credentials are not among the headers a tool reads");
        }
    }

    @Test
    void aSessionWithoutUpstreamTokensHasNoAccessToken() {
        ProxySession machine = new ProxySession("bot", "bot", Set.of("read"), Map.of(), Instant.EPOCH, Map.of(),
                () -> null);
        assertNull(machine.accessToken());
        ProxySession user = new ProxySession("u", "c", Set.of(), Map.of(), null, Map.of(),
                () -> new UpstreamTokens("upstream-at", "Bearer", null, null, null, null));
        assertEquals("upstream-at", user.accessToken());
        assertFalse(user.toString().contains("upstream-at"));
    }
}
