package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastmcp.FastMCP;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testing.TestIdentity;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The guarded tools of the {@code custom-oauth} example, called as given identities through its real OAuth proxy,
 * without a sign-in.
 */
class CustomOAuthToolsTest {

    private static FastMCP server() {
        OAuthProxy proxy = OAuthProxy.builder(Upstream.of("https://login.example.com/oauth2/authorize",
                        "https://login.example.com/oauth2/token", "client", "secret"))
                .scopes("openid", "notes:write")
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=")
                .build();
        return CustomOAuthServer.create(proxy);
    }

    @Test
    void eachToolIsForTheCallersItsChecksLetIn() {
        FastMCP server = server();
        TestIdentity alice = TestIdentity.subject("alice").scopes("notes:write").roles("admin");
        try (McpTestClient client = McpTestClient.inMemory(server, o -> o.identity(alice))) {
            client.callTool("admin-report").assertText("All systems nominal");
            client.callTool("write-note").assertText("Note saved");

            McpTestClient bob = client.as(TestIdentity.subject("bob"));
            assertEquals(List.of("whoami"), bob.toolNames());
            bob.callTool("admin-report").assertProtocolError(-32602, "Unknown tool");
        }
    }

    @Test
    void overHttpAMissingScopeIsAStepUpAndTheToolSeesTheCallersClaims() {
        try (McpTestClient client = McpTestClient.overHttp(server(), o -> o.identity(
                TestIdentity.subject("carol").scopes("openid").claim("email", "carol@example.com")))) {
            client.callTool("write-note").assertRefused(403);
            client.callTool("whoami").assertTextContains("\"subject\":\"carol\"")
                    .assertTextContains("\"email\":\"carol@example.com\"");
        }
    }
}
