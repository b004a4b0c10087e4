package dev.fastmcp.auth;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static dev.fastmcp.auth.testing.McpHttp.challenge;
import static dev.fastmcp.auth.testing.McpHttp.challengeHeader;
import static dev.fastmcp.auth.testing.McpHttp.toolNames;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import dev.fastmcp.auth.testing.McpHttp;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A FastMCP server as an OAuth 2.1 protected resource, trusting an external authorization server through
 * {@link RemoteAuthProvider}: one test per applicable row of the MCP authorization checklist (R1-R14), driven
 * over real HTTP with RS256 tokens whose keys are served as a local JWKS.
 */
@Timeout(60)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResourceServerTest {

    static final String ISSUER = "https://auth.example.com";
    static final String BASE_URL = "https://mcp.example.com";
    static final String RESOURCE = BASE_URL + "/mcp";
    static final String METADATA_URL = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";

    private RSAKeyPair keys;
    private JWKSHost jwks;
    private FastMCP server;

    @BeforeAll
    void start() {
        keys = RSAKeyPair.generate();
        jwks = new JWKSHost(keys);
        server = notesServer(b -> b.baseUrl(BASE_URL)).start(StartOptions.http().port(0));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (jwks != null) {
            jwks.close();
        }
    }

    /** The verifier an operator would configure: the authorization server's JWKS, its issuer, this resource. */
    static JWKSVerifier verifier(JWKSHost jwks, String audience) {
        return JWKSVerifier.builder(jwks.url()).issuer(ISSUER).audience(audience).build();
    }

    static RemoteAuthProvider provider(JWKSHost jwks, String audience) {
        return RemoteAuthProvider.builder(verifier(jwks, audience))
                .authorizationServers(ISSUER)
                .scopesSupported("notes:read", "notes:write")
                .build();
    }

    /** The tools every server here offers, guarded by the canAccess helpers. */
    static FastMCP.Builder notesTools(FastMCP.Builder b) {
        return b
                .addTool(Tool.builder("whoami").description("The caller").canAccess(requireAuth())
                        .execute((args, ctx) -> ctx.auth().subject() + "|" + ctx.auth().clientId() + "|"
                                + new TreeSet<>(ctx.auth().scopes()))
                        .build())
                .addTool(Tool.builder("list_notes").description("Lists notes").canAccess(requireScopes("notes:read"))
                        .execute((args, ctx) -> "no notes yet").build())
                .addTool(Tool.builder("add_note").description("Adds a note").canAccess(requireScopes("notes:write"))
                        .execute((args, ctx) -> "saved").build())
                .addTool(Tool.builder("purge_notes").description("Deletes every note")
                        .canAccess(requireScopes("notes:write")).hideWhenScopesMissing()
                        .execute((args, ctx) -> "purged").build())
                .addTool(Tool.builder("admin_report").description("For admins").canAccess(requireRole("admin"))
                        .execute((args, ctx) -> "report").build());
    }

    private FastMCP notesServer(UnaryOperator<FastMCP.Builder> configure) {
        return configure.apply(notesTools(FastMCP.builder("notes", "1.0.0").auth(provider(jwks, RESOURCE))))
                .build();
    }

    private String token(String subject, String... scopes) {
        return keys.createToken(subject, ISSUER, RESOURCE, List.of(scopes));
    }

    private String reader() {
        return token("alice", "notes:read");
    }

    private String writer() {
        return token("alice", "notes:read", "notes:write");
    }

    private McpHttp session(String token) throws Exception {
        McpHttp mcp = McpHttp.to(server);
        HttpResponse<String> init = mcp.initialize(token);
        assertEquals(200, init.statusCode(), init.body());
        return mcp;
    }

    // R1

    @Test
    void r1_protectedResourceMetadataNamesTheResourceAndItsAuthorizationServers() throws Exception {
        McpHttp mcp = McpHttp.to(server);
        HttpResponse<String> r = mcp.get(McpHttp.local(server, "/.well-known/oauth-protected-resource/mcp"));

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        Map<String, Object> prm = McpHttp.json(r.body());
        assertEquals(RESOURCE, prm.get("resource"));
        assertEquals(List.of(ISSUER), prm.get("authorization_servers"));
        assertEquals(List.of("notes:read", "notes:write"), prm.get("scopes_supported"));
        assertEquals(List.of("header"), prm.get("bearer_methods_supported"));
        assertEquals("notes", prm.get("resource_name"));
    }

    @Test
    void r1_aRemoteProviderServesNoAuthorizationServerMetadataOfItsOwn() throws Exception {
        McpHttp mcp = McpHttp.to(server);
        assertEquals(404, mcp.get(McpHttp.local(server, "/.well-known/oauth-authorization-server")).statusCode());
        assertEquals(404, mcp.get(McpHttp.local(server, "/.well-known/openid-configuration")).statusCode());
    }

    // R2, R4

    @Test
    void r2_r4_missingTokenGets401WithResourceMetadataAndScopeInTheChallenge() throws Exception {
        HttpResponse<String> r = McpHttp.to(server).post(null, McpHttp.initializeJson(0));

        assertEquals(401, r.statusCode());
        assertEquals("Bearer resource_metadata=\"" + METADATA_URL + "\", scope=\"notes:read notes:write\"",
                challengeHeader(r), "no error attribute when no token was sent (RFC 6750 section 3.1)");
    }

    // R3

    @Test
    void r3_metadataIsServedAtThePathSuffixedAndTheRootWellKnownUrls() throws Exception {
        McpHttp mcp = McpHttp.to(server);
        HttpResponse<String> suffixed = mcp.get(McpHttp.local(server, "/.well-known/oauth-protected-resource/mcp"));
        HttpResponse<String> root = mcp.get(McpHttp.local(server, "/.well-known/oauth-protected-resource"));

        assertEquals(200, suffixed.statusCode());
        assertEquals(200, root.statusCode());
        assertEquals(RESOURCE, McpHttp.json(suffixed.body()).get("resource"));
        assertEquals(McpHttp.json(suffixed.body()), McpHttp.json(root.body()));
        // The challenge points at the path-suffixed URL, which is where clients look first.
        HttpResponse<String> unauthorized = mcp.post(null, McpHttp.initializeJson(0));
        assertEquals(URI.create(METADATA_URL).getPath(),
                URI.create(challenge(unauthorized).get("resource_metadata")).getPath());
    }

    // R5

    @Test
    void r5_insufficientScopeGets403StepUpChallengeWhileTheToolStaysListed() throws Exception {
        String token = reader();
        McpHttp mcp = session(token);

        assertTrue(toolNames(mcp.listTools(token)).contains("add_note"),
                "a tool refused only for scopes stays listed, so the client can step up");
        HttpResponse<String> r = mcp.callTool(token, 7, "add_note");

        assertEquals(403, r.statusCode(), r.body());
        Map<String, String> challenge = challenge(r);
        assertEquals("insufficient_scope", challenge.get("error"));
        assertEquals(Set.of("notes:read", "notes:write"), Set.of(challenge.get("scope").split(" ")),
                "the scopes to ask for: those granted plus those the tool needs");
        assertEquals(METADATA_URL, challenge.get("resource_metadata"));
        Map<String, Object> body = McpHttp.json(r.body());
        assertEquals(7, body.get("id"), "the 403 is a JSON-RPC error for the call");
        assertTrue(body.containsKey("error"), r.body());
    }

    @Test
    void r5_afterSteppingUpTheSameSessionContinuesWithTheNewToken() throws Exception {
        McpHttp mcp = session(reader());
        assertEquals(403, mcp.callTool(reader(), 1, "add_note").statusCode());

        HttpResponse<String> r = mcp.callTool(writer(), 2, "add_note");

        assertEquals(200, r.statusCode(), "the session's auth is refreshed from each request's token");
        assertEquals("saved", McpHttp.text(r));
    }

    // R7

    @Test
    void r7_initializeWithoutATokenIsRefused() throws Exception {
        McpHttp mcp = McpHttp.to(server);
        HttpResponse<String> r = mcp.initialize(null);

        assertEquals(401, r.statusCode());
        assertNull(mcp.sessionId);
        assertTrue(r.headers().firstValue("Mcp-Session-Id").isEmpty(), "no session for an anonymous caller");
    }

    @Test
    void r7_everyRequestInsideASessionIsAuthenticatedPostGetAndDelete() throws Exception {
        String token = reader();
        McpHttp mcp = session(token);

        assertEquals(401, mcp.listTools(null).statusCode(), "POST without a token inside a session");
        assertEquals(401, mcp.refusedStream(null).statusCode(), "GET without a token inside a session");
        assertEquals(401, mcp.delete(null).statusCode(), "DELETE without a token inside a session");
        assertEquals(401, mcp.listTools("not-a-token").statusCode(), "an invalid token inside a session");

        assertEquals(200, mcp.listTools(token).statusCode(), "the session survived the refused requests");
        assertEquals(200, mcp.openStream(token));
        assertEquals(200, mcp.delete(token).statusCode());
    }

    // R8

    @Test
    void r8_aTokenIssuedForAnotherAudienceIsRefusedAsInvalid() throws Exception {
        String otherAudience = keys.createToken("alice", ISSUER, "https://other.example.com/mcp",
                List.of("notes:read"));
        HttpResponse<String> r = McpHttp.to(server).post(otherAudience, McpHttp.initializeJson(0));

        assertEquals(401, r.statusCode());
        assertEquals("invalid_token", challenge(r).get("error"));
        assertEquals(METADATA_URL, challenge(r).get("resource_metadata"));
    }

    @Test
    void r8_tokensFromAnotherIssuerOrSignedWithAnotherKeyAreRefusedAsInvalid() throws Exception {
        McpHttp mcp = McpHttp.to(server);
        String otherIssuer = keys.createToken("alice", "https://evil.example.com", RESOURCE, List.of("notes:read"));
        String otherKey = RSAKeyPair.generate().createToken("alice", ISSUER, RESOURCE, List.of("notes:read"));
        String forgedKid = RSAKeyPair.generate().createToken("alice", ISSUER, RESOURCE, List.of("notes:read"),
                Duration.ofHours(1), Map.of(), keys.keyId());

        for (String token : List.of(otherIssuer, otherKey, forgedKid)) {
            HttpResponse<String> r = mcp.post(token, McpHttp.initializeJson(0));
            assertEquals(401, r.statusCode());
            assertEquals("invalid_token", challenge(r).get("error"));
        }
    }

    // R9

    @Test
    void r9_anExpiredTokenIsRefusedAsInvalid() throws Exception {
        String expired = keys.createToken("alice", ISSUER, RESOURCE, List.of("notes:read"), Duration.ofMinutes(-5),
                Map.of(), null);
        HttpResponse<String> r = McpHttp.to(server).post(expired, McpHttp.initializeJson(0));

        assertEquals(401, r.statusCode());
        Map<String, String> challenge = challenge(r);
        assertEquals("invalid_token", challenge.get("error"));
        assertEquals("notes:read notes:write", challenge.get("scope"));
        assertTrue(challenge.get("error_description").contains("expired"), challenge.toString());
    }

    @Test
    void r9_aTokenThatExpiresDuringASessionIsRefusedFromThenOn() throws Exception {
        // Valid for 2 s, and the verifier allows no clock skew here, so it expires mid-session.
        String audience = RESOURCE;
        FastMCP strict = FastMCP.builder("strict", "1")
                .auth(RemoteAuthProvider.builder(JWKSVerifier.builder(jwks.url()).issuer(ISSUER).audience(audience)
                        .clockLeeway(Duration.ZERO).build()).authorizationServers(ISSUER).build())
                .baseUrl(BASE_URL)
                .addTool(Tool.builder("t").execute((a, c) -> "ok").build())
                .build().start(StartOptions.http().port(0));
        try {
            String shortLived = keys.createToken("alice", ISSUER, audience, List.of(), Duration.ofSeconds(2),
                    Map.of(), null);
            McpHttp mcp = McpHttp.to(strict);
            assertEquals(200, mcp.initialize(shortLived).statusCode());
            Thread.sleep(3_100);
            HttpResponse<String> r = mcp.listTools(shortLived);
            assertEquals(401, r.statusCode());
            assertEquals("invalid_token", challenge(r).get("error"));
        } finally {
            strict.close();
        }
    }

    // R10

    @Test
    void r10_statusCodes401ForMissingOrInvalidCredentials403ForScopes200Otherwise() throws Exception {
        McpHttp mcp = session(reader());
        String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

        assertEquals(401, mcp.post(null, ping).statusCode(), "no Authorization header");
        assertEquals(401, mcp.post(null, ping, "Authorization", "Basic YWxpY2U6cGFzc3dvcmQ=").statusCode(),
                "another scheme");
        assertEquals(401, mcp.post(null, ping, "Authorization", "Bearer ").statusCode(), "an empty bearer token");
        assertEquals(401, mcp.post("garbage", ping).statusCode(), "a malformed token");
        assertEquals(403, mcp.callTool(reader(), 2, "add_note").statusCode(), "insufficient scope");
        assertEquals(200, mcp.post(reader(), ping).statusCode());
        assertEquals(200, mcp.post(null, ping, "Authorization", "bearer " + reader()).statusCode(),
                "the scheme name is case-insensitive");
    }

    // R12

    @Test
    void r12_aTokenInTheQueryStringIsNeverAccepted() throws Exception {
        String token = reader();
        McpHttp query = new McpHttp(URI.create(McpHttp.to(server).endpoint + "?access_token=" + token));

        HttpResponse<String> r = query.post(null, McpHttp.initializeJson(0));

        assertEquals(401, r.statusCode());
        assertNull(challenge(r).get("error"), "treated as no token at all");
        assertFalse(r.body().contains(token));
    }

    // R13

    @Test
    void r13_theCanonicalResourceIsLowerCaseWithoutATrailingSlash() throws Exception {
        FastMCP shouting = FastMCP.builder("shouting", "1").auth(provider(jwks, RESOURCE))
                .baseUrl("HTTPS://MCP.Example.COM/")
                .addTool(Tool.builder("t").execute((a, c) -> "ok").build())
                .build().start(StartOptions.http().port(0));
        try {
            assertEquals(RESOURCE, shouting.url());
            McpHttp mcp = McpHttp.to(shouting);
            assertEquals(RESOURCE, McpHttp.json(mcp.get(McpHttp.local(shouting,
                    "/.well-known/oauth-protected-resource/mcp")).body()).get("resource"));
            assertEquals(METADATA_URL, challenge(mcp.post(null, McpHttp.initializeJson(0))).get("resource_metadata"));
            assertEquals(200, mcp.initialize(token("alice", "notes:read")).statusCode(),
                    "tokens for the canonical resource are accepted");
        } finally {
            shouting.close();
        }
    }

    // R14

    @Test
    void r14_aSessionPresentedByAnotherSubjectIsNotFound() throws Exception {
        McpHttp mcp = session(reader());
        String mallory = token("mallory", "notes:read", "notes:write");

        assertEquals(404, mcp.listTools(mallory).statusCode(), "POST");
        assertEquals(404, mcp.refusedStream(mallory).statusCode(), "GET");
        assertEquals(404, mcp.delete(mallory).statusCode(), "DELETE");
        assertEquals(200, mcp.listTools(reader()).statusCode(), "the owner's session is intact");
    }

    @Test
    void r14_sessionIdsAreUnpredictable() throws Exception {
        String a = session(reader()).sessionId;
        String b = session(reader()).sessionId;
        assertFalse(a.equals(b));
        assertTrue(a.length() >= 32, "a session id carries enough randomness: " + a);
    }

    // The rest of the behaviour a protected server promises.

    @Test
    void theUnauthorizedBodyIsAJsonRpcErrorEchoingTheRequestIdOnceTheBodyIsRead() throws Exception {
        McpHttp mcp = McpHttp.to(server);
        HttpResponse<String> withoutToken = mcp.post(null, McpHttp.initializeJson("\"init-42\""));
        HttpResponse<String> byString = mcp.post("bad", McpHttp.initializeJson("\"init-42\""));
        HttpResponse<String> byNumber = mcp.post("bad", McpHttp.initializeJson(17));

        assertTrue(byString.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        Map<String, Object> s = McpHttp.json(byString.body());
        assertEquals("2.0", s.get("jsonrpc"));
        assertEquals("init-42", s.get("id"));
        assertTrue(s.get("error") instanceof Map<?, ?> e && e.get("code") instanceof Integer
                && e.get("message") instanceof String, byString.body());
        assertEquals(17, McpHttp.json(byNumber.body()).get("id"));
        // without a token the request is refused before its body is read: no id to echo
        Map<String, Object> none = McpHttp.json(withoutToken.body());
        assertEquals(401, withoutToken.statusCode());
        assertTrue(none.containsKey("id") && none.get("id") == null, withoutToken.body());
        assertTrue(none.get("error") instanceof Map<?, ?>, withoutToken.body());
    }

    @Test
    void toolsReceiveTheVerifiedSession() throws Exception {
        String token = keys.createToken("alice", ISSUER, RESOURCE, List.of("notes:read"), Duration.ofHours(1),
                Map.of("client_id", "claude-desktop"), null);
        McpHttp mcp = session(token);

        assertEquals("alice|claude-desktop|[notes:read]", McpHttp.text(mcp.callTool(token, 1, "whoami")));
    }

    @Test
    void aPlainHttpBaseUrlIsRefusedUnlessAllowedExplicitly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> notesServer(
                b -> b.baseUrl("http://mcp.example.com")));
        assertTrue(e.getMessage().contains("allowInsecureHttpBaseUrl()"), e.getMessage());

        FastMCP allowed = notesServer(b -> b.baseUrl("http://mcp.example.com").allowInsecureHttpBaseUrl())
                .start(StartOptions.http().port(0));
        try {
            assertEquals("http://mcp.example.com/mcp", allowed.url());
        } finally {
            allowed.close();
        }
    }

    @Test
    void aNonLoopbackBindWithoutBaseUrlFailsToStartWithAClearMessage() {
        FastMCP exposed = notesServer(UnaryOperator.identity());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> exposed.start(StartOptions.http().host("0.0.0.0").port(0)));
            assertTrue(e.getMessage().contains("baseUrl"), e.getMessage());
            assertFalse(exposed.isRunning());
        } finally {
            exposed.close();
        }
    }

    @Test
    void serverWideRequiredScopesGive403OnEveryRequest() throws Exception {
        FastMCP scoped = notesServer(b -> b.baseUrl(BASE_URL).requiredScopes("notes:read"))
                .start(StartOptions.http().port(0));
        try {
            McpHttp mcp = McpHttp.to(scoped);
            HttpResponse<String> anonymous = mcp.post(null, McpHttp.initializeJson(0));
            assertEquals(401, anonymous.statusCode());
            assertEquals("notes:read", challenge(anonymous).get("scope"), "the challenge asks for the required scopes");

            HttpResponse<String> r = mcp.post(token("bob", "profile"), McpHttp.initializeJson(3));
            assertEquals(403, r.statusCode());
            Map<String, String> challenge = challenge(r);
            assertEquals("insufficient_scope", challenge.get("error"));
            assertEquals(Set.of("profile", "notes:read"), Set.of(challenge.get("scope").split(" ")));
            assertEquals(3, McpHttp.json(r.body()).get("id"));

            String good = token("bob", "notes:read");
            assertEquals(200, mcp.initialize(good).statusCode());
            assertEquals(403, mcp.listTools(token("bob", "profile")).statusCode(), "inside the session too");
            assertEquals(200, mcp.listTools(good).statusCode());
        } finally {
            scoped.close();
        }
    }

    @Test
    void hideWhenScopesMissingHidesTheToolFromCallersWithoutTheScopes() throws Exception {
        String token = reader();
        McpHttp mcp = session(token);

        List<String> names = toolNames(mcp.listTools(token));
        assertTrue(names.contains("add_note"), names.toString());
        assertFalse(names.contains("purge_notes"), names.toString());
        HttpResponse<String> call = mcp.callTool(token, 5, "purge_notes");
        assertEquals(200, call.statusCode(), "hidden means no step-up challenge either: " + call.body());
        assertTrue(call.headers().firstValue("WWW-Authenticate").isEmpty());
        assertEquals("Unknown tool: purge_notes", McpHttp.error(call).get("message"));
        assertTrue(toolNames(mcp.listTools(writer())).contains("purge_notes"));
        assertEquals("purged", McpHttp.text(mcp.callTool(writer(), 3, "purge_notes")));
    }

    @Test
    void roleRefusalsHideTheToolAndAnswerUnknownTool() throws Exception {
        String token = writer();
        McpHttp mcp = session(token);

        assertFalse(toolNames(mcp.listTools(token)).contains("admin_report"));
        HttpResponse<String> r = mcp.callTool(token, 4, "admin_report");
        assertEquals(200, r.statusCode(), "no step-up challenge: roles cannot be requested as scopes");
        assertTrue(r.headers().firstValue("WWW-Authenticate").isEmpty());
        assertEquals("Unknown tool: admin_report", McpHttp.error(r).get("message"));

        String admin = keys.createToken("alice", ISSUER, RESOURCE, List.of("notes:read"), Duration.ofHours(1),
                Map.of("roles", List.of("admin", "auditor")), null);
        assertTrue(toolNames(mcp.listTools(admin)).contains("admin_report"));
        assertEquals("report", McpHttp.text(mcp.callTool(admin, 5, "admin_report")));
    }

    @Test
    void callersSeeWhatTheyMayUseOrStepUpToAndNothingElse() throws Exception {
        String token = token("carol");
        McpHttp mcp = session(token);

        assertEquals(List.of("add_note", "list_notes", "whoami"), toolNames(mcp.listTools(token)),
                "scoped tools stay listed; hidden and role-guarded ones do not");
        assertEquals("Unknown tool: nope", McpHttp.error(mcp.callTool(token, 6, "nope")).get("message"),
                "an unknown tool and a refused one get the same answer");
    }

    @Test
    void aBaseUrlWithAPathServesMcpAndItsMetadataUnderThatPath() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String base = "http://127.0.0.1:" + port + "/api";
        String resource = base + "/mcp";
        FastMCP api = notesTools(FastMCP.builder("notes-api", "1").auth(provider(jwks, resource)).baseUrl(base))
                .build().start(StartOptions.http().port(port));
        try {
            assertEquals(resource, api.url());
            McpHttp mcp = new McpHttp(URI.create(resource));
            HttpResponse<String> prm = mcp.get(URI.create(
                    "http://127.0.0.1:" + port + "/.well-known/oauth-protected-resource/api/mcp"));
            assertEquals(200, prm.statusCode());
            assertEquals(resource, McpHttp.json(prm.body()).get("resource"));

            HttpResponse<String> unauthorized = mcp.post(null, McpHttp.initializeJson(0));
            assertEquals(401, unauthorized.statusCode());
            assertEquals("http://127.0.0.1:" + port + "/.well-known/oauth-protected-resource/api/mcp",
                    challenge(unauthorized).get("resource_metadata"));

            String token = keys.createToken("alice", ISSUER, resource, List.of("notes:read"));
            assertEquals(200, mcp.initialize(token).statusCode());
            assertEquals("no notes yet", McpHttp.text(mcp.callTool(token, 1, "list_notes")));
            assertEquals(404, new McpHttp(URI.create("http://127.0.0.1:" + port + "/mcp"))
                    .post(token, McpHttp.initializeJson(0)).statusCode(), "nothing at the bare /mcp");
        } finally {
            api.close();
        }
    }

    @Test
    void corsHeadersAnswerBrowserClientsOnTheMetadataAndTheChallenge() throws Exception {
        McpHttp mcp = McpHttp.to(server);
        String origin = "http://localhost:6274";
        URI prm = McpHttp.local(server, "/.well-known/oauth-protected-resource/mcp");

        HttpResponse<String> get = mcp.get(prm, "Origin", origin);
        assertEquals(200, get.statusCode());
        assertEquals("*", get.headers().firstValue("Access-Control-Allow-Origin").orElse(null),
                "a public document: any origin may read it");

        HttpResponse<String> preflight = mcp.client.send(HttpRequest.newBuilder(prm).timeout(Duration.ofSeconds(20))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "mcp-protocol-version")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, preflight.statusCode());
        assertEquals("*", preflight.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("GET"));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase()
                .contains("mcp-protocol-version"));

        HttpResponse<String> unauthorized = mcp.post(null, McpHttp.initializeJson(0), "Origin", origin);
        assertEquals(401, unauthorized.statusCode());
        assertTrue(unauthorized.headers().firstValue("Access-Control-Expose-Headers").orElse("")
                .contains("WWW-Authenticate"), "a browser client must be able to read the challenge");
    }

    @Test
    void theAuthenticateHookStillWorksAndNeverAnswersWithAStepUp() throws Exception {
        Map<String, AuthSession> apiKeys = Map.of("reader-key", AuthSession.of("svc", List.of("notes:read")));
        FastMCP hooked = notesTools(FastMCP.builder("notes-keys", "1")
                .authenticate(request -> apiKeys.get(String.valueOf(request.header("x-api-key")))))
                .build().start(StartOptions.http().port(0));
        try {
            McpHttp mcp = McpHttp.to(hooked);
            HttpResponse<String> anonymous = mcp.post(null, McpHttp.initializeJson(0));
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().firstValue("WWW-Authenticate").isEmpty(),
                    "no OAuth challenge without an OAuth provider");

            HttpResponse<String> init = mcp.post(null, McpHttp.initializeJson(0), "x-api-key", "reader-key");
            assertEquals(200, init.statusCode());
            mcp.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();

            List<String> names = toolNames(mcp.post(null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}",
                    "x-api-key", "reader-key"));
            assertEquals(List.of("list_notes", "whoami"), names, "scope refusals hide tools: no step-up with API keys");
            HttpResponse<String> write = mcp.post(null, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\","
                    + "\"params\":{\"name\":\"add_note\",\"arguments\":{}}}", "x-api-key", "reader-key");
            assertEquals(200, write.statusCode(), "never a 403 step-up");
            assertEquals("Unknown tool: add_note", McpHttp.error(write).get("message"));
            assertEquals(404, mcp.get(McpHttp.local(hooked, "/.well-known/oauth-protected-resource")).statusCode(),
                    "no metadata without an OAuth provider");
        } finally {
            hooked.close();
        }
    }

    @Test
    void theAuthenticateHookWithAnAuthProviderStillTellsClientsWhereToSignIn() throws Exception {
        Map<String, AuthSession> apiKeys = Map.of("reader-key", AuthSession.of("svc", List.of("notes:read")));
        FastMCP hooked = notesTools(FastMCP.builder("notes-both", "1").auth(provider(jwks, RESOURCE))
                .baseUrl(BASE_URL).authenticate(request -> {
                    if ("boom".equals(request.header("x-api-key"))) {
                        throw new IllegalStateException("the key store is down");
                    }
                    return apiKeys.get(String.valueOf(request.header("x-api-key")));
                }))
                .build().start(StartOptions.http().port(0));
        try {
            McpHttp mcp = McpHttp.to(hooked);
            for (String key : new String[] {null, "wrong-key", "boom"}) {
                HttpResponse<String> refused = key == null ? mcp.post(null, McpHttp.initializeJson(0))
                        : mcp.post(null, McpHttp.initializeJson(0), "x-api-key", key);
                assertEquals(401, refused.statusCode(), String.valueOf(key));
                assertEquals("Bearer resource_metadata=\"" + METADATA_URL + "\", scope=\"notes:read notes:write\"",
                        challengeHeader(refused), String.valueOf(key));
            }
            Map<String, Object> metadata = McpHttp.json(mcp.get(McpHttp.local(hooked,
                    "/.well-known/oauth-protected-resource/mcp")).body());
            assertEquals(List.of(ISSUER), metadata.get("authorization_servers"));
            assertEquals(200, mcp.post(null, McpHttp.initializeJson(0), "x-api-key", "reader-key").statusCode());
        } finally {
            hooked.close();
        }
    }

    @Test
    void aStaticTokenVerifierIsADevelopmentProviderWithoutAnAuthorizationServer() throws Exception {
        FastMCP dev = notesTools(FastMCP.builder("notes-dev", "1").auth(new StaticTokenVerifier(Map.of(
                "dev-alice-token", Map.of("sub", "alice", "scope", "notes:read")))))
                .build().start(StartOptions.http().port(0));
        try {
            McpHttp mcp = McpHttp.to(dev);
            Map<String, Object> prm = McpHttp.json(mcp.get(McpHttp.local(dev,
                    "/.well-known/oauth-protected-resource/mcp")).body());
            assertEquals(dev.url(), prm.get("resource"));
            assertEquals(List.of(), prm.get("authorization_servers"), "no authorization server to sign in with");

            assertEquals(401, mcp.post("dev-bob-token", McpHttp.initializeJson(0)).statusCode());
            assertEquals(200, mcp.initialize("dev-alice-token").statusCode());
            assertEquals("alice|null|[notes:read]", McpHttp.text(mcp.callTool("dev-alice-token", 1, "whoami")));
            assertEquals(403, mcp.callTool("dev-alice-token", 2, "add_note").statusCode(),
                    "bearer tokens from a static verifier step up like any other");
        } finally {
            dev.close();
        }
    }
}
