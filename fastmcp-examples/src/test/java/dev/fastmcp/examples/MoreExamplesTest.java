package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.providers.AzureProvider;
import dev.fastmcp.providers.GitHubProvider;
import dev.fastmcp.providers.GoogleProvider;
import dev.fastmcp.providers.KeycloakProvider;
import dev.fastmcp.providers.OktaProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stateless and custom-oauth examples, over real HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MoreExamplesTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> post(String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theStatelessExampleAnswersAToolCallWithoutASession() throws Exception {
        try (FastMCP server = StatelessServer.create().start(StartOptions.http().port(0).stateless(true))) {
            HttpResponse<String> r = post(server.url(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":3}}}",
                    "MCP-Protocol-Version", "2025-06-18");
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("5.0"), r.body());
            assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty(), "no session is created");
        }
    }

    @Test
    void theCustomOAuthExampleIsClosedAndAdvertisesItsAuthorizationServer() throws Exception {
        OAuthProxy proxy = OAuthProxy.builder(Upstream.of("https://login.example.com/oauth2/authorize",
                "https://login.example.com/oauth2/token", "client", "secret"))
                .scopes("openid", "notes:write")
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=")
                .build();
        try (FastMCP server = CustomOAuthServer.create(proxy).start(StartOptions.http().port(0))) {
            HttpResponse<String> r = post(server.url(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                    + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
            assertEquals(401, r.statusCode());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("resource_metadata="));
            String base = server.url().substring(0, server.url().lastIndexOf('/'));
            HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(
                    URI.create(base + "/.well-known/oauth-authorization-server")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, metadata.statusCode());
            assertTrue(metadata.body().contains("\"registration_endpoint\""), metadata.body());
            assertTrue(metadata.body().contains("notes:write"), metadata.body());
            assertFalse(metadata.body().contains("login.example.com"), "the upstream stays behind the proxy");
        }
    }

    /** Registers a client and opens the consent page of a sign-in; returns the page. */
    private HttpResponse<String> consentPage(FastMCP server) throws Exception {
        String base = server.url().substring(0, server.url().lastIndexOf('/'));
        HttpResponse<String> registered = post(base + "/oauth/register", "{\"client_name\":\"Example test\","
                + "\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":\"none\"}");
        assertEquals(201, registered.statusCode(), registered.body());
        String clientId = registered.body().replaceAll(".*\"client_id\":\"([^\"]+)\".*", "$1");
        String query = "response_type=code&client_id=" + clientId + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb"
                + "&code_challenge=" + "A".repeat(43) + "&code_challenge_method=S256&state=s";
        return http.send(HttpRequest.newBuilder(URI.create(base + "/oauth/authorize?" + query)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theProviderExamplesAreClosedAndTheirConsentPagesNameTheProvider() throws Exception {
        Map<String, FastMCP> examples = Map.of(
                "Google", GoogleServer.create(GoogleProvider.builder("google-id", "google-secret").build()),
                "GitHub", GitHubServer.create(GitHubProvider.builder("github-id", "github-secret").build()),
                "Microsoft", AzureServer.create(AzureProvider.builder("azure-id", "azure-secret")
                        .tenant("organizations").build()),
                "Keycloak", KeycloakServer.create(KeycloakProvider.builder("https://sso.example.com/realms/main",
                        "keycloak-id", "keycloak-secret").build()),
                "Okta", OktaServer.create(OktaProvider.builder("https://dev-123.okta.com", "okta-id", "okta-secret")
                        .build()));
        for (Map.Entry<String, FastMCP> example : examples.entrySet()) {
            try (FastMCP server = example.getValue().start(StartOptions.http().port(0))) {
                HttpResponse<String> r = post(server.url(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
                assertEquals(401, r.statusCode(), example.getKey());
                HttpResponse<String> page = consentPage(server);
                assertEquals(200, page.statusCode(), page.body());
                assertTrue(page.body().contains("<strong>" + example.getKey() + "</strong>"), page.body());
            }
        }
    }

    @Test
    void theKeycloakAndOktaExamplesAreListedWithTheVariablesTheyNeed() {
        String usage = Main.usage();
        assertTrue(usage.contains("  keycloak ") && usage.contains("KEYCLOAK_REALM_URL, KEYCLOAK_CLIENT_ID, "
                + "KEYCLOAK_CLIENT_SECRET"), usage);
        assertTrue(usage.contains("  okta ") && usage.contains("OKTA_DOMAIN, OKTA_CLIENT_ID, OKTA_CLIENT_SECRET, "
                + "optional OKTA_AUTHORIZATION_SERVER"), usage);
    }
}
