package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import dev.fastmcp.LogCapture;
import dev.fastmcp.StartOptions;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.devidp.DevIdentityProvider;
import dev.fastmcp.testsupport.Browser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * A seeded, bounded fuzz campaign against the HTTP surface of two real servers, the {@code quickstart} and
 * {@code custom-oauth} examples (each behind the OAuth proxy, with the development identity provider upstream):
 * a few thousand mutated requests per endpoint, each checked against the invariants of {@link FuzzInvariants}
 * and of the server log ({@link FuzzLog}), then a normal tool call that must still work.
 *
 * <p>The seed is printed; {@code -Dfuzz.seed=<seed>} replays a campaign, {@code -Dfuzz.case=<n>} only its case n
 * (each case draws from a random generator of its own, seeded by the seed and its number). A failure lists every
 * kind of broken invariant with the first case that broke it, byte for byte.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FuzzCampaignTest {

    static final long SEED = Long.getLong("fuzz.seed", 20_261_207L);
    private static final Integer ONLY_CASE = Integer.getInteger("fuzz.case");
    /** FastMCP's default request size limit, which both examples keep. */
    static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    /**
     * The most WARN and ERROR lines one campaign of thousands of hostile requests may cause: what a client can make
     * the server log must be demoted or rate-limited, not written once per request.
     */
    static final int MAX_WARN_LINES = 20;
    private static final int MCP_CASES = Integer.getInteger("fuzz.mcpCases", 2500);
    private static final int OAUTH_CASES = Integer.getInteger("fuzz.oauthCases", 2500);
    private static final int FRAMING_CASES = Integer.getInteger("fuzz.framingCases", 300);
    private static final int TIMEOUT_MILLIS = 5_000;
    /** Campaigns stop after this many hangs, so that a server that hangs cannot make the run unbounded. */
    private static final int MAX_TIMEOUTS = 5;
    private static final String REDIRECT = "http://127.0.0.1:47999/callback";
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    private final Browser browser = Browser.withCookieJar();
    private QuickstartServer.Running quickstart;
    private DevIdentityProvider customIdp;
    private FastMCP custom;
    private String quickstartToken;
    private String customToken;

    /** A case's own random seed: the campaign's seed, the generator and the case number, mixed. */
    static long caseSeed(long seed, String generator, int n) {
        long h = seed * 0x9E3779B97F4A7C15L + generator.hashCode() * 0xC2B2AE3D27D4EB4FL + n;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }

    @BeforeAll
    void start() throws Exception {
        System.out.println("FuzzCampaignTest seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
        quickstart = QuickstartServer.start(StartOptions.http().host("127.0.0.1").port(0), null, 0);
        customIdp = DevIdentityProvider.builder()
                .redirectUri("http://127.0.0.1/oauth/callback", "http://localhost/oauth/callback")
                .scopes("openid", "profile", "notes:read", "notes:write")
                .roles("admin", "user")
                .build()
                .start();
        custom = CustomOAuthServer.create(customIdp.proxyBuilder().build())
                .start(StartOptions.http().host("127.0.0.1").port(0));
        quickstartToken = signIn(base(quickstart.server()), quickstart.idp(), "alice");
        customToken = signIn(base(custom), customIdp, "carol");
    }

    @AfterAll
    void stop() {
        if (custom != null) {
            custom.close();
        }
        if (customIdp != null) {
            customIdp.stop();
        }
        if (quickstart != null) {
            quickstart.close();
        }
    }

    /** A server under test, signed in: its tools (with valid arguments) and the tool call that proves it serves. */
    private record Server(String name, FastMCP mcp, String token, Map<String, Map<String, Object>> tools,
            String toolCall, String toolAnswer) {
    }

    private List<Server> servers() {
        return List.of(
                new Server("quickstart", quickstart.server(), quickstartToken, Map.of("add", Map.of("a", 2, "b", 3),
                        "whoami", Map.of(), "read_notes", Map.of(), "add_note", Map.of("text", "fuzz"),
                        "admin_report", Map.of()), "{\"name\":\"add\",\"arguments\":{\"a\":2,\"b\":3}}", "5.0"),
                new Server("custom-oauth", custom, customToken, Map.of("whoami", Map.of(), "admin-report", Map.of(),
                        "write-note", Map.of()), "{\"name\":\"whoami\"}", "carol"));
    }

    @Test
    void mcpEndpointSurvivesSeededMutations() {
        List<Executable> checks = new ArrayList<>();
        for (Server server : servers()) {
            String name = server.name() + " /mcp";
            int port = server.mcp().port();
            McpFuzzer fuzzer = new McpFuzzer(SEED);
            McpFuzzer.Target[] target = {new McpFuzzer.Target(name, port, server.token(), openSession(server),
                    server.tools())};
            FuzzFindings findings = campaign(name, port, MCP_CASES, n -> fuzzer.generate(target[0], n),
                    FuzzInvariants::mcp, (c, r) -> {
                        // A case that ended the session: the next ones get a new one, or they test nothing else.
                        if (c.method().equals("DELETE") && r.status() == 200 || c.number() % 500 == 499) {
                            target[0] = new McpFuzzer.Target(name, port, server.token(), openSession(server),
                                    server.tools());
                        }
                    });
            checks.add(() -> assertTrue(findings.isEmpty(), findings::report));
            checks.add(() -> stillServesAToolCall(server));
        }
        assertAll(checks);
    }

    @Test
    void oauthEndpointsSurviveSeededMutations() throws Exception {
        List<Executable> checks = new ArrayList<>();
        for (Server server : servers()) {
            String name = server.name() + " oauth";
            OAuthFuzzer.Target target = oauthTarget(name, server.mcp());
            OAuthFuzzer fuzzer = new OAuthFuzzer(SEED);
            // The same proxy code behind both: the second server gets a third of the cases.
            int cases = server.mcp() == quickstart.server() ? OAUTH_CASES : OAUTH_CASES / 3;
            FuzzFindings findings = campaign(name, server.mcp().port(), cases, n -> fuzzer.generate(target, n),
                    FuzzInvariants::oauth, (c, r) -> { });
            checks.add(() -> assertTrue(findings.isEmpty(), findings::report));
            checks.add(() -> stillServesAToolCall(server));
            checks.add(() -> assertEquals(200, browser.get(base(server.mcp())
                    + "/.well-known/oauth-authorization-server").statusCode(), "the metadata after the campaign"));
        }
        assertAll(checks);
    }

    @Test
    void framingMutationsAreAnsweredCleanly() throws Exception {
        FastMCP mcp = quickstart.server();
        FramingFuzzer fuzzer = new FramingFuzzer(SEED);
        FuzzFindings findings = campaign("quickstart framing", mcp.port(), FRAMING_CASES,
                n -> fuzzer.generate("quickstart framing", mcp.port(), quickstartToken, n), FuzzInvariants::framing,
                (c, r) -> { });
        assertAll(() -> assertTrue(findings.isEmpty(), findings::report),
                () -> stillServesAToolCall(servers().get(0)));
    }

    /** Runs {@code count} cases (or only {@code -Dfuzz.case}), checking each answer and what it made the server log. */
    private FuzzFindings campaign(String name, int port, int count, IntFunction<FuzzCase> generator,
            BiFunction<FuzzCase, FuzzHttp.Response, List<String>> invariants,
            BiConsumer<FuzzCase, FuzzHttp.Response> after) {
        FuzzFindings findings = new FuzzFindings(name, SEED);
        FuzzHttp http = new FuzzHttp(port, TIMEOUT_MILLIS);
        long started = System.nanoTime();
        int timeouts = 0;
        try (LogCapture log = FuzzLog.capture()) {
            for (int n = ONLY_CASE == null ? 0 : ONLY_CASE; n < (ONLY_CASE == null ? count : ONLY_CASE + 1); n++) {
                FuzzCase c = generator.apply(n);
                int mark = log.mark();
                FuzzHttp.Response r = http.exchange(c);
                findings.record(c, r, invariants.apply(c, r), log.since(mark));
                after.accept(c, r);
                if (r.outcome() == FuzzHttp.Outcome.TIMEOUT && ++timeouts >= MAX_TIMEOUTS) {
                    System.out.println(name + ": stopped after " + timeouts + " cases without an answer");
                    break;
                }
            }
        }
        System.out.printf("%s: %d cases in %d ms, %d WARN/ERROR lines logged, %s%n", name, findings.cases(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), findings.warningLines(),
                findings.isEmpty() ? "all invariants kept" : "INVARIANTS BROKEN");
        return findings;
    }

    private void stillServesAToolCall(Server server) throws Exception {
        String session = openSession(server);
        HttpResponse<String> r = browser.postMcp(base(server.mcp()) + "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":2,"
                + "\"method\":\"tools/call\",\"params\":" + server.toolCall() + "}", server.token(), "Mcp-Session-Id",
                session, "MCP-Protocol-Version", "2025-11-25");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains(server.toolAnswer()), "a normal tool call after the campaign: " + r.body());
    }

    private String openSession(Server server) {
        String mcp = base(server.mcp()) + "/mcp";
        try {
            HttpResponse<String> init = browser.postMcp(mcp, INITIALIZE, server.token());
            assertEquals(200, init.statusCode(), init.body());
            String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            HttpResponse<String> initialized = browser.postMcp(mcp,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", server.token(),
                    "Mcp-Session-Id", session, "MCP-Protocol-Version", "2025-11-25");
            assertEquals(202, initialized.statusCode(), initialized.body());
            return session;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Registers a public and a confidential client and opens a consent page, for the cases to start from. */
    private OAuthFuzzer.Target oauthTarget(String name, FastMCP mcp) throws Exception {
        String base = base(mcp);
        String publicClient = (String) Browser.json(browser.postJson(base + "/oauth/register",
                "{\"client_name\":\"Fuzz public\",\"redirect_uris\":[\"" + REDIRECT + "\"],"
                        + "\"token_endpoint_auth_method\":\"none\"}")).get("client_id");
        Map<String, Object> confidential = Browser.json(browser.postJson(base + "/oauth/register",
                "{\"client_name\":\"Fuzz confidential\",\"redirect_uris\":[\"" + REDIRECT + "\"],"
                        + "\"token_endpoint_auth_method\":\"client_secret_basic\"}"));
        Map<String, String> authorize = new LinkedHashMap<>();
        authorize.put("response_type", "code");
        authorize.put("client_id", publicClient);
        authorize.put("redirect_uri", REDIRECT);
        authorize.put("scope", "openid");
        authorize.put("state", "s");
        authorize.put("code_challenge", PKCEUtils.generatePair().challenge());
        authorize.put("code_challenge_method", "S256");
        HttpResponse<String> consent = browser.get(base + "/oauth/authorize?" + Browser.encodeForm(authorize));
        assertEquals(200, consent.statusCode(), consent.body());
        Map<String, String> hidden = Browser.hiddenFields(consent);
        String cookie = Browser.cookies(consent);
        return new OAuthFuzzer.Target(name, mcp.port(), publicClient, (String) confidential.get("client_id"),
                (String) confidential.get("client_secret"), REDIRECT, hidden.get("transaction_id"),
                hidden.get("csrf_token"), cookie);
    }

    private static String base(FastMCP server) {
        return "http://127.0.0.1:" + server.port();
    }

    /** The whole sign-in, as a client and a browser run it; returns the access token. */
    private String signIn(String base, DevIdentityProvider idp, String user) throws Exception {
        String scope = "openid profile notes:read notes:write";
        Map<String, Object> meta = Browser.json(browser.get(base + "/.well-known/oauth-authorization-server"));
        HttpResponse<String> registered = browser.postJson((String) meta.get("registration_endpoint"),
                "{\"client_name\":\"Fuzz sign-in\",\"redirect_uris\":[\"" + REDIRECT + "\"],"
                        + "\"token_endpoint_auth_method\":\"none\"}");
        assertEquals(201, registered.statusCode(), registered.body());
        String clientId = (String) Browser.json(registered).get("client_id");
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        Map<String, String> authorize = new LinkedHashMap<>();
        authorize.put("response_type", "code");
        authorize.put("client_id", clientId);
        authorize.put("redirect_uri", REDIRECT);
        authorize.put("scope", scope);
        authorize.put("state", "state");
        authorize.put("code_challenge", pkce.challenge());
        authorize.put("code_challenge_method", "S256");
        authorize.put("resource", base + "/mcp");
        HttpResponse<String> consent = browser.get(meta.get("authorization_endpoint") + "?"
                + Browser.encodeForm(authorize));
        assertEquals(200, consent.statusCode(), consent.body());
        Map<String, Object> approve = new LinkedHashMap<>(Browser.hiddenFields(consent));
        approve.put("action", "approve");
        String toIdp = Browser.location(browser.postForm(base + "/oauth/consent", approve));
        HttpResponse<String> signInPage = browser.get(toIdp);
        assertEquals(200, signInPage.statusCode(), signInPage.body());
        Map<String, Object> form = new LinkedHashMap<>(Browser.hiddenFields(signInPage));
        form.put("username", user);
        form.put("role", List.of("admin"));
        form.put("scope", List.of(scope.split(" ")));
        form.put("action", "sign_in");
        String callback = Browser.location(browser.postForm(idp.authorizationEndpoint(), form));
        String back = Browser.location(browser.get(callback));
        Map<String, String> params = Browser.query(back);
        HttpResponse<String> tokens = browser.postForm((String) meta.get("token_endpoint"), Map.of(
                "grant_type", "authorization_code", "code", params.get("code"), "redirect_uri", REDIRECT,
                "code_verifier", pkce.verifier(), "client_id", clientId, "resource", base + "/mcp"));
        assertEquals(200, tokens.statusCode(), tokens.body());
        return (String) Browser.json(tokens).get("access_token");
    }
}
