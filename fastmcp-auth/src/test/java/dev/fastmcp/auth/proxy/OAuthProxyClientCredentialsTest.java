package dev.fastmcp.auth.proxy;

import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Tool;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.storage.TokenStorage;
import dev.fastmcp.testing.McpTestClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.keys.EllipticCurves;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client-credentials extension ({@code io.modelcontextprotocol/oauth-client-credentials}): machine clients the
 * operator configured get tokens of their own at the token endpoint, with a secret or a signed assertion, for the
 * scopes they are allowed; nobody else can use the grant, and they can use nothing else.
 */
@Timeout(60)
class OAuthProxyClientCredentialsTest {

    private static final String REPORT_SECRET = "q7G2mZ0v9Lr4xT1bN8cW5pK3sD6fH0jQ2uY7eA9iO4w=";
    private static final String MODERN = "2026-07-28";
    private static EllipticCurveJsonWebKey deployKey;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<ProxyHarness> harnesses = new java.util.ArrayList<>();

    @BeforeAll
    static void keys() throws Exception {
        deployKey = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        deployKey.setKeyId("deploy-1");
    }

    @AfterEach
    void stop() {
        harnesses.forEach(ProxyHarness::close);
    }

    private static String publicJwks(EllipticCurveJsonWebKey key) {
        return new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** A report bot (secret, notes:read, role reporting) and a deploy bot (keys, notes:read notes:write). */
    private static Clients machines(Clients c) {
        return c.clientCredentials(
                MachineClient.withSecret("report-bot", REPORT_SECRET).scopes("notes:read")
                        .claims(Map.of("roles", List.of("reporting"))),
                MachineClient.withPublicKeys("deploy-bot", publicJwks(deployKey)).scopes("notes:read", "notes:write"));
    }

    private ProxyHarness harness(String baseUrl, UnaryOperator<OAuthProxy.Builder> proxy) {
        ProxyHarness h = new ProxyHarness(baseUrl, (idp, b) -> proxy.apply(b), app -> app
                .addTool(Tool.builder("write_note").description("Writes a note").canAccess(requireScopes("notes:write"))
                        .execute((args, ctx) -> "written by " + ctx.auth().subject()).build())
                .addTool(Tool.builder("report").description("The report").canAccess(requireRole("reporting"))
                        .execute((args, ctx) -> "report for " + ctx.auth().clientId()).build()));
        harnesses.add(h);
        return h;
    }

    private ProxyHarness harness() {
        return harness(null, b -> b.clients(OAuthProxyClientCredentialsTest::machines));
    }

    private static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> reportBotToken(ProxyHarness h, String... form) throws Exception {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "client_credentials");
        for (int i = 0; i < form.length; i += 2) {
            body.put(form[i], form[i + 1]);
        }
        return h.postForm("/oauth/token", body, "Authorization", basic("report-bot", REPORT_SECRET));
    }

    private static String assertion(java.security.Key key, String audience, String jti) throws Exception {
        return OAuthProxyCimdKeysTest.assertion(key, "deploy-1", AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                "deploy-bot", audience, jti);
    }

    private static HttpResponse<String> deployBotToken(ProxyHarness h, String assertion, String... form)
            throws Exception {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("grant_type", "client_credentials");
        body.put("client_assertion_type", ClientAssertions.TYPE);
        body.put("client_assertion", assertion);
        for (int i = 0; i < form.length; i += 2) {
            body.put(form[i], form[i + 1]);
        }
        return h.postForm("/oauth/token", body);
    }

