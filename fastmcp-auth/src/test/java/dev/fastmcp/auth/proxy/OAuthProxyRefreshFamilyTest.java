package dev.fastmcp.auth.proxy;

import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.jwt.IssuedToken;
import dev.fastmcp.auth.jwt.JWTIssuer;
import dev.fastmcp.auth.storage.DiskStore;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.storage.TokenStorage;
import dev.fastmcp.auth.testing.McpHttp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refresh token families: one record per grant however often it is refreshed, reuse of an earlier generation as
 * theft, exactly one refresh of a token across instances, and the refresh tokens issued before families.
 */
@Timeout(120)
class OAuthProxyRefreshFamilyTest {

    @Test
    void aGrantKeepsOneRecordHoweverOftenItIsRefreshed() throws Exception {
        MemoryTokenStorage storage = new MemoryTokenStorage();
        try (ProxyHarness h = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(storage)))) {
            String clientId = h.registerPublic();
            String refresh = refreshed(h, clientId, (String) h.tokensFor(clientId, "steady").get("refresh_token"));
            int entries = storage.size();
            for (int i = 0; i < 40; i++) {
                refresh = refreshed(h, clientId, refresh);
            }
            assertEquals(entries, storage.size(), "a rotated refresh token leaves no record behind");
            Map<String, Object> claims = TokenService.jwtPayload(refresh);
            assertEquals(41, ((Number) claims.get(TokenService.GENERATION_CLAIM)).intValue());
            assertEquals(41, family(h, refresh).generation());
        } finally {
            storage.close();
        }
    }

    @Test
    void reusedOldRefreshTokenRevokesTheFamily() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.lifetimes(l -> l.refreshGracePeriod(Duration.ZERO)))) {
            String clientId = h.registerPublic();
            String first = (String) h.tokensFor(clientId, "victim").get("refresh_token");
            Map<String, Object> current = json(h.refresh(clientId, refreshed(h, clientId, first)));
            String access = (String) current.get("access_token");
            String refresh = (String) current.get("refresh_token");
            // a thief replays the first refresh token, two generations back
            HttpResponse<String> replay = h.refresh(clientId, first);
            assertEquals(400, replay.statusCode(), replay.body());
            assertEquals("invalid_grant", json(replay).get("error"));
            assertFalse(replay.body().contains("access_token"), "the thief gets no tokens");
            // the whole family is ended: the current refresh and access tokens too, and the upstream set
            assertEquals("invalid_grant", json(h.refresh(clientId, refresh)).get("error"));
            assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize(access).statusCode());
            assertNull(h.proxy.loadUpstreamTokens(access));
            assertNull(h.proxy.context().store.get(ProxyStore.FAMILY,
                    (String) TokenService.jwtPayload(refresh).get(TokenService.FAMILY_CLAIM), ProxyStore.Family.class));
        }
    }

    @Test
    void concurrentRefreshWithTheSameTokenSucceedsExactlyOnce() throws Exception {
        try (MemoryTokenStorage shared = new MemoryTokenStorage()) {
            refreshesExactlyOnce(shared);
        }
    }

    @Test
    void concurrentRefreshWithTheSameTokenSucceedsExactlyOnceOnASharedDirectory(@TempDir Path dir) throws Exception {
        try (DiskStore shared = new DiskStore(dir)) {
            refreshesExactlyOnce(shared);
        }
    }

    /**
     * Two instances sharing one storage, eight requests with one refresh token from eight client addresses (so none
     * is a duplicate of another): one refresh happens; the others are replays of a token already refreshed, so the
     * family ends, and never do two new pairs live on.
     */
    private static void refreshesExactlyOnce(TokenStorage shared) throws Exception {
        try (ProxyHarness a = new ProxyHarness(null, (idp, b) -> b.keysAndStorage(k -> k.tokenStorage(shared)),
                app -> app.trustForwardedHeaders());
                ProxyHarness b = new ProxyHarness(a.base(), (idp, x) -> x.keysAndStorage(k -> k.tokenStorage(shared)),
                        app -> app.trustForwardedHeaders())) {
            String clientId = a.registerPublic();
            String refresh = (String) a.tokensFor(clientId, "racer").get("refresh_token");
            Map<String, String> form = Map.of("grant_type", "refresh_token", "refresh_token", refresh,
                    "client_id", clientId);
            List<HttpResponse<String>> answers = OAuthProxyRefreshTest.race(8, i -> (i % 2 == 0 ? a : b)
                    .postForm("/oauth/token", form, "X-Forwarded-For", "198.51.100." + (i + 1)));
            List<HttpResponse<String>> won = answers.stream().filter(r -> r.statusCode() == 200).toList();
            assertEquals(1, won.size(), () -> "exactly one refresh: " + answers.stream().map(HttpResponse::body)
                    .toList());
            for (HttpResponse<String> r : answers) {
                if (r.statusCode() != 200) {
                    assertEquals(400, r.statusCode(), r.body());
                    assertEquals("invalid_grant", json(r).get("error"));
                    assertFalse(r.body().contains("access_token"), r.body());
                }
            }
            Map<String, Object> pair = json(won.get(0));
            assertEquals(401, new McpHttp(URI.create(b.mcpUrl())).initialize((String) pair.get("access_token"))
                    .statusCode(), "the replays ended the family, the one new pair included");
            assertEquals("invalid_grant", json(a.refresh(clientId, (String) pair.get("refresh_token"))).get("error"));
        }
    }

    @Test
    void concurrentDuplicatesAtTwoInstancesAllGetTheAnswerOfTheOneRefresh() throws Exception {
        try (MemoryTokenStorage shared = new MemoryTokenStorage();
                ProxyHarness a = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(shared)));
                ProxyHarness b = new ProxyHarness(a.base(), x -> x.keysAndStorage(k -> k.tokenStorage(shared)))) {
            String clientId = a.registerPublic();
            String refresh = (String) a.tokensFor(clientId, "tabs").get("refresh_token");
            List<HttpResponse<String>> answers = OAuthProxyRefreshTest.race(6,
                    i -> (i % 2 == 0 ? a : b).refresh(clientId, refresh));
            for (HttpResponse<String> r : answers) {
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(json(answers.get(0)), json(r), "one refresh, one answer");
            }
            String next = (String) json(answers.get(0)).get("refresh_token");
            assertEquals(1, family(a, next).generation(), "the family moved on once");
            assertEquals(200, new McpHttp(URI.create(b.mcpUrl()))
                    .initialize((String) json(answers.get(0)).get("access_token")).statusCode());
            assertEquals(200, b.refresh(clientId, next).statusCode());
        }
    }

    @Test
    void aRefreshLeftUnfinishedByAnotherInstanceIsTakenOverOnceItsClaimLapses() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "crash").get("refresh_token");
            ProxyStore store = h.proxy.context().store;
            String id = (String) TokenService.jwtPayload(refresh).get(TokenService.FAMILY_CLAIM);
            ProxyStore.Family f = family(h, refresh);
            // an instance claimed this refresh, then died before finishing it
            store.save(ProxyStore.FAMILY, id, f.claimed(new ProxyStore.Claim("gone",
                    System.currentTimeMillis() + 1500)), 3600);
            long start = System.nanoTime();
            HttpResponse<String> r = h.refresh(clientId, refresh);
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(1000).toNanos(), "it waited for the claim");
            assertEquals(1, family(h, (String) json(r).get("refresh_token")).generation());
        }
    }

    @Test
    void aRefreshTokenReSignedOnItsLiveFamilyIsRefusedAndRevokesNothing() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "alice-123").get("refresh_token");
            Map<String, Object> claims = TokenService.jwtPayload(refresh);
            ProxyStore.Family f = family(h, refresh);
            // the same claims signed again with a known key: another token on the same family and generation
            String forged = h.proxy.context().issuer.issueRefreshToken(JWTIssuer.TokenRequest.of(clientId, f.scopes())
                    .withSubject(f.subject()).withClaims(Map.of(TokenService.FAMILY_CLAIM,
                            claims.get(TokenService.FAMILY_CLAIM), TokenService.GENERATION_CLAIM, 0)));
            assertNotEquals(refresh, forged);
            HttpResponse<String> r = h.refresh(clientId, forged);
            assertEquals(400, r.statusCode(), r.body());
            assertEquals("invalid_grant", json(r).get("error"));
            assertEquals(200, h.refresh(clientId, refresh).statusCode(), "the real token still refreshes");
        }
    }

    @Test
    void revokingAnEarlierGenerationEndsTheFamily() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            String clientId = h.registerPublic();
            String first = (String) h.tokensFor(clientId, "leaving").get("refresh_token");
            Map<String, Object> current = json(h.refresh(clientId, first));
            assertEquals(200, h.postForm("/oauth/revoke", Map.of("token", first, "client_id", clientId))
                    .statusCode());
            assertEquals("invalid_grant", json(h.refresh(clientId, (String) current.get("refresh_token")))
                    .get("error"));
            assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize((String) current.get("access_token"))
                    .statusCode());
        }
    }

    // ---- refresh tokens issued before families ---------------------------------------------------------------

    @Test
    void aRefreshTokenIssuedBeforeFamiliesRefreshesOnceThenJoinsAFamily() throws Exception {
        try (ProxyHarness h = new ProxyHarness(null, (idp, b) -> b, app -> app.trustForwardedHeaders())) {
            String clientId = h.registerPublic();
            String legacy = legacyRefreshToken(h, clientId, h.tokensFor(clientId, "upgraded"), false, null);
            Map<String, String> form = Map.of("grant_type", "refresh_token", "refresh_token", legacy,
                    "client_id", clientId);
            // its first refresh, sent four times at once by one client: one family, one answer
            List<HttpResponse<String>> answers = OAuthProxyRefreshTest.race(4,
                    i -> h.postForm("/oauth/token", form, "X-Forwarded-For", "198.51.100.7"));
            for (HttpResponse<String> r : answers) {
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(json(answers.get(0)), json(r));
            }
            Map<String, Object> pair = json(answers.get(0));
            String joined = (String) pair.get("refresh_token");
            assertNotNull(TokenService.jwtPayload(joined).get(TokenService.FAMILY_CLAIM), "a token of a family");
            assertEquals(1, family(h, joined).generation());
            // it refreshes as any other, and the old token presented again from elsewhere is theft
            Map<String, Object> next = json(h.refresh(clientId, joined));
            HttpResponse<String> replay = h.postForm("/oauth/token", form, "X-Forwarded-For", "203.0.113.9");
            assertEquals(400, replay.statusCode(), replay.body());
            assertEquals("invalid_grant", json(replay).get("error"));
            assertEquals("invalid_grant", json(h.refresh(clientId, (String) next.get("refresh_token"))).get("error"));
            assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize((String) next.get("access_token"))
                    .statusCode());
        }
    }

    @Test
    void aRefreshTokenRotatedBeforeFamiliesAndUsedAgainRevokesTheGrant() throws Exception {
        try (ProxyHarness h = new ProxyHarness()) {
            String clientId = h.registerPublic();
            Map<String, Object> tokens = h.tokensFor(clientId, "old-thief");
            String access = (String) tokens.get("access_token");
            String successorJti = (String) TokenService.jwtPayload(access).get("jti");
            String rotated = legacyRefreshToken(h, clientId, tokens, true, successorJti);
            HttpResponse<String> reused = h.refresh(clientId, rotated);
            assertEquals(400, reused.statusCode(), reused.body());
            assertEquals("invalid_grant", json(reused).get("error"));
            assertEquals(401, new McpHttp(URI.create(h.mcpUrl())).initialize(access).statusCode());
        }
    }

    /**
     * A refresh token as issued before families, for the grant of {@code tokens}: a JWT without family claims, and
     * its mapping by {@code jti}; {@code used} with a successor access token, as a rotation of that time left it.
     */
    private static String legacyRefreshToken(ProxyHarness h, String clientId, Map<String, Object> tokens,
            boolean used, String successorAccessJti) {
        ProxyContext ctx = h.proxy.context();
        String accessJti = (String) TokenService.jwtPayload((String) tokens.get("access_token")).get("jti");
        ProxyStore.AccessMapping access = ctx.store.get(ProxyStore.ACCESS, accessJti, ProxyStore.AccessMapping.class);
        IssuedToken legacy = ctx.issuer.issueRefreshTokenWithInfo(JWTIssuer.TokenRequest.of(clientId, access.scopes())
                .withSubject(access.subject()));
        ctx.store.save(ProxyStore.REFRESH, legacy.jti(), new ProxyStore.RefreshMapping(clientId, access.upstreamId(),
                access.subject(), access.scopes(), accessJti, used, successorAccessJti, null, null), 3600);
        return legacy.token();
    }

    private static String refreshed(ProxyHarness h, String clientId, String refresh) throws Exception {
        HttpResponse<String> r = h.refresh(clientId, refresh);
        assertEquals(200, r.statusCode(), r.body());
        return (String) json(r).get("refresh_token");
    }

    private static ProxyStore.Family family(ProxyHarness h, String refresh) {
        return h.proxy.context().store.get(ProxyStore.FAMILY,
                (String) TokenService.jwtPayload(refresh).get(TokenService.FAMILY_CLAIM), ProxyStore.Family.class);
    }
}
