package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.providers.Auth0Provider;
import dev.fastmcp.providers.CognitoProvider;
import dev.fastmcp.providers.DiscordProvider;
import dev.fastmcp.providers.WorkOSProvider;
import dev.fastmcp.testsupport.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples of the auth0, cognito, workos and discord presets: listed, closed, naming their provider, and naming
 * what is missing to run them.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PresetExamplesTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String url, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void theExamplesAreClosedAndTheirConsentPagesNameTheProvider() throws Exception {
        Map<String, FastMCP> examples = Map.of(
                "Auth0", Auth0Server.create(Auth0Provider.builder("example.us.auth0.com", "auth0-id", "auth0-secret")
                        .audience("https://api.example.com").build()),
                "Amazon Cognito", CognitoServer.create(CognitoProvider.builder(
                                "https://myapp.auth.eu-west-1.amazoncognito.com", "cognito-id", "cognito-secret")
                        .userPool("eu-west-1", "eu-west-1_AbCdEf123").build()),
                "WorkOS", WorkOSServer.create(WorkOSProvider.builder("your-app.authkit.app", "client_01", "secret")
                        .build()),
                "Discord", DiscordServer.create(DiscordProvider.builder("discord-id", "discord-secret").build()));
        for (Map.Entry<String, FastMCP> example : examples.entrySet()) {
            try (FastMCP server = example.getValue().start(StartOptions.http().port(0))) {
                HttpResponse<String> closed = postJson(server.url(), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
                        + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
                assertEquals(401, closed.statusCode(), example.getKey());
                String base = server.url().substring(0, server.url().lastIndexOf('/'));
                HttpResponse<String> registered = postJson(base + "/oauth/register", "{\"client_name\":\"Example "
                        + "test\",\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],\"token_endpoint_auth_method\":"
                        + "\"none\"}");
                assertEquals(201, registered.statusCode(), registered.body());
                String clientId = registered.body().replaceAll(".*\"client_id\":\"([^\"]+)\".*", "$1");
                HttpResponse<String> page = send(HttpRequest.newBuilder(URI.create(base + "/oauth/authorize?"
                        + "response_type=code&client_id=" + clientId + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb"
                        + "&code_challenge=" + "A".repeat(43) + "&code_challenge_method=S256&state=s")));
                assertEquals(200, page.statusCode(), page.body());
                assertTrue(page.body().contains("<strong>" + example.getKey() + "</strong>"), page.body());
            }
        }
    }

    @Test
    void helpListsThemWithTheirVariables() {
        String usage = Main.usage();
        assertTrue(usage.contains("  workos ") && usage.contains("WORKOS_AUTHKIT_DOMAIN, WORKOS_CLIENT_ID, "
                + "WORKOS_CLIENT_SECRET"), usage);
        assertTrue(usage.contains("  discord ") && usage.contains("DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET"), usage);
        assertTrue(usage.contains("  auth0 ") && usage.contains("AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET"),
                usage);
        assertTrue(usage.contains("  cognito ") && usage.contains("COGNITO_DOMAIN, COGNITO_REGION, "
                + "COGNITO_USER_POOL_ID, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET"), usage);
    }

    @Test
    void runWithoutTheirVariablesTheyNameEveryMissingOne() throws Exception {
        Map<String, List<String>> required = Map.of(
                "auth0", List.of("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET"),
                "cognito", List.of("COGNITO_DOMAIN", "COGNITO_REGION", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID",
                        "COGNITO_CLIENT_SECRET"),
                "workos", List.of("WORKOS_AUTHKIT_DOMAIN", "WORKOS_CLIENT_ID", "WORKOS_CLIENT_SECRET"),
                "discord", List.of("DISCORD_CLIENT_ID", "DISCORD_CLIENT_SECRET"));
        for (Map.Entry<String, List<String>> example : required.entrySet()) {
            // Blank counts as unset, whatever the environment of the build holds.
            Map<String, String> unset = new java.util.HashMap<>();
            example.getValue().forEach(name -> unset.put(name, ""));
            try (ChildJvm run = ChildJvm.start(ChildJvm.classPath(), List.of(), unset, Main.class, example.getKey())) {
                run.await(Pattern.compile(Pattern.quote("Set the environment variables "
                        + String.join(", ", example.getValue()) + " to run this example.")), 30);
            }
        }
    }
}
