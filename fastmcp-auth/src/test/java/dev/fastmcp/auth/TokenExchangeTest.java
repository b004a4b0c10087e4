package dev.fastmcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testing.TestIdentity;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A tool exchanging its caller's upstream token for a downstream API's, at mock-oauth2-server's token endpoint (RFC
 * 8693 token exchange, and the jwt-bearer grant of Entra's on-behalf-of flow).
 */
@Timeout(60)
class TokenExchangeTest {

    private static final String ISSUER = "idp";
    private final MockOAuth2Server idp = new MockOAuth2Server();

    @BeforeEach
    void start() {
        idp.start();
    }

    @AfterEach
    void stop() {
        idp.shutdown();
    }

    /** A signed-in user's upstream access token, for this server's application. */
    private String upstreamToken(String subject) {
        return idp.issueToken(ISSUER, "mcp-server", new DefaultOAuth2TokenCallback(ISSUER, subject, "JWT",
                List.of("mcp-server"), Map.of(), 3600)).serialize();
    }

    private static String payload(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A server whose tool exchanges the caller's token, tested with a caller given by the test kit. */
    private static FastMCP server(Tool tool) {
        return FastMCP.builder("downstream", "1.0.0")
                .auth(new StaticTokenVerifier(Map.of("unused-token", Map.of("sub", "nobody"))))
                .addTool(tool)
                .build();
    }

    @Test
    void aToolGetsATokenForTheDownstreamApiAsItsCaller() {
        String tokenEndpoint = idp.tokenEndpointUrl(ISSUER).toString();
        String clientSecret = "server-secret";
        TokenExchange exchange = TokenExchange.builder(tokenEndpoint, "mcp-server", clientSecret).build();
        Tool calendar = Tool.builder("calendar").description("Reads the caller's calendar")
                .execute((args, ctx) -> {
                    ExchangedToken token = exchange.exchange(ctx.auth(), "calendar-api", "calendar.read");
                    ExchangedToken again = exchange.exchange(ctx.auth(), "calendar-api", "calendar.read");
                    return payload(token.accessToken()) + "|" + (token == again) + "|" + token.issuedTokenType();
                }).build();
        TestIdentity ada = TestIdentity.subject("ada").accessToken(upstreamToken("ada"));
        try (McpTestClient client = McpTestClient.inMemory(server(calendar), o -> o.identity(ada))) {
            String text = client.callTool("calendar").assertSuccess().text();
            assertTrue(text.contains("\"sub\":\"ada\""), text);
            assertTrue(text.contains("\"aud\":\"calendar-api\""), "issued for the downstream API: " + text);
            assertTrue(text.contains("|true|"), "the second exchange came from the cache: " + text);
        }
    }

    @Test
    void entraOnBehalfOfSendsTheJwtBearerGrant() {
        String clientSecret = "server-secret";
        OnBehalfOf obo = OnBehalfOf.builder("contoso.onmicrosoft.com", "mcp-server", clientSecret)
                .authorityBaseUrl(idp.baseUrl().toString())
                .build();
        String token = upstreamToken("grace");
        Tool graph = Tool.builder("graph").description("Calls Graph as the caller")
                .execute((args, ctx) -> {
                    ExchangedToken graphToken = obo.exchange(ctx.auth(), "https://graph.microsoft.com/User.Read");
                    return payload(graphToken.accessToken());
                })
                .build();
        try (McpTestClient client = McpTestClient.inMemory(server(graph),
                o -> o.identity(TestIdentity.subject("grace").accessToken(token)))) {
            String claims = client.callTool("graph").assertSuccess().text();
            assertTrue(claims.contains("\"sub\":\"grace\""), claims);
        }
        String endpoint = obo.toString();
        assertTrue(endpoint.endsWith("/contoso.onmicrosoft.com/oauth2/v2.0/token]"), endpoint);
    }

    @Test
    void aCallerWithoutAnUpstreamTokenIsToldWhy() {
        TokenExchange exchange = TokenExchange.builder(idp.tokenEndpointUrl(ISSUER).toString(), "mcp-server",
                "server-secret").build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> exchange.exchange(AuthSession.of("robot", List.of()), "api"));
        assertTrue(e.getMessage().contains("has no upstream access token"), e.getMessage());
    }

    @Test
    void aRefusalCarriesTheOAuthErrorAndNoToken() {
        TokenExchange exchange = TokenExchange.builder(idp.tokenEndpointUrl(ISSUER).toString(), "mcp-server",
                "server-secret").build();
        AuthSession caller = new AuthSession() {
            @Override
            public String subject() {
                return "eve";
            }

            @Override
            public String clientId() {
                return null;
            }

            @Override
            public java.util.Set<String> scopes() {
                return java.util.Set.of();
            }

            @Override
            public Map<String, Object> claims() {
                return Map.of();
            }

            @Override
            public java.time.Instant expiresAt() {
                return null;
            }

            @Override
            public String accessToken() {
                return "not-a-jwt-secret-value";
            }
        };
        TokenExchangeException e = assertThrows(TokenExchangeException.class,
                () -> exchange.exchange(caller, "api"));
        assertTrue(e.getMessage().startsWith("TokenExchange: the token endpoint refused the exchange with HTTP"),
                e.getMessage());
        assertFalse(e.getMessage().contains("not-a-jwt-secret-value"), "the token is never in a message");
    }

    @Test
    void badConfigurationIsRefusedWithTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> OnBehalfOf.builder("common", "id", "secret")
                .build()).getMessage().contains("not common"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenExchange.builder(
                "http://idp.example.com/token", "id", "secret").build()).getMessage().contains("https"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TokenExchange.builder(
                idp.tokenEndpointUrl(ISSUER).toString(), "id", "").build()).getMessage().contains("secret is missing"));
    }
}
