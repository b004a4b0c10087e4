package dev.fastmcp.auth;

import static dev.fastmcp.auth.ResourceServerTest.BASE_URL;
import static dev.fastmcp.auth.ResourceServerTest.ISSUER;
import static dev.fastmcp.auth.ResourceServerTest.RESOURCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.FastMCP;
import dev.fastmcp.LogCapture;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import dev.fastmcp.auth.testing.McpHttp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tokens, {@code Authorization} header values, API keys and other secrets never reach the server's logs (at
 * debug level) nor its error responses, through a full authenticated exchange and every kind of refusal.
 */
@Timeout(90)
class TokenHygieneTest {

    /** Everything secret that crossed the wire in a test, and every response the server gave. */
    private final List<String> secrets = new ArrayList<>();
    private final List<String> responses = new ArrayList<>();

    private static final String[] SERVER_LOGGERS = {"dev.fastmcp", "io.modelcontextprotocol", "io.undertow",
        "org.xnio", "reactor"};

    /** Registers a secret; a JWT's payload and signature count on their own too. */
    private String secret(String value) {
        secrets.add(value);
        String[] parts = value.split("\\.");
        if (parts.length == 3) {
            secrets.add(parts[1]);
            secrets.add(parts[2]);
        }
        return value;
    }

    private HttpResponse<String> seen(HttpResponse<String> r) {
        responses.add(r.statusCode() + " " + r.headers().map() + "\n" + r.body());
        return r;
    }

    private void assertNoSecretIn(String where, String text) {
        for (String s : secrets) {
            assertTrue(!text.contains(s), () -> where + " contains a secret (" + s.substring(0, Math.min(6,
                    s.length())) + "...):\n" + text);
        }
    }

    private void assertClean(LogCapture logs) {
        String log = logs.text();
        assertTrue(log.contains("DEBUG dev.fastmcp."), "the capture sees the server's debug output:\n" + log);
        assertNoSecretIn("the server log", log);
        for (String r : responses) {
            assertNoSecretIn("a response", r);
        }
    }

    @Test
    void bearerTokensNeverReachTheLogsOrErrorBodies() throws Exception {
        RSAKeyPair keys = RSAKeyPair.generate();
        String privateKey = keys.privateKeyPem().split("\n")[1];
        secrets.add(privateKey);
        try (JWKSHost jwks = new JWKSHost(keys); LogCapture logs = new LogCapture(SERVER_LOGGERS)) {
            FastMCP server = ResourceServerTest.notesTools(FastMCP.builder("notes", "1.0.0")
                            .auth(ResourceServerTest.provider(jwks, RESOURCE)).baseUrl(BASE_URL))
                    .build().start(StartOptions.http().port(0));
            try {
                String good = secret(keys.createToken("alice", ISSUER, RESOURCE, List.of("notes:read"),
                        Duration.ofHours(1), Map.of("client_id", "cli-1"), null));
                String expired = secret(keys.createToken("alice", ISSUER, RESOURCE, List.of("notes:read"),
                        Duration.ofMinutes(-5), Map.of(), null));
                String otherAudience = secret(keys.createToken("alice", ISSUER, "https://other.example.com/mcp",
                        List.of("notes:read")));
                String otherKey = secret(RSAKeyPair.generate().createToken("alice", ISSUER, RESOURCE,
                        List.of("notes:read")));
                String opaque = secret("opaque-" + UUID.randomUUID());
                String inQuery = secret(keys.createToken("alice", ISSUER, RESOURCE, List.of("notes:read")));
                String password = secret("s3cr3t-" + UUID.randomUUID());
                String basic = secret(Base64.getEncoder().encodeToString(("alice:" + password)
                        .getBytes(StandardCharsets.UTF_8)));

                McpHttp mcp = McpHttp.to(server);
                seen(mcp.get(McpHttp.local(server, "/.well-known/oauth-protected-resource/mcp")));
                for (String bad : List.of(expired, otherAudience, otherKey, opaque)) {
                    assertEquals(401, seen(mcp.post(bad, McpHttp.initializeJson(1))).statusCode());
                }
                assertEquals(401, seen(mcp.post(null, McpHttp.initializeJson(2), "Authorization", "Basic " + basic))
                        .statusCode());
                assertEquals(401, seen(new McpHttp(URI.create(mcp.endpoint + "?access_token=" + inQuery))
                        .post(null, McpHttp.initializeJson(3))).statusCode());

                assertEquals(200, seen(mcp.initialize(good)).statusCode());
                seen(mcp.listTools(good));
                seen(mcp.callTool(good, 4, "whoami"));
                assertEquals(403, seen(mcp.callTool(good, 5, "add_note")).statusCode());
                seen(mcp.callTool(good, 6, "admin_report"));
                assertEquals(401, seen(mcp.listTools(expired)).statusCode());
                assertEquals(404, seen(mcp.listTools(secret(keys.createToken("mallory", ISSUER, RESOURCE,
                        List.of("notes:read"))))).statusCode());
                assertEquals(200, mcp.openStream(good));
                assertEquals(200, seen(mcp.delete(good)).statusCode());
            } finally {
                server.close();
            }
            assertClean(logs);
        }
    }

