package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.MultiAuth;
import dev.fastmcp.ServiceUnavailableException;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.StaticTokenVerifier;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.testing.McpTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * People through the OAuth proxy and machines with API keys on one endpoint: each token accepted by the first
 * verifier that knows it, and one challenge, the proxy's.
 */
@Timeout(60)
class MultiAuthTest {

    private static ProxyHarness harness() {
        return new ProxyHarness(null, (idp, b) -> b, s -> s, proxy -> auth(proxy));
    }

    private static MultiAuth auth(OAuthProxy proxy) {
        TokenVerifier apiKeys = new StaticTokenVerifier(Map.of("ci-key-7f3a9c", Map.of("sub", "ci-robot",
                "scope", "openid")));
        return MultiAuth.builder(proxy)
                .verifier(apiKeys)
                .verifier(token -> {
                    if (token.startsWith("flaky-")) {
                        throw new ServiceUnavailableException("the machines' key store is down", Duration.ofSeconds(3), null);
                    }
                    return token.equals("partner-token")
                            ? TokenVerification.valid(AuthSession.of("partner", List.of("openid")))
                            : TokenVerification.invalid("not a partner token");
                })
                .build();
    }

    @Test
    void peopleAndMachinesAreEachAcceptedByTheirOwnVerifier() throws Exception {
        try (ProxyHarness h = harness()) {
            String person = (String) h.tokensFor(h.registerPublic(), "ada").get("access_token");
            try (McpTestClient client = McpTestClient.overHttp(h.server, o -> o.bearerToken(person))) {
                client.callTool("whoami").assertTextContains("ada|");
                client.with(o -> o.bearerToken("ci-key-7f3a9c")).callTool("whoami").assertText("ci-robot|null|null");
                client.with(o -> o.bearerToken("partner-token")).callTool("whoami").assertText("partner|null|null");
            }
        }
    }

    @Test
    void anUnknownTokenGetsTheProxysOneChallenge() throws Exception {
        try (ProxyHarness h = harness()) {
            McpHttp raw = McpHttp.to(h.server);
            HttpResponse<String> refused = raw.initialize("guessed-key");
            assertEquals(401, refused.statusCode());
            Map<String, String> challenge = McpHttp.challenge(refused);
            assertEquals("invalid_token", challenge.get("error"));
            assertTrue(challenge.get("resource_metadata").endsWith("/.well-known/oauth-protected-resource/mcp"),
                    challenge.toString());
            assertEquals(1, refused.headers().allValues("WWW-Authenticate").size(), "one challenge");
        }
    }

    @Test
    void aVerifierThatCannotCheckNowIs503OnlyWhenNoOtherAccepts() throws Exception {
        try (ProxyHarness h = harness()) {
            McpHttp raw = McpHttp.to(h.server);
            HttpResponse<String> down = raw.initialize("flaky-123");
            assertEquals(503, down.statusCode(), down.body());
            assertTrue(down.headers().firstValue("Retry-After").isPresent());
            assertEquals(200, McpHttp.to(h.server).initialize("ci-key-7f3a9c").statusCode(),
                    "the others still decide their own tokens");
        }
    }

    @Test
    void aMultiAuthWithoutAnotherVerifierIsRefusedAtBuild() {
        try (ProxyHarness h = new ProxyHarness()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MultiAuth.builder(h.proxy).build());
            assertTrue(e.getMessage().contains("verifier(...)"), e.getMessage());
        }
    }
}
