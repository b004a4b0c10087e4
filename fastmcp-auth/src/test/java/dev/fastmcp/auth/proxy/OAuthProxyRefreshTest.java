package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Refresh of our tokens: the grace period for duplicates, reuse as theft, and the upstream token behind them. */
@Timeout(120)
class OAuthProxyRefreshTest {

    // ---- grace period ----------------------------------------------------------------------------------------

    @Test
    void duplicateRefreshWithinTheGracePeriodGetsTheSamePair() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "dup").get("refresh_token");
            List<HttpResponse<String>> answers = race(2, i -> h.refresh(clientId, refresh));
            Map<String, Object> first = json(answers.get(0));
            assertEquals(200, answers.get(0).statusCode(), answers.get(0).body());
            assertEquals(200, answers.get(1).statusCode(), answers.get(1).body());
            assertEquals(first.get("access_token"), json(answers.get(1)).get("access_token"));
            assertEquals(first.get("refresh_token"), json(answers.get(1)).get("refresh_token"));
            // and once more, after both finished (a retry after a lost response)
            HttpResponse<String> retry = h.refresh(clientId, refresh);
            assertEquals(first.get("refresh_token"), json(retry).get("refresh_token"));
            assertEquals(200, new McpHttp(URI.create(h.mcpUrl())).initialize((String) first.get("access_token"))
                    .statusCode());
            // the new refresh token rotates normally
            assertEquals(200, h.refresh(clientId, (String) first.get("refresh_token")).statusCode());
        }
    }

    @Test
    void stolenRefreshTokenReplayedFromAnotherAddressWithinTheGracePeriodIsTheft() throws Exception {
        try (ProxyHarness h = new ProxyHarness(null, (idp, b) -> b, app -> app.trustForwardedHeaders())) {
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "victim").get("refresh_token");
            Map<String, String> form = Map.of("grant_type", "refresh_token", "refresh_token", refresh,
                    "client_id", clientId);
            HttpResponse<String> legit = h.postForm("/oauth/token", form, "X-Forwarded-For", "198.51.100.7");
            assertEquals(200, legit.statusCode(), legit.body());
            String access2 = (String) json(legit).get("access_token");
            // a retry from the same address is a duplicate and gets the same pair ...
            HttpResponse<String> retry = h.postForm("/oauth/token", form, "X-Forwarded-For", "198.51.100.7");
            assertEquals(json(legit).get("refresh_token"), json(retry).get("refresh_token"));
            // ... the same token from elsewhere, within the grace period, is a replay: refused, the grant revoked
            HttpResponse<String> replay = h.postForm("/oauth/token", form, "X-Forwarded-For", "203.0.113.9");
            assertEquals(400, replay.statusCode(), replay.body());
            assertEquals("invalid_grant", json(replay).get("error"));
            assertFalse(replay.body().contains("access_token"), "the thief gets no tokens");
            assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize(access2).statusCode());
        }
    }

    @Test
    void refreshTokenReusedAfterTheGracePeriodIsTheftAndRevokesTheSuccessors() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.lifetimes(l -> l.refreshGracePeriod(Duration.ofSeconds(1))))) {
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "thief").get("refresh_token");
            Map<String, Object> rotated = json(h.refresh(clientId, refresh));
            String access2 = (String) rotated.get("access_token");
            Thread.sleep(2100);
            HttpResponse<String> reused = h.refresh(clientId, refresh);
            assertEquals(400, reused.statusCode(), reused.body());
            assertEquals("invalid_grant", json(reused).get("error"));
            assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize(access2).statusCode());
            assertEquals(400, h.refresh(clientId, (String) rotated.get("refresh_token")).statusCode());
            assertNull(h.proxy.loadUpstreamTokens(access2));
        }
    }

    @Test
    void gracePeriodZeroTreatsAnyReuseAsTheft() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.lifetimes(l -> l.refreshGracePeriod(Duration.ZERO)))) {
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "strict").get("refresh_token");
            String access2 = (String) json(h.refresh(clientId, refresh)).get("access_token");
            assertEquals(400, h.refresh(clientId, refresh).statusCode());
            assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize(access2).statusCode());
        }
    }

    @Test
    void duplicateWithAnotherScopeIsNotADuplicate() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "scoped").get("refresh_token");
            assertEquals(200, h.refresh(clientId, refresh).statusCode());
            HttpResponse<String> other = h.postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                    "refresh_token", refresh, "client_id", clientId, "scope", "openid"));
            assertEquals(400, other.statusCode(), other.body());
        }
    }

    @Test
    void twoProxiesSharingOneStorageRaceTheSameRefreshTokenAndBothGetTheSamePair() throws Exception {
        MemoryTokenStorage shared = new MemoryTokenStorage();
        try (ProxyHarness a = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(shared)));
                // behind one load balancer both instances have the same public URL, the issuer of our tokens
                ProxyHarness b = new ProxyHarness(a.base(), x -> x.keysAndStorage(k -> k.tokenStorage(shared)))) {
            String clientId = a.registerPublic();
            String refresh = (String) a.tokensFor(clientId, "racer").get("refresh_token");
            for (int round = 0; round < 3; round++) {
                String token = refresh;
                List<HttpResponse<String>> answers = race(2, i -> (i == 0 ? a : b).refresh(clientId, token));
                assertEquals(200, answers.get(0).statusCode(), answers.get(0).body());
                assertEquals(200, answers.get(1).statusCode(), answers.get(1).body());
                assertEquals(json(answers.get(0)), json(answers.get(1)));
                refresh = (String) json(answers.get(0)).get("refresh_token");
                assertEquals(200, new McpHttp(URI.create(b.mcpUrl()))
                        .initialize((String) json(answers.get(0)).get("access_token")).statusCode());
            }
        } finally {
            shared.close();
        }
    }

    interface Call {
        HttpResponse<String> run(int i) throws Exception;
    }

    /** Runs {@code n} calls released at the same instant; their answers in call order. */
    static List<HttpResponse<String>> race(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> futures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    go.await();
                    return call.run(index);
                }));
            }
            go.countDown();
            List<HttpResponse<String>> out = new CopyOnWriteArrayList<>();
            for (Future<HttpResponse<String>> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- the upstream token behind ours ------------------------------------------------------------------------

    @Test
    void expiredUpstreamTokenIsRefreshedUpstreamWhenOursIsRefreshed() throws Exception {
        try (StubUpstream up = new StubUpstream(
                "{\"access_token\":\"up-1\",\"refresh_token\":\"up-r1\",\"expires_in\":1}")) {
            try (ProxyHarness h = new ProxyHarness(up.endpoints())) {
                up.answerRefresh(200, "application/json", "{\"access_token\":\"up-2\",\"expires_in\":3600}");
                String clientId = h.registerPublic();
                Map<String, Object> tokens = h.tokensFor(clientId, "stub-user");
                HttpResponse<String> r = h.refresh(clientId, (String) tokens.get("refresh_token"));
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(1, up.refreshes.size(), "our refresh refreshed the expired upstream token");
                assertEquals(true, up.refreshes.get(0).contains("refresh_token=up-r1"));
                String access2 = (String) json(r).get("access_token");
                assertEquals("up-2", h.proxy.loadUpstreamTokens(access2).accessToken());
                assertEquals("up-r1", h.proxy.loadUpstreamTokens(access2).refreshToken(), "kept when none is sent");
                McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
                assertEquals(200, mcp.initialize(access2).statusCode());
                assertEquals("up-2", McpHttp.text(mcp.callTool(access2, 2, "upstream_token")));
                assertEquals(1, up.refreshes.size(), "still fresh: no second upstream refresh");
            }
        }
    }

    @Test
    void extraTokenParamsGoOnTheUpstreamRefreshToo() throws Exception {
        try (StubUpstream up = new StubUpstream(StubUpstream.EXPIRING)) {
            try (ProxyHarness h = new ProxyHarness(b -> up.endpoints().apply(b)
                    .upstream(u -> u.extraTokenParams(Map.of("audience", "calendar"))))) {
                up.answerRefresh(200, "application/json", "{\"access_token\":\"up-2\",\"expires_in\":3600}");
                String clientId = h.registerPublic();
                Map<String, Object> tokens = h.tokensFor(clientId, "stub-user");
                assertEquals(200, h.refresh(clientId, (String) tokens.get("refresh_token")).statusCode());
                assertEquals(1, up.refreshes.size());
                assertEquals(true, up.refreshes.get(0).contains("audience=calendar"), up.refreshes.get(0));
                assertEquals(true, up.refreshes.get(0).contains("grant_type=refresh_token"), up.refreshes.get(0));
            }
        }
    }

    @Test
    void upstreamHtmlErrorOnRefreshIsTemporarilyUnavailableWithoutUpstreamText() throws Exception {
        try (StubUpstream up = new StubUpstream(
                "{\"access_token\":\"up-1\",\"refresh_token\":\"up-r1\",\"expires_in\":1}")) {
            try (ProxyHarness h = new ProxyHarness(up.endpoints())) {
                up.answerRefresh(500, "text/html", "<html><body>upstream detail: db-password=hunter2</body></html>");
                String clientId = h.registerPublic();
                String refresh = (String) h.tokensFor(clientId, "stub-user").get("refresh_token");
                HttpResponse<String> r = h.refresh(clientId, refresh);
                assertEquals(503, r.statusCode(), r.body());
                assertEquals("temporarily_unavailable", json(r).get("error"));
                assertFalse(r.body().contains("hunter2") || r.body().contains("<html"), r.body());
                // the refresh token survives an upstream outage
                up.answerRefresh(200, "application/json", "{\"access_token\":\"up-2\",\"expires_in\":3600}");
                HttpResponse<String> again = h.refresh(clientId, refresh);
                assertEquals(200, again.statusCode(), again.body());
                assertEquals("up-2", h.proxy.loadUpstreamTokens((String) json(again).get("access_token"))
                        .accessToken());
            }
        }
    }

    @Test
    void upstreamInvalidGrantOnRefreshIsInvalidGrantAndEndsTheGrant() throws Exception {
        try (StubUpstream up = new StubUpstream(
                "{\"access_token\":\"up-1\",\"refresh_token\":\"up-r1\",\"expires_in\":1}")) {
            try (ProxyHarness h = new ProxyHarness(up.endpoints())) {
                up.answerRefresh(400, "application/json",
                        "{\"error\":\"invalid_grant\",\"error_description\":\"secret upstream words\"}");
                String clientId = h.registerPublic();
                Map<String, Object> tokens = h.tokensFor(clientId, "stub-user");
                HttpResponse<String> r = h.refresh(clientId, (String) tokens.get("refresh_token"));
                assertEquals(400, r.statusCode(), r.body());
                assertEquals("invalid_grant", json(r).get("error"));
                assertFalse(r.body().contains("secret upstream words"), r.body());
                assertNull(h.proxy.loadUpstreamTokens((String) tokens.get("access_token")));
                assertEquals(400, h.refresh(clientId, (String) tokens.get("refresh_token")).statusCode());
            }
        }
    }

    @Test
    void upstreamTokenWithoutExpiryIsRecheckedOnRefresh() throws Exception {
        try (StubUpstream up = new StubUpstream("{\"access_token\":\"gh-1\",\"refresh_token\":\"gh-r1\"}")) {
            try (ProxyHarness h = new ProxyHarness(up.endpoints())) {
                String clientId = h.registerPublic();
                Map<String, Object> tokens = h.tokensFor(clientId, "stub-user");
                assertNull(h.proxy.loadUpstreamTokens((String) tokens.get("access_token")).expiresAt(),
                        "unknown expiry");
                assertEquals(0, up.refreshes.size(), "not refreshed on use");
                // the provider is down: the token of unknown expiry is kept
                up.answerRefresh(502, "text/html", "<html>bad gateway</html>");
                HttpResponse<String> r = h.refresh(clientId, (String) tokens.get("refresh_token"));
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(1, up.refreshes.size());
                assertEquals("gh-1", h.proxy.loadUpstreamTokens((String) json(r).get("access_token")).accessToken());
                // the provider answers: the re-check replaces it
                up.answerRefresh(200, "application/x-www-form-urlencoded", "access_token=gh-2&token_type=bearer");
                HttpResponse<String> r2 = h.refresh(clientId, (String) json(r).get("refresh_token"));
                assertEquals(200, r2.statusCode(), r2.body());
                assertEquals(2, up.refreshes.size());
                assertEquals("gh-2", h.proxy.loadUpstreamTokens((String) json(r2).get("access_token")).accessToken());
            }
        }
    }

    @Test
    void upstreamTokenWithoutExpiryOrRefreshTokenIsKept() throws Exception {
        try (StubUpstream up = new StubUpstream("{\"access_token\":\"gh-only\"}")) {
            try (ProxyHarness h = new ProxyHarness(up.endpoints())) {
                String clientId = h.registerPublic();
                HttpResponse<String> r = h.refresh(clientId, (String) h.tokensFor(clientId, "stub-user").get("refresh_token"));
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(0, up.refreshes.size());
                assertEquals("gh-only", h.proxy.loadUpstreamTokens((String) json(r).get("access_token"))
                        .accessToken());
            }
        }
    }

    @Test
    void shortLivedTokensOfARealProviderAreRefreshedUpstream() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            String clientId = h.registerPublic();
            h.idp.enqueueCallback(new no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback(
                    ProxyHarness.ISSUER_ID, "short", "JWT", List.of("proxy-client"), Map.of(), 1));
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            HttpResponse<String> approve = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                    CLIENT_REDIRECT, pkce.challenge(), "s"))), "approve");
            String callback = h.throughUpstream(approve);
            String code = Browser.query(Browser.location(h.get(callback, "Cookie",
                    ProxyHarness.cookie(approve)))).get("code");
            Map<String, Object> tokens = json(h.exchange(clientId, code, pkce.verifier(), CLIENT_REDIRECT));
            String before = (String) TokenService.jwtPayload(h.proxy.loadUpstreamTokens(
                    (String) tokens.get("access_token")).accessToken()).get("jti");
            HttpResponse<String> r = h.refresh(clientId, (String) tokens.get("refresh_token"));
            assertEquals(200, r.statusCode(), r.body());
            UpstreamTokens after = h.proxy.loadUpstreamTokens((String) json(r).get("access_token"));
            assertNotEquals(before, TokenService.jwtPayload(after.accessToken()).get("jti"));
            assertEquals("short", TokenService.jwtPayload(after.accessToken()).get("sub"));
        }
    }
}
