package dev.fastmcp.auth.proxy;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Tool;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.server.Json;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * MCP 2026-07-28 behind the OAuth proxy, end to end: two users sign in through the proxy with different scopes,
 * then call the server with its tokens over plain HTTP, per request (no session): discovery, per-caller lists,
 * the step-up 403, and input-required rounds whose sealed state only its own user can redeem. The same token still
 * works on the older revisions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OAuthProxyModernRevisionTest {

    private static final String VERSION = "2026-07-28";
    private static final String ELICITATION = "{\"elicitation\":{}}";
    private static final Map<String, Object> NAME_FORM = Map.of("type", "object",
            "properties", Map.of("name", Map.of("type", "string")), "required", List.of("name"));
    private static final String ALICE = "{\"action\":\"accept\",\"content\":{\"name\":\"Alice\"}}";
    private static final String MALLORY = "{\"action\":\"accept\",\"content\":{\"name\":\"Mallory\"}}";

    private final AtomicInteger ids = new AtomicInteger();
    private ProxyHarness h;
    private McpHttp http;
    /** Signed in with {@code notes:read} (and {@code offline_access}, which no challenge may name). */
    private String readerToken;
    /** Signed in with {@code notes:read notes:write}. */
    private String writerToken;

    @BeforeAll
    void start() throws Exception {
        h = new ProxyHarness(null,
                (idp, b) -> b.scopes("openid", "profile", "offline_access", "notes:read", "notes:write"),
                app -> app
                        .addTool(Tool.builder("read_notes").description("Reads the notes")
                                .canAccess(requireScopes("notes:read"))
                                .execute((args, ctx) -> "notes of " + ctx.auth().subject()).build())
                        .addTool(Tool.builder("write_note").description("Writes a note")
                                .canAccess(requireScopes("notes:write"))
                                .execute((args, ctx) -> "written by " + ctx.auth().subject()).build())
                        .addTool(Tool.builder("purge_notes").description("Deletes every note")
                                .canAccess(requireScopes("notes:write")).hideWhenScopesMissing()
                                .execute((args, ctx) -> "purged").build())
                        .addTool(Tool.builder("greet").description("Asks the user's name")
                                .canAccess(requireAuth())
                                .execute((args, ctx) -> "Hello, " + ctx.elicit("Your name?", NAME_FORM).content()
                                        .get("name") + " (" + ctx.auth().subject() + ")")
                                .build()));
        http = McpHttp.to(h.server);
        // One client, two users: a state refused to the other user is refused for its subject, not its client.
        String clientId = h.registerPublic();
        Map<String, Object> reader = h.tokensFor(clientId, "reader-sub", "scope", "openid notes:read offline_access");
        assertEquals(Set.of("openid", "notes:read", "offline_access"), scopes((String) reader.get("scope")),
                "the token holds offline_access, so a challenge leaving it out is tested");
        readerToken = (String) reader.get("access_token");
        writerToken = (String) h.tokensFor(clientId, "writer-sub", "scope", "openid notes:read notes:write")
                .get("access_token");
        assertNotEquals(readerToken, writerToken);
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    // ---- MCP 2026-07-28 over plain HTTP ---------------------------------------------------------------------

    /**
     * Sends a 2026-07-28 request: {@code params} is the inside of the params object (without {@code _meta},
     * which is added with {@code capabilities}); {@code name} goes in {@code Mcp-Name} unless null.
     */
    private HttpResponse<String> modern(String token, String method, String name, String params,
            String capabilities) throws Exception {
        String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"" + VERSION + "\","
                + "\"io.modelcontextprotocol/clientCapabilities\":" + capabilities + ","
                + "\"io.modelcontextprotocol/clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}";
        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + ids.incrementAndGet() + ",\"method\":\"" + method
                + "\",\"params\":{" + (params.isEmpty() ? "" : params + ",") + meta + "}}";
        return name == null
                ? http.post(token, body, "MCP-Protocol-Version", VERSION, "Mcp-Method", method)
                : http.post(token, body, "MCP-Protocol-Version", VERSION, "Mcp-Method", method, "Mcp-Name", name);
    }

    private HttpResponse<String> callTool(String token, String tool) throws Exception {
        return modern(token, "tools/call", tool, "\"name\":\"" + tool + "\",\"arguments\":{}", "{}");
    }

    private HttpResponse<String> greet(String token, String answers, String state) throws Exception {
        String retry = answers == null ? "" : ",\"inputResponses\":" + answers
                + (state == null ? "" : ",\"requestState\":" + Json.string(state));
        return modern(token, "tools/call", "greet", "\"name\":\"greet\",\"arguments\":{}" + retry, ELICITATION);
    }

    /** The first round of {@code greet}: an input-required result asking for the name; returns its state. */
    private String askedForName(String token) throws Exception {
        HttpResponse<String> r = greet(token, null, null);
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> result = McpHttp.result(r);
        assertEquals("input_required", result.get("resultType"), result.toString());
        Map<?, ?> asked = (Map<?, ?>) result.get("inputRequests");
        assertEquals(Set.of("input_1"), asked.keySet(), result.toString());
        assertEquals("elicitation/create", ((Map<?, ?>) asked.get("input_1")).get("method"));
        assertTrue(result.get("requestState") instanceof String s && !s.isEmpty(), result.toString());
        return (String) result.get("requestState");
    }

    private static String text(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Object> result = McpHttp.result(r);
        assertEquals("complete", result.get("resultType"), result.toString());
        return McpHttp.text(r);
    }

    private static Set<String> scopes(String scope) {
        return Set.of(scope.split(" "));
    }

    // ---- the tests ------------------------------------------------------------------------------------------

    @Test
    void discoverNeedsATokenAndOffersTheModernRevisionFirst() throws Exception {
        HttpResponse<String> anonymous = modern(null, "server/discover", null, "", "{}");
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertEquals(h.base() + "/.well-known/oauth-protected-resource/mcp",
                McpHttp.challenge(anonymous).get("resource_metadata"));

        for (String token : List.of(readerToken, writerToken)) {
            HttpResponse<String> discover = modern(token, "server/discover", null, "", "{}");
            assertEquals(200, discover.statusCode(), discover.body());
            List<?> versions = (List<?>) McpHttp.result(discover).get("supportedVersions");
            assertEquals(VERSION, versions.get(0), versions.toString());
        }
    }

    @Test
    void eachCallerSeesTheToolsTheirScopesAllow() throws Exception {
        HttpResponse<String> reader = modern(readerToken, "tools/list", null, "", "{}");
        assertEquals(200, reader.statusCode(), reader.body());
        assertEquals(List.of("greet", "read_notes", "upstream_token", "whoami", "write_note"),
                McpHttp.toolNames(reader), "a tool to step up to stays listed, a hidden one does not");
        assertEquals("private", McpHttp.result(reader).get("cacheScope"));

        HttpResponse<String> writer = modern(writerToken, "tools/list", null, "", "{}");
        assertEquals(200, writer.statusCode(), writer.body());
        assertEquals(List.of("greet", "purge_notes", "read_notes", "upstream_token", "whoami", "write_note"),
                McpHttp.toolNames(writer));
        assertEquals("private", McpHttp.result(writer).get("cacheScope"));
    }

    @Test
    void aMissingScopeIsAStepUpAndTheWriterIsServed() throws Exception {
        HttpResponse<String> refused = callTool(readerToken, "write_note");
        assertEquals(403, refused.statusCode(), refused.body());
        Map<String, String> challenge = McpHttp.challenge(refused);
        assertEquals("insufficient_scope", challenge.get("error"), challenge.toString());
        Set<String> named = scopes(challenge.get("scope"));
        assertEquals(Set.of("openid", "notes:read", "notes:write"), named,
                "what the token holds and what the call needs, never offline_access");
        assertFalse(named.contains("offline_access"));
        assertEquals(h.base() + "/.well-known/oauth-protected-resource/mcp", challenge.get("resource_metadata"));

        assertEquals("written by writer-sub", text(callTool(writerToken, "write_note")));
        assertEquals("purged", text(callTool(writerToken, "purge_notes")));
        assertEquals("notes of reader-sub", text(callTool(readerToken, "read_notes")));
    }

    @Test
    void theSameUserCompletesAnInputRound() throws Exception {
        String state = askedForName(readerToken);
        assertEquals("Hello, Alice (reader-sub)", text(greet(readerToken, "{\"input_1\":" + ALICE + "}", state)));
    }

    @Test
    void anotherUsersRequestStateIsRefused() throws Exception {
        String state = askedForName(readerToken);
        HttpResponse<String> stolen = greet(writerToken, "{\"input_1\":" + MALLORY + "}", state);
        Map<String, Object> error = McpHttp.error(stolen);
        assertEquals(-32602, ((Number) error.get("code")).intValue(), stolen.body());
        assertTrue(String.valueOf(error.get("message")).contains("requestState"), stolen.body());
        assertFalse(stolen.body().contains("Hello"), "never a result: " + stolen.body());

        // Refused for the other user only: its own user can still finish the round with it.
        assertEquals("Hello, Alice (reader-sub)", text(greet(readerToken, "{\"input_1\":" + ALICE + "}", state)));
    }

    @Test
    void tamperedRequestStateIsRefused() throws Exception {
        String state = askedForName(writerToken);
        char last = state.charAt(state.length() - 1);
        String tampered = state.substring(0, state.length() - 1) + (last == 'A' ? 'B' : 'A');
        HttpResponse<String> r = greet(writerToken, "{\"input_1\":" + ALICE + "}", tampered);
        Map<String, Object> error = McpHttp.error(r);
        assertEquals(-32602, ((Number) error.get("code")).intValue(), r.body());
        assertFalse(r.body().contains("Hello"), "never a result: " + r.body());
    }

    @Test
    void theSameTokenWorksOnTheOlderRevision() throws Exception {
        McpHttp old = McpHttp.to(h.server);
        HttpResponse<String> init = old.initialize(writerToken);
        assertEquals(200, init.statusCode(), init.body());
        assertEquals(McpHttp.PROTOCOL_VERSION, McpHttp.result(init).get("protocolVersion"));
        assertEquals("written by writer-sub", McpHttp.text(old.callTool(writerToken, 2, "write_note")));
    }
}