    @Test
    void apiKeysNeverReachTheLogsEvenWhenTheAuthenticateHookFails() throws Exception {
        UUID validKey = UUID.randomUUID();
        secret(validKey.toString());
        try (LogCapture logs = new LogCapture(SERVER_LOGGERS)) {
            FastMCP server = ResourceServerTest.notesTools(FastMCP.builder("notes-keys", "1.0.0")
                    .authenticate(request -> {
                        String key = request.header("x-api-key");
                        if (key == null) {
                            return null;
                        }
                        // A plausible hook: API keys are UUIDs. A malformed key makes UUID.fromString throw an
                        // exception whose message quotes the key.
                        return UUID.fromString(key).equals(validKey)
                                ? AuthSession.of("svc", List.of("notes:read")) : null;
                    }))
                    .build().start(StartOptions.http().port(0));
            try {
                McpHttp mcp = McpHttp.to(server);
                String malformed = secret("sk_" + UUID.randomUUID().toString().replace("-", ""));
                String wrong = secret(UUID.randomUUID().toString());
                assertEquals(401, seen(mcp.post(null, McpHttp.initializeJson(1), "x-api-key", malformed))
                        .statusCode());
                assertEquals(401, seen(mcp.post(null, McpHttp.initializeJson(2), "x-api-key", wrong)).statusCode());
                HttpResponse<String> init = seen(mcp.post(null, McpHttp.initializeJson(3), "x-api-key",
                        validKey.toString()));
                assertEquals(200, init.statusCode());
                mcp.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
                seen(mcp.post(null, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/list\"}", "x-api-key",
                        validKey.toString()));
                assertEquals(401, seen(mcp.post(null, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}",
                        "x-api-key", malformed)).statusCode());
            } finally {
                server.close();
            }
            String log = logs.text();
            assertTrue(log.contains("authenticate failed"), "the hook failure is logged:\n" + log);
            assertTrue(log.contains("java.lang.IllegalArgumentException") && log.contains("at java.base/java.util.UUID"
                    + ".fromString("), "its class and stack frames stay in the debug log, to diagnose it:\n" + log);
            assertClean(logs);
        }
    }

    @Test
    void staticDevelopmentTokensNeverReachTheLogs() throws Exception {
        String devToken = secret("dev-" + UUID.randomUUID());
        try (LogCapture logs = new LogCapture(SERVER_LOGGERS)) {
            FastMCP server = ResourceServerTest.notesTools(FastMCP.builder("notes-dev", "1.0.0")
                    .auth(new StaticTokenVerifier(Map.of(devToken, Map.of("sub", "alice", "scope", "notes:read")))))
                    .build().start(StartOptions.http().port(0));
            try {
                McpHttp mcp = McpHttp.to(server);
                String unknown = secret("dev-" + UUID.randomUUID());
                assertEquals(401, seen(mcp.post(unknown, McpHttp.initializeJson(1))).statusCode());
                assertEquals(200, seen(mcp.initialize(devToken)).statusCode());
                seen(mcp.callTool(devToken, 2, "whoami"));
                assertEquals(403, seen(mcp.callTool(devToken, 3, "add_note")).statusCode());
            } finally {
                server.close();
            }
            assertClean(logs);
        }
    }
}