    private static void assertOAuthError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(error, json(r).get("error"), r.body());
    }

    private static McpTestClient client(ProxyHarness h, String token) {
        return McpTestClient.overHttp(h.server, o -> o.bearerToken(token));
    }

    /** {@code server/discover} of MCP 2026-07-28 with {@code token}. */
    private HttpResponse<String> discover(ProxyHarness h, String token) throws Exception {
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\",\"params\":{\"_meta\":{"
                + "\"io.modelcontextprotocol/protocolVersion\":\"" + MODERN + "\","
                + "\"io.modelcontextprotocol/clientCapabilities\":{},"
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}}";
        return http.send(HttpRequest.newBuilder(URI.create(h.mcpUrl())).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Accept", "application/json, text/event-stream")
                .header("Authorization", "Bearer " + token).header("MCP-Protocol-Version", MODERN)
                .header("Mcp-Method", "server/discover")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<?, ?> extensions(HttpResponse<String> discover) {
        assertEquals(200, discover.statusCode(), discover.body());
        Map<?, ?> result = (Map<?, ?>) json(discover).get("result");
        return (Map<?, ?>) ((Map<?, ?>) result.get("capabilities")).get("extensions");
    }

    // ---- the grant ------------------------------------------------------------------------------------------

    @Test
    void clientCredentialsIsOffByDefault() throws Exception {
        ProxyHarness h = harness(null, b -> b);
        Map<String, Object> metadata = json(h.get(h.base() + "/.well-known/oauth-authorization-server"));
        assertFalse(((List<?>) metadata.get("grant_types_supported")).contains("client_credentials"));
        HttpResponse<String> r = h.postForm("/oauth/token", Map.of("grant_type", "client_credentials",
                "client_id", "report-bot", "client_secret", REPORT_SECRET));
        assertOAuthError(r, 400, "unsupported_grant_type");
        String userToken = (String) h.tokensFor(h.registerPublic(), "carol").get("access_token");
        assertFalse(extensions(discover(h, userToken)).containsKey(OAuthProxy.CLIENT_CREDENTIALS_EXTENSION));
    }

    @Test
    void machineClientWithASecretGetsATokenForItsScopesAndCallsTools() throws Exception {
        ProxyHarness h = harness();
        Map<String, Object> metadata = json(h.get(h.base() + "/.well-known/oauth-authorization-server"));
        assertTrue(((List<?>) metadata.get("grant_types_supported")).contains("client_credentials"), metadata.toString());
        assertTrue(((List<?>) metadata.get("token_endpoint_auth_methods_supported")).containsAll(
                List.of("client_secret_basic", "private_key_jwt")), metadata.toString());

        HttpResponse<String> r = reportBotToken(h, "resource", h.mcpUrl());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        Map<String, Object> tokens = json(r);
        assertEquals("Bearer", tokens.get("token_type"));
        assertEquals("notes:read", tokens.get("scope"));
        assertNull(tokens.get("refresh_token"), "no refresh token for client credentials");
        String token = (String) tokens.get("access_token");

        try (McpTestClient client = client(h, token)) {
            client.callTool("whoami").assertText("report-bot|report-bot|null");
            // the configured roles claim is in the token
            client.callTool("report").assertText("report for report-bot");
            // no upstream sign-in behind a machine token: the session has no upstream tokens
            client.callTool("upstream_token").assertText("none");
        }
        assertTrue(extensions(discover(h, token)).containsKey(OAuthProxy.CLIENT_CREDENTIALS_EXTENSION));
    }

    @Test
    void machineClientSecretInTheFormIsAccepted() throws Exception {
        ProxyHarness h = harness();
        HttpResponse<String> r = h.postForm("/oauth/token", Map.of("grant_type", "client_credentials",
                "client_id", "report-bot", "client_secret", REPORT_SECRET, "scope", "notes:read"));
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void wrongMachineSecretIsRefused() throws Exception {
        ProxyHarness h = harness();
        for (String secret : List.of(REPORT_SECRET.substring(1), REPORT_SECRET + "x", "", "wrong")) {
            HttpResponse<String> r = h.postForm("/oauth/token", Map.of("grant_type", "client_credentials"),
                    "Authorization", basic("report-bot", secret));
            assertOAuthError(r, 401, "invalid_client");
            assertFalse(r.body().contains(secret.isEmpty() ? "\u0000" : secret), "the secret is never echoed");
        }
        // the id alone, as a public client would send it
        assertOAuthError(h.postForm("/oauth/token", Map.of("grant_type", "client_credentials",
                "client_id", "report-bot")), 401, "invalid_client");
    }

    @Test
    void machineClientCannotExceedItsScopes() throws Exception {
        ProxyHarness h = harness();
        HttpResponse<String> r = reportBotToken(h, "scope", "notes:read notes:write");
        assertOAuthError(r, 400, "invalid_scope");
        assertTrue(r.body().contains("notes:write"), r.body());
        // and with the token it may have, a tool requiring the other scope is refused
        String token = (String) json(reportBotToken(h)).get("access_token");
        try (McpTestClient client = client(h, token)) {
            client.callTool("write_note").assertRefused(403);
        }
    }

    @Test
    void registeredClientCannotUseClientCredentials() throws Exception {
        ProxyHarness h = harness();
        Map<String, Object> reg = h.register("client_secret_basic", CLIENT_REDIRECT);
        HttpResponse<String> r = h.postForm("/oauth/token", Map.of("grant_type", "client_credentials"),
                "Authorization", basic((String) reg.get("client_id"), (String) reg.get("client_secret")));
        assertOAuthError(r, 400, "unauthorized_client");
        assertOAuthError(h.postForm("/oauth/token", Map.of("grant_type", "client_credentials",
                "client_id", h.registerPublic())), 400, "unauthorized_client");
    }

    @Test
    void machineClientCannotSignUsersIn() throws Exception {
        ProxyHarness h = harness();
        HttpResponse<String> r = h.get(h.authorizeUrl("report-bot", CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s"));
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty(), "no redirect: " + r.headers().map());
        assertTrue(r.body().contains("machine client"), r.body());
        // nor use the other grants
        HttpResponse<String> code = h.postForm("/oauth/token", Map.of("grant_type", "authorization_code",
                "code", "x", "code_verifier", "y"), "Authorization", basic("report-bot", REPORT_SECRET));
        assertOAuthError(code, 400, "unauthorized_client");
        HttpResponse<String> refresh = h.postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                "refresh_token", "x"), "Authorization", basic("report-bot", REPORT_SECRET));
        assertOAuthError(refresh, 400, "unauthorized_client");
    }

    @Test
    void machineTokenForAnotherResourceIsRefused() throws Exception {
        ProxyHarness h = harness();
        assertOAuthError(reportBotToken(h, "resource", "https://other.example.com/mcp"), 400, "invalid_target");
    }

    @Test
    void revokedMachineTokenIsRefusedAtMcp() throws Exception {
        ProxyHarness h = harness();
        String token = (String) json(reportBotToken(h)).get("access_token");
        client(h, token).close();
        HttpResponse<String> revoke = h.postForm("/oauth/revoke", Map.of("token", token),
                "Authorization", basic("report-bot", REPORT_SECRET));
        assertEquals(200, revoke.statusCode(), revoke.body());
        assertEquals(401, discover(h, token).statusCode());
    }

    @Test
    void machineTokensStopWhenTheClientIsNoLongerConfigured() throws Exception {
        TokenStorage storage = new MemoryTokenStorage();
        ProxyHarness first = harness(null, b -> b.clients(OAuthProxyClientCredentialsTest::machines)
                .keysAndStorage(k -> k.tokenStorage(storage)));
        String token = (String) json(reportBotToken(first)).get("access_token");
        // the same server, restarted without the report bot (and, as a control, with it), on the same storage
        ProxyHarness without = harness(first.base(), b -> b.clients(c -> c.clientCredentials(
                MachineClient.withPublicKeys("deploy-bot", publicJwks(deployKey))))
                .keysAndStorage(k -> k.tokenStorage(storage)));
        ProxyHarness with = harness(first.base(), b -> b.clients(OAuthProxyClientCredentialsTest::machines)
                .keysAndStorage(k -> k.tokenStorage(storage)));
        assertEquals(401, discover(without, token).statusCode());
        assertEquals(200, discover(with, token).statusCode());
    }

    // ---- private_key_jwt ------------------------------------------------------------------------------------

    @Test
    void signedAssertionGetsATokenWithTheScopesAsked() throws Exception {
        ProxyHarness h = harness();
        HttpResponse<String> r = deployBotToken(h, assertion(deployKey.getPrivateKey(), h.base(),
                UUID.randomUUID().toString()), "scope", "notes:write");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("notes:write", json(r).get("scope"));
        try (McpTestClient client = client(h, (String) json(r).get("access_token"))) {
            client.callTool("write_note").assertText("written by deploy-bot");
        }
        // the other audiences this server answers to: its token endpoint, and its issuer with a trailing slash
        for (String aud : List.of(h.base() + "/oauth/token", h.base() + "/")) {
            assertEquals(200, deployBotToken(h, assertion(deployKey.getPrivateKey(), aud,
                    UUID.randomUUID().toString())).statusCode());
        }
    }

    @Test
    void replayedClientAssertionIsRefused() throws Exception {
        ProxyHarness h = harness();
        String once = assertion(deployKey.getPrivateKey(), h.base(), UUID.randomUUID().toString());
        assertEquals(200, deployBotToken(h, once).statusCode());
        HttpResponse<String> replay = deployBotToken(h, once);
        assertOAuthError(replay, 401, "invalid_client");
        assertTrue(replay.body().contains("already used"), replay.body());
    }

    @Test
    void assertionSignedWithAnotherKeyIsRefused() throws Exception {
        ProxyHarness h = harness();
        EllipticCurveJsonWebKey other = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        HttpResponse<String> r = deployBotToken(h, assertion(other.getPrivateKey(), h.base(),
                UUID.randomUUID().toString()));
        assertOAuthError(r, 401, "invalid_client");
        assertTrue(r.body().contains("signature"), r.body());
    }

    @Test
    void assertionForAnotherAudienceIsRefused() throws Exception {
        ProxyHarness h = harness();
        HttpResponse<String> r = deployBotToken(h, assertion(deployKey.getPrivateKey(), "https://other.example.com",
                UUID.randomUUID().toString()));
        assertOAuthError(r, 401, "invalid_client");
        assertTrue(r.body().contains("aud"), r.body());
    }

    @Test
    void eachMachineClientUsesOnlyItsOwnMethod() throws Exception {
        ProxyHarness h = harness();
        // the deploy bot has no secret to send; the report bot has no keys to sign with
        assertOAuthError(h.postForm("/oauth/token", Map.of("grant_type", "client_credentials"),
                "Authorization", basic("deploy-bot", REPORT_SECRET)), 401, "invalid_client");
        String signedAsReportBot = OAuthProxyCimdKeysTest.assertion(deployKey.getPrivateKey(), "deploy-1",
                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, "report-bot", h.base(),
                UUID.randomUUID().toString());
        assertOAuthError(deployBotToken(h, signedAsReportBot), 401, "invalid_client");
    }

    // ---- configuration --------------------------------------------------------------------------------------

    @Test
    void weakOrMalformedMachineClientsAreRefusedAtConfiguration() {
        IllegalArgumentException shortSecret = assertThrows(IllegalArgumentException.class,
                () -> MachineClient.withSecret("bot", "too-short"));
        assertTrue(shortSecret.getMessage().contains("at least 32"), shortSecret.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MachineClient.withSecret("https://bot.example.com/c",
                REPORT_SECRET));
        assertThrows(IllegalArgumentException.class, () -> MachineClient.withSecret("a:b", REPORT_SECRET));
        IllegalArgumentException privateKey = assertThrows(IllegalArgumentException.class,
                () -> MachineClient.withPublicKeys("bot", new JsonWebKeySet(deployKey)
                        .toJson(JsonWebKey.OutputControlLevel.INCLUDE_PRIVATE)));
        assertTrue(privateKey.getMessage().contains("private"), privateKey.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MachineClient.withSecret("bot", REPORT_SECRET)
                .claims(Map.of("sub", "admin")));
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> Clients.defaults()
                .clientCredentials(MachineClient.withSecret("bot", REPORT_SECRET),
                        MachineClient.withSecret("bot", REPORT_SECRET + "2")));
        assertTrue(twice.getMessage().contains("'bot'"), twice.getMessage());
        assertFalse(MachineClient.withSecret("bot", REPORT_SECRET).toString().contains(REPORT_SECRET));
        // machine clients get the proxy's tokens, which /mcp does not accept without token swap
        IllegalArgumentException noSwap = assertThrows(IllegalArgumentException.class, () -> OAuthProxy.builder(
                Upstream.of("https://idp.example.com/authorize", "https://idp.example.com/token", "id", "secret"))
                .secret(ProxyHarness.SECRET).enableTokenSwap(false)
                .upstreamTokenVerifier(token -> dev.fastmcp.TokenVerification.invalid("no"))
                .clients(OAuthProxyClientCredentialsTest::machines).build());
        assertTrue(noSwap.getMessage().contains("token swap"), noSwap.getMessage());
    }
}
