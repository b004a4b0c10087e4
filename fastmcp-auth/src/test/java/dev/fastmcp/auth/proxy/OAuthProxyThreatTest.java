package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.testsupport.Browser;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** One test per attack on the OAuth proxy, each named after it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OAuthProxyThreatTest {

    private ProxyHarness h;

    @BeforeAll
    void start() {
        // One server serves every test here, registering more clients than the per-address limit allows.
        h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)));
    }

    @AfterAll
    void stop() {
        h.close();
    }

    private static void assertOAuthError(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(error, json(r).get("error"), r.body());
    }

    private static void assertRefusedWithoutRedirect(HttpResponse<String> r) {
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty(), "no redirect");
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
    }

    @Test
    void unregisteredRedirectUriIsNeverRedirectedTo() throws Exception {
        String clientId = h.registerPublic();
        for (String evil : new String[] {"https://evil.example/callback", CLIENT_REDIRECT + "/../evil",
                CLIENT_REDIRECT + "x", "http://127.0.0.1:47123/other"}) {
            HttpResponse<String> r = h.get(h.authorizeUrl(clientId, evil, PKCEUtils.generatePair().challenge(), "s"));
            assertRefusedWithoutRedirect(r);
        }
        HttpResponse<String> dcr = h.postJson("/oauth/register", "{\"redirect_uris\":[\"javascript:alert(1)\"]}");
        assertOAuthError(dcr, 400, "invalid_redirect_uri");
        assertOAuthError(h.postJson("/oauth/register", "{\"redirect_uris\":[\"http://evil.example/cb\"]}"), 400,
                "invalid_redirect_uri");
        assertOAuthError(h.postJson("/oauth/register", "{\"client_name\":\"x\"}"), 400, "invalid_client_metadata");
    }

    @Test
    void unknownClientGetsAnErrorPageNotARedirect() throws Exception {
        assertRefusedWithoutRedirect(h.get(h.authorizeUrl("nobody", CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s")));
    }

    @Test
    void alteredRedirectUriAtTokenEndpoint() throws Exception {
        String other = "http://127.0.0.1:47123/other";
        String clientId = (String) h.register("none", CLIENT_REDIRECT, other).get("client_id");
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "u1");
        assertOAuthError(h.exchange(clientId, cb.code(), pkce.verifier(), other), 400, "invalid_grant");
    }

    @Test
    void wrongOrMissingClientSecret() throws Exception {
        Map<String, Object> reg = h.register("client_secret_post", CLIENT_REDIRECT);
        String clientId = (String) reg.get("client_id");
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "u2");
        HttpResponse<String> missing = h.exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT);
        assertOAuthError(missing, 401, "invalid_client");
        assertTrue(missing.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        String wrong = Base64.getEncoder().encodeToString((clientId + ":not-the-secret").getBytes(StandardCharsets.UTF_8));
        assertOAuthError(h.exchange(null, cb.code(), pkce.verifier(), CLIENT_REDIRECT, "Authorization",
                "Basic " + wrong), 401, "invalid_client");
        // the code was never consumed by the failed attempts: the right secret still works
        HttpResponse<String> ok = h.postForm("/oauth/token", Map.of("grant_type", "authorization_code", "code",
                cb.code(), "redirect_uri", CLIENT_REDIRECT, "code_verifier", pkce.verifier(), "client_id", clientId,
                "client_secret", (String) reg.get("client_secret")));
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void codeReplayFailsAndRevokesTheFirstTokens() throws Exception {
        String clientId = h.registerPublic();
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "u3");
        HttpResponse<String> first = h.exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT);
        assertEquals(200, first.statusCode(), first.body());
        String access = (String) json(first).get("access_token");
        String refresh = (String) json(first).get("refresh_token");
        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode());
        assertOAuthError(h.exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT), 400, "invalid_grant");
        assertEquals(401, mcp.listTools(access).statusCode(), "tokens from a replayed code are revoked");
        assertOAuthError(h.refresh(clientId, refresh), 400, "invalid_grant");
    }

    @Test
    void aCodeRedeemedSeveralTimesAtOnceHasExactlyOneWinner() throws Exception {
        // a duplicate in flight (a retry, a double submit) is refused without undoing the redemption under way
        // (nothing had been issued yet for it to revoke); one arriving after that redemption completed is a replay,
        // and revokes what it issued (codeReplayFailsAndRevokesTheFirstTokens)
        for (int round = 0; round < 5; round++) {
            String clientId = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "racer-" + round);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                List<java.util.concurrent.Future<HttpResponse<String>>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    calls.add(pool.submit(() -> {
                        go.await();
                        return h.exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT);
                    }));
                }
                go.countDown();
                List<HttpResponse<String>> answers = new java.util.ArrayList<>();
                for (var c : calls) {
                    answers.add(c.get());
                }
                List<Integer> statuses = answers.stream().map(HttpResponse::statusCode).toList();
                assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
                assertEquals(3, statuses.stream().filter(s -> s == 400).count(), statuses.toString());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void codeUsedByAnotherClient() throws Exception {
        String victim = h.registerPublic();
        String attacker = h.registerPublic();
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(victim, CLIENT_REDIRECT, pkce, "u4");
        assertOAuthError(h.exchange(attacker, cb.code(), pkce.verifier(), CLIENT_REDIRECT), 400, "invalid_grant");
    }

    @Test
    void pkceMissingAtAuthorize() throws Exception {
        String clientId = h.registerPublic();
        String location = Browser.location(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT, null, "s-pkce")));
        Map<String, String> q = Browser.query(location);
        assertTrue(location.startsWith(CLIENT_REDIRECT + "?"));
        assertEquals("invalid_request", q.get("error"));
        assertEquals("s-pkce", q.get("state"));
        assertEquals(h.base(), q.get("iss"));
        String plain = Browser.location(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT, null, "s",
                "code_challenge", "a".repeat(43), "code_challenge_method", "plain")));
        assertEquals("invalid_request", Browser.query(plain).get("error"));
    }

    @Test
    void wrongPkceVerifierAtToken() throws Exception {
        String clientId = h.registerPublic();
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "u5");
        assertOAuthError(h.exchange(clientId, cb.code(), PKCEUtils.generateVerifier(), CLIENT_REDIRECT), 400,
                "invalid_grant");
    }

    @Test
    void refreshTokenUsedAsAccessTokenAndTheReverse() throws Exception {
        String clientId = h.registerPublic();
        Map<String, Object> tokens = h.tokensFor(clientId, "u6");
        String refresh = (String) tokens.get("refresh_token");
        String access = (String) tokens.get("access_token");
        assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize(refresh).statusCode());
        assertOAuthError(h.refresh(clientId, access), 400, "invalid_grant");
        assertEquals(200, new McpHttp(URI.create(h.mcpUrl())).initialize(access).statusCode(), "still valid");
    }

    @Test
    void refreshTokenOfAnotherClient() throws Exception {
        String victim = h.registerPublic();
        String attacker = h.registerPublic();
        String refresh = (String) h.tokensFor(victim, "u7").get("refresh_token");
        assertOAuthError(h.refresh(attacker, refresh), 400, "invalid_grant");
        assertEquals(200, h.refresh(victim, refresh).statusCode(), "the victim's token was not consumed");
    }

    @Test
    void upstreamAccessTokenPresentedToMcp() throws Exception {
        String clientId = h.registerPublic();
        String access = (String) h.tokensFor(clientId, "u8").get("access_token");
        String upstream = h.proxy.loadUpstreamTokens(access).accessToken();
        assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize(upstream).statusCode());
        String minted = h.idp.issueToken(ProxyHarness.ISSUER_ID, "u8", h.mcpUrl()).serialize();
        assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize(minted).statusCode());
    }

    @Test
    void consentCsrfWithAWrongToken() throws Exception {
        String clientId = h.registerPublic();
        Map<String, String> fields = ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s")));
        Map<String, String> forged = new java.util.LinkedHashMap<>(fields);
        forged.put("csrf_token", "A".repeat(fields.get("csrf_token").length()));
        HttpResponse<String> r = h.consent(forged, "approve");
        assertEquals(403, r.statusCode());
        assertTrue(r.headers().firstValue("Location").isEmpty());
        forged.remove("csrf_token");
        assertEquals(403, h.consent(forged, "approve").statusCode());
        // a token minted for another transaction does not fit this one
        Map<String, String> other = ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s2")));
        forged.put("csrf_token", other.get("csrf_token"));
        assertEquals(403, h.consent(forged, "approve").statusCode());
    }

    @Test
    void callbackCompletedInAnotherBrowser() throws Exception {
        String clientId = h.registerPublic();
        h.enqueueUser("u9");
        HttpResponse<String> approve = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s"))), "approve");
        String callback = h.throughUpstream(approve);
        assertRefusedWithoutRedirect(h.get(callback));
        assertRefusedWithoutRedirect(h.get(callback, "Cookie", ProxyHarness.cookie(approve)));
    }

    @Test
    void callbackWithAnotherFlowsCookie() throws Exception {
        String clientId = h.registerPublic();
        h.enqueueUser("u9b");
        HttpResponse<String> mine = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s"))), "approve");
        HttpResponse<String> victims = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s"))), "approve");
        String victimCallback = h.throughUpstream(victims);
        String myCookieValue = ProxyHarness.cookie(mine).split("=", 2)[1];
        String victimCookieName = ProxyHarness.cookie(victims).split("=", 2)[0];
        assertRefusedWithoutRedirect(h.get(victimCallback, "Cookie", victimCookieName + "=" + myCookieValue));
    }

    @Test
    void stateReplayAtTheCallback() throws Exception {
        String clientId = h.registerPublic();
        h.enqueueUser("u10");
        HttpResponse<String> approve = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s"))), "approve");
        String callback = h.throughUpstream(approve);
        String cookie = ProxyHarness.cookie(approve);
        assertEquals(302, h.get(callback, "Cookie", cookie).statusCode());
        assertRefusedWithoutRedirect(h.get(callback, "Cookie", cookie));
    }

    @Test
    void oversizedRegistrationBody() throws Exception {
        String big = "{\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"],\"client_name\":\"" + "x".repeat(70_000) + "\"}";
        HttpResponse<String> r = h.postJson("/oauth/register", big);
        // Refused on its size while it arrives (the route's limit), before any JSON is read.
        assertOAuthError(r, 413, "invalid_request");
        assertTrue(json(r).get("error_description").toString().contains(ClientMetadata.MAX_BODY_BYTES + " bytes"),
                r.body());
    }

    @Test
    void resourceOfAnotherServer() throws Exception {
        String clientId = h.registerPublic();
        String location = Browser.location(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s-res", "resource", "https://other.example/mcp")));
        assertEquals("invalid_target", Browser.query(location).get("error"));
        // the same resource spelled differently is ours
        String ok = h.authorizeUrl(clientId, CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s",
                "resource", h.mcpUrl().replace("http://", "HTTP://") + "/");
        assertEquals(200, h.get(ok).statusCode());
    }

    @Test
    void scopeNotOffered() throws Exception {
        String clientId = h.registerPublic();
        String location = Browser.location(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s", "scope", "admin")));
        assertEquals("invalid_scope", Browser.query(location).get("error"));
    }

    // ---- a misbehaving upstream token endpoint ---------------------------------------------------------------

    private static HttpServer stubTokenEndpoint(int delayMillis, int status, String contentType, String body)
            throws Exception {
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/token", exchange -> {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            try {
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (java.io.IOException ignored) {
                // the proxy gave up waiting
            }
            exchange.close();
        });
        stub.start();
        return stub;
    }

    private static Map<String, String> signInAgainst(UnaryOperator<OAuthProxy.Builder> customize) throws Exception {
        try (ProxyHarness other = new ProxyHarness(customize)) {
            String clientId = other.registerPublic();
            HttpResponse<String> approve = other.consent(ProxyHarness.consentFields(other.get(other.authorizeUrl(
                    clientId, CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s-up"))), "approve");
            String callback = other.throughUpstream(approve);
            HttpResponse<String> back = other.get(callback, "Cookie", ProxyHarness.cookie(approve));
            String location = Browser.location(back);
            assertTrue(location.startsWith(CLIENT_REDIRECT + "?"), location);
            assertFalse(back.body().contains("<html"), back.body());
            return Browser.query(location);
        }
    }

    @Test
    void upstreamTokenEndpointTimeout() throws Exception {
        HttpServer stub = stubTokenEndpoint(3000, 200, "application/json", "{\"access_token\":\"late\"}");
        try {
            long t0 = System.nanoTime();
            Map<String, String> q = signInAgainst(b -> b
                    .upstream(u -> u.upstreamTokenEndpoint(
                            "http://127.0.0.1:" + stub.getAddress().getPort() + "/token"))
                    .upstream(u -> u.upstreamTimeout(Duration.ofMillis(500))));
            assertEquals("temporarily_unavailable", q.get("error"));
            assertEquals("s-up", q.get("state"));
            assertFalse(q.toString().contains("late"));
            assertTrue(System.nanoTime() - t0 < 20_000_000_000L);
        } finally {
            stub.stop(0);
        }
    }

    @Test
    void upstreamHtmlErrorPageDoesNotLeak() throws Exception {
        HttpServer stub = stubTokenEndpoint(0, 500, "text/html",
                "<html><body>Internal upstream detail: db-password=hunter2</body></html>");
        try {
            Map<String, String> q = signInAgainst(b -> b
                    .upstream(u -> u.upstreamTokenEndpoint(
                            "http://127.0.0.1:" + stub.getAddress().getPort() + "/token")));
            assertEquals("temporarily_unavailable", q.get("error"));
            assertFalse(q.toString().contains("hunter2") || q.toString().contains("<html"), q.toString());
        } finally {
            stub.stop(0);
        }
    }

    @Test
    void unsupportedGrantAndMissingParametersAreRfc6749Errors() throws Exception {
        String clientId = h.registerPublic();
        assertOAuthError(h.postForm("/oauth/token", Map.of("grant_type", "password", "client_id", clientId)), 400,
                "unsupported_grant_type");
        assertOAuthError(h.postForm("/oauth/token", Map.of("grant_type", "authorization_code", "client_id", "nobody",
                "code", "x")), 401, "invalid_client");
        assertOAuthError(h.postForm("/oauth/token", Map.of("grant_type", "authorization_code", "client_id", clientId,
                "code", "forged", "code_verifier", PKCEUtils.generateVerifier())), 400, "invalid_grant");
    }
}
