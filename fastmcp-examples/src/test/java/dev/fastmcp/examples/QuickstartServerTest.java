package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.testsupport.Browser;
import dev.fastmcp.testing.McpTestClient;
import java.net.http.HttpResponse;
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
    private McpTestClient client;

    @BeforeEach
    void start() {
        running = QuickstartServer.start(StartOptions.http().host("127.0.0.1").port(0), null, 0);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
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

    /** The test kit's client, presenting the token the sign-in gave, as a real client would. */
    private McpTestClient connect(String token) {
        client = McpTestClient.overHttp(running.server(), o -> o.bearerToken(token));
        return client;
    }

    private static List<String> toolNames(McpTestClient client) {
        return client.toolNames().stream().sorted().toList();
    }

    @Test
    void anAdminWithEveryScopeUsesEveryTool() throws Exception {
        McpTestClient mcp = connect(signIn("alice", List.of("admin"), "openid profile notes:read notes:write"));
        assertEquals(List.of("add", "add_note", "admin_report", "read_notes", "whoami"), toolNames(mcp));
        mcp.callTool("add", Map.of("a", 2, "b", 3)).assertText("5.0");
        mcp.callTool("whoami").assertTextContains("alice (roles: [admin]");
        mcp.callTool("add_note", Map.of("text", "buy milk")).assertText("Saved note 1.");
        mcp.callTool("read_notes").assertText("alice: buy milk");
        mcp.callTool("admin_report").assertText("1 notes; by user: {alice=1}");
    }

    @Test
    void aScopeTheUserUntickedAtTheProviderIsNotGrantedHere() throws Exception {
        McpTestClient mcp = connect(signIn("carol", List.of("admin"), "openid profile notes:read notes:write",
                "openid profile notes:read"));
        mcp.callTool("read_notes").assertText("No notes yet.");
        mcp.callTool("add_note", Map.of("text", "not granted")).assertRefused(403);
    }

    @Test
    void aUserWithoutTheRoleOrTheWriteScopeIsRefusedThoseTools() throws Exception {
        String token = signIn("bob", List.of("user"), "openid notes:read");
        McpTestClient mcp = connect(token);
        // Refused only for a scope, add_note stays listed (so clients can step up); the role check hides admin_report.
        assertEquals(List.of("add", "add_note", "read_notes", "whoami"), toolNames(mcp));
        mcp.callTool("whoami").assertTextContains("bob (roles: [user]");
        mcp.callTool("read_notes").assertText("No notes yet.");
        mcp.callTool("add_note", Map.of("text", "nope")).assertRefused(403);
        mcp.callTool("admin_report").assertProtocolError(-32602, "Unknown tool");

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
