package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.testsupport.Browser;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code quickstart} example in-process: the whole OAuth flow as an MCP client and a browser run it
 * (discovery, registration, consent, the development sign-in page, the callback, the code exchange), then the
 * SDK's Java client calls each guarded tool.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class QuickstartServerTest {

    private static final String REDIRECT = "http://127.0.0.1:47999/callback";
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    private QuickstartServer.Running running;
    private final Browser browser = Browser.withCookieJar();
    private McpSyncClient client;

    @BeforeEach
    void start() {
        running = QuickstartServer.start(StartOptions.http().host("127.0.0.1").port(0), null, 0);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.closeGracefully();
        }
        running.close();
    }

    private String base() {
        return "http://127.0.0.1:" + running.server().port();
    }

    /** Discovery, registration, consent, sign-in and code exchange; returns the access token. */
    private String signIn(String user, List<String> roles, String scope) throws Exception {
        return signIn(user, roles, scope, scope);
    }

    /** Signs in asking for {@code scope}, while the user ticks only {@code ticked} on the sign-in page. */
    private String signIn(String user, List<String> roles, String scope, String ticked) throws Exception {
        HttpResponse<String> challenge = browser.postMcp(base() + "/mcp", INITIALIZE, null);
        assertEquals(401, challenge.statusCode());
        String header = challenge.headers().firstValue("WWW-Authenticate").orElseThrow();
        String prmUrl = header.replaceAll(".*resource_metadata=\"([^\"]+)\".*", "$1");
        String as = ((List<?>) Browser.json(browser.get(prmUrl)).get("authorization_servers")).get(0)
                .toString();
        Map<String, Object> meta = Browser.json(browser.get(as + "/.well-known/oauth-authorization-server"));

        HttpResponse<String> registered = browser.postJson((String) meta.get("registration_endpoint"),
                "{\"client_name\":\"Quickstart test\",\"redirect_uris\":[\"" + REDIRECT + "\"],"
                        + "\"token_endpoint_auth_method\":\"none\",\"grant_types\":[\"authorization_code\","
                        + "\"refresh_token\"],\"response_types\":[\"code\"]}");
        assertEquals(201, registered.statusCode(), registered.body());
        String clientId = (String) Browser.json(registered).get("client_id");

        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        Map<String, String> authorize = new LinkedHashMap<>();
        authorize.put("response_type", "code");
        authorize.put("client_id", clientId);
        authorize.put("redirect_uri", REDIRECT);
        authorize.put("scope", scope);
        authorize.put("state", "state-" + user);
        authorize.put("code_challenge", pkce.challenge());
        authorize.put("code_challenge_method", "S256");
        authorize.put("resource", base() + "/mcp");
        HttpResponse<String> consent = browser.get(meta.get("authorization_endpoint") + "?"
                + Browser.encodeForm(authorize));
        assertEquals(200, consent.statusCode(), consent.body());
        assertTrue(consent.body().contains("Quickstart test"), consent.body());
        Map<String, Object> approve = new LinkedHashMap<>(Browser.hiddenFields(consent));
        approve.put("action", "approve");
        String toIdp = Browser.location(browser.postForm(base() + "/oauth/consent", approve));
        assertTrue(toIdp.startsWith(running.idp().authorizationEndpoint() + "?"), toIdp);

        HttpResponse<String> signInPage = browser.get(toIdp);
        assertEquals(200, signInPage.statusCode(), signInPage.body());
        assertTrue(signInPage.body().contains("Development identity provider - not for production"));
        Map<String, Object> form = new LinkedHashMap<>(Browser.hiddenFields(signInPage));
        form.put("username", user);
        form.put("role", roles);
        form.put("scope", List.of(ticked.split(" ")));
        form.put("action", "sign_in");
        String callback = Browser.location(browser.postForm(running.idp().authorizationEndpoint(), form));
        assertTrue(callback.startsWith(base() + "/oauth/callback?"), callback);

        String back = Browser.location(browser.get(callback));
        assertTrue(back.startsWith(REDIRECT + "?"), back);
        Map<String, String> params = Browser.query(back);
        assertEquals("state-" + user, params.get("state"));
        HttpResponse<String> tokens = browser.postForm((String) meta.get("token_endpoint"), Map.of(
                "grant_type", "authorization_code", "code", params.get("code"), "redirect_uri", REDIRECT,
                "code_verifier", pkce.verifier(), "client_id", clientId, "resource", base() + "/mcp"));
        assertEquals(200, tokens.statusCode(), tokens.body());
        assertEquals(ticked, Browser.json(tokens).get("scope"), "the scopes the user granted");
        return (String) Browser.json(tokens).get("access_token");
    }

    private McpSyncClient connect(String token) {
        client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base())
                        .endpoint("/mcp")
                        .httpRequestCustomizer((request, method, uri, body, context) ->
                                request.header("Authorization", "Bearer " + token))
                        .build())
                .requestTimeout(Duration.ofSeconds(20))
                .build();
        client.initialize();
        return client;
    }

    private static String call(McpSyncClient client, String tool, Map<String, Object> args) {
        McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest(tool, args));
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    private static List<String> toolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).sorted().toList();
    }

    @Test
    void anAdminWithEveryScopeUsesEveryTool() throws Exception {
        McpSyncClient mcp = connect(signIn("alice", List.of("admin"), "openid profile notes:read notes:write"));
        assertEquals(List.of("add", "add_note", "admin_report", "read_notes", "whoami"), toolNames(mcp));
        assertEquals("5.0", call(mcp, "add", Map.of("a", 2, "b", 3)));
        String me = call(mcp, "whoami", Map.of());
        assertTrue(me.startsWith("alice (roles: [admin]"), me);
        assertEquals("Saved note 1.", call(mcp, "add_note", Map.of("text", "buy milk")));
        assertEquals("alice: buy milk", call(mcp, "read_notes", Map.of()));
        assertEquals("1 notes; by user: {alice=1}", call(mcp, "admin_report", Map.of()));
    }

    @Test
    void aScopeTheUserUntickedAtTheProviderIsNotGrantedHere() throws Exception {
        McpSyncClient mcp = connect(signIn("carol", List.of("admin"), "openid profile notes:read notes:write",
                "openid profile notes:read"));
        assertEquals("No notes yet.", call(mcp, "read_notes", Map.of()));
        assertThrows(RuntimeException.class, () -> mcp.callTool(new McpSchema.CallToolRequest("add_note",
                Map.of("text", "not granted"))));
    }

    @Test
    void aUserWithoutTheRoleOrTheWriteScopeIsRefusedThoseTools() throws Exception {
        String token = signIn("bob", List.of("user"), "openid notes:read");
        McpSyncClient mcp = connect(token);
        // Refused only for a scope, add_note stays listed (so clients can step up); the role check hides admin_report.
        assertEquals(List.of("add", "add_note", "read_notes", "whoami"), toolNames(mcp));
        assertTrue(call(mcp, "whoami", Map.of()).startsWith("bob (roles: [user]"));
        assertEquals("No notes yet.", call(mcp, "read_notes", Map.of()));
        assertThrows(RuntimeException.class, () -> mcp.callTool(new McpSchema.CallToolRequest("add_note",
                Map.of("text", "nope"))));
        McpError admin = assertThrows(McpError.class,
                () -> mcp.callTool(new McpSchema.CallToolRequest("admin_report", Map.of())));
        assertTrue(admin.getMessage().contains("Unknown tool"), admin.getMessage());

        // On the wire: HTTP 403 with the step-up challenge naming the missing scope.
        String session = browser.postMcp(base() + "/mcp", INITIALIZE, token).headers()
                .firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> raw = browser.postMcp(base() + "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":7,"
                + "\"method\":\"tools/call\",\"params\":{\"name\":\"add_note\",\"arguments\":{\"text\":\"x\"}}}",
                token, "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
        assertEquals(403, raw.statusCode(), raw.body());
        String challenge = raw.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.contains("error=\"insufficient_scope\"") && challenge.contains("notes:write"), challenge);
    }

    @Test
    void theExampleTableRunsQuickstartByDefaultAndListsIt() {
        assertEquals("quickstart", Main.DEFAULT_EXAMPLE);
        assertTrue(Main.usage().contains("  quickstart"), Main.usage());
        assertTrue(Main.usage().contains("(default)"), Main.usage());
    }

    @Test
    void testFixturesStayRunnableByNameButAreNotListedAsExamples() {
        for (String fixture : List.of("conformance", "interop", "oauth-interop")) {
            assertTrue(Main.FIXTURES.containsKey(fixture), fixture);
            assertFalse(Main.EXAMPLES.containsKey(fixture), fixture);
            assertFalse(Main.usage().contains("  " + fixture + " "), Main.usage());
        }
    }
}
