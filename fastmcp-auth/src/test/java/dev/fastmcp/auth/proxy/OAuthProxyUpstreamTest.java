package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.auth.proxy.ProxyHarness.ISSUER_ID;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.LogCapture;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.StaticTokenVerifier;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.auth.testing.TricklingAnswer;
import dev.fastmcp.testsupport.Browser;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy against different upstreams: OpenID Connect ones whose ID tokens are verified, token swap off for
 * providers that issue tokens for our resource, and token endpoints answering form-encoded or oversized bodies.
 */
@Timeout(120)
class OAuthProxyUpstreamTest {

    /** A token endpoint on loopback answering what {@code body} holds at the time, recording the Accept header. */
    private static final class StubTokenEndpoint implements AutoCloseable {
        final AtomicReference<String> contentType = new AtomicReference<>("application/json");
        final AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
        final AtomicReference<String> accept = new AtomicReference<>();
        private final HttpServer server;

        StubTokenEndpoint() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/token", exchange -> {
                accept.set(exchange.getRequestHeaders().getFirst("Accept"));
                exchange.getRequestBody().readAllBytes();
                byte[] bytes = body.get();
                exchange.getResponseHeaders().set("Content-Type", contentType.get());
                try (OutputStream out = exchange.getResponseBody()) {
                    exchange.sendResponseHeaders(200, bytes.length);
                    out.write(bytes);
                } catch (IOException ignored) {
                    // the proxy stopped reading
                }
            });
            server.start();
        }

        void answer(String type, String text) {
            contentType.set(type);
            body.set(text.getBytes(StandardCharsets.UTF_8));
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static BiFunction<MockOAuth2Server, OAuthProxy.Builder, OAuthProxy.Builder> oidc() {
        return (idp, b) -> b.upstream(u -> u.upstreamIssuer(idp.issuerUrl(ISSUER_ID).toString()))
                .upstream(u -> u.upstreamJwksUri(idp.jwksUrl(ISSUER_ID).toString()));
    }

    /** A browser sign-in up to the consent approval: the response sending the browser upstream. */
    private static HttpResponse<String> approved(ProxyHarness h, String clientId, PKCEUtils.PKCEPair pkce)
            throws Exception {
        return h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT, pkce.challenge(),
                "st"))), "approve");
    }

    /** Finishes a sign-in from the consent approval; returns what the client's redirect URI receives. */
    private static Map<String, String> finish(ProxyHarness h, HttpResponse<String> approve) throws Exception {
        String callback = h.throughUpstream(approve);
        String location = Browser.location(h.get(callback, "Cookie", ProxyHarness.cookie(approve)));
        assertTrue(location.startsWith(CLIENT_REDIRECT + "?"), location);
        return Browser.query(location);
    }

    // ---- OpenID Connect upstreams ---------------------------------------------------------------------------

    @Test
    void oidcSignInSendsANonceAndTakesTheSubjectFromTheVerifiedIdToken() throws Exception {
        try (ProxyHarness h = new ProxyHarness(oidc())) {
            String clientId = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            h.enqueueUser("oidc-user-7");
            HttpResponse<String> approve = approved(h, clientId, pkce);
            String nonce = Browser.query(Browser.location(approve)).get("nonce");
            assertNotNull(nonce, "a nonce is sent upstream in OIDC mode");
            assertTrue(nonce.length() >= 32, nonce);
            Map<String, String> q = finish(h, approve);
            assertNull(q.get("error"), q.toString());
            HttpResponse<String> r = h.exchange(clientId, q.get("code"), pkce.verifier(), CLIENT_REDIRECT);
            assertEquals(200, r.statusCode(), r.body());
            String access = (String) json(r).get("access_token");
            McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
            assertEquals(200, mcp.initialize(access).statusCode());
            assertEquals("oidc-user-7|" + clientId + "|oidc-user-7@example.com",
                    McpHttp.text(mcp.callTool(access, 2, "whoami")));
        }
    }

    @Test
    void theResourceIsForwardedUpstreamOnlyWhenConfigured() throws Exception {
        for (boolean forward : new boolean[] {false, true}) {
            try (ProxyHarness h = new ProxyHarness(b -> b.upstream(u -> u.forwardResource(forward)))) {
                String clientId = h.registerPublic();
                HttpResponse<String> approve = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                        ProxyHarness.CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s",
                        "resource", h.mcpUrl()))), "approve");
                Map<String, String> upstream = Browser.query(Browser.location(approve));
                assertEquals(forward ? h.mcpUrl() : null, upstream.get("resource"), upstream.toString());
            }
        }
    }

    @Test
    void withoutOpenidScopeNoNonceIsSent() throws Exception {
        try (ProxyHarness h = new ProxyHarness((idp, b) -> oidc().apply(idp, b).scopes("profile"))) {
            String clientId = h.registerPublic();
            String upstream = Browser.location(h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                    CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "st", "scope", "profile"))), "approve"));
            assertNull(Browser.query(upstream).get("nonce"), upstream);
        }
    }

    @Test
    void forgedOrWrongNonceIdTokenRefusesTheSignIn() throws Exception {
        RSAKeyPair attacker = RSAKeyPair.generate();
        try (StubTokenEndpoint stub = new StubTokenEndpoint();
                ProxyHarness h = new ProxyHarness((idp, b) -> oidc().apply(idp, b)
                        .upstream(u -> u.upstreamTokenEndpoint(stub.url())))) {
            String issuer = h.idp.issuerUrl(ISSUER_ID).toString();
            String clientId = h.registerPublic();

            // control: the provider's own key and the right nonce pass through the stub
            HttpResponse<String> approve = approved(h, clientId, PKCEUtils.generatePair());
            String nonce = Browser.query(Browser.location(approve)).get("nonce");
            String genuine = h.idp.issueToken(ISSUER_ID, "real-user", "proxy-client", Map.of("nonce", nonce))
                    .serialize();
            stub.answer("application/json", "{\"access_token\":\"at-1\",\"token_type\":\"Bearer\",\"id_token\":\""
                    + genuine + "\"}");
            Map<String, String> ok = finish(h, approve);
            assertNotNull(ok.get("code"), ok.toString());

            try (LogCapture logs = new LogCapture("dev.fastmcp.auth")) {
                // signed by another key, claims otherwise perfect
                approve = approved(h, clientId, PKCEUtils.generatePair());
                nonce = Browser.query(Browser.location(approve)).get("nonce");
                String forged = attacker.createToken("victim", issuer, "proxy-client", List.of(),
                        java.time.Duration.ofMinutes(5), Map.of("nonce", nonce), h.idp.issueToken(ISSUER_ID)
                                .getHeader().getKeyID());
                stub.answer("application/json", "{\"access_token\":\"at-2\",\"token_type\":\"Bearer\",\"id_token\":\""
                        + forged + "\"}");
                Map<String, String> q = finish(h, approve);
                assertEquals("access_denied", q.get("error"), q.toString());
                assertEquals("st", q.get("state"));
                assertNull(q.get("code"));

                // the provider's key, but the nonce of another sign-in
                approve = approved(h, clientId, PKCEUtils.generatePair());
                String replayed = h.idp.issueToken(ISSUER_ID, "victim", "proxy-client",
                        Map.of("nonce", "nonce-of-another-sign-in")).serialize();
                stub.answer("application/json", "{\"access_token\":\"at-3\",\"token_type\":\"Bearer\",\"id_token\":\""
                        + replayed + "\"}");
                q = finish(h, approve);
                assertEquals("access_denied", q.get("error"), q.toString());

                // tampered: the genuine token with its payload swapped
                approve = approved(h, clientId, PKCEUtils.generatePair());
                nonce = Browser.query(Browser.location(approve)).get("nonce");
                String[] parts = h.idp.issueToken(ISSUER_ID, "real-user", "proxy-client", Map.of("nonce", nonce))
                        .serialize().split("\\.");
                String[] evil = attacker.createToken("victim", issuer, "proxy-client", List.of(),
                        java.time.Duration.ofMinutes(5), Map.of("nonce", nonce), null).split("\\.");
                String tampered = parts[0] + "." + evil[1] + "." + parts[2];
                stub.answer("application/json", "{\"access_token\":\"at-4\",\"token_type\":\"Bearer\",\"id_token\":\""
                        + tampered + "\"}");
                q = finish(h, approve);
                assertEquals("access_denied", q.get("error"), q.toString());

                // no ID token at all
                approve = approved(h, clientId, PKCEUtils.generatePair());
                stub.answer("application/json", "{\"access_token\":\"at-5\",\"token_type\":\"Bearer\"}");
                q = finish(h, approve);
                assertEquals("access_denied", q.get("error"), q.toString());

                String text = logs.text();
                assertTrue(text.contains("WARN") && text.contains("ID token"), text);
                assertFalse(text.contains(forged) || text.contains(evil[1]) || text.contains(replayed)
                        || text.contains("nonce-of-another-sign-in") || text.contains("victim"), text);
            }
        }
    }

    @Test
    void oidcOptions() {
        OAuthProxy.Builder b = OAuthProxy.builder(Upstream.of("https://idp.example/authorize",
                "https://idp.example/token", "id", "s"));
        assertThrows(IllegalArgumentException.class, () -> b
                .upstream(u -> u.upstreamJwksUri("https://idp.example/jwks")).build(),
                "a JWKS without an issuer");
        b.upstream(u -> u.upstreamJwksUri(null));
        assertNotNull(b.upstream(u -> u.upstreamIssuer("https://idp.example")).build(),
                "the issuer alone: its JWKS is discovered");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.upstream(u -> u.upstreamIssuer("idp.example")).build());
        assertTrue(e.getMessage().contains("upstreamIssuer"), e.getMessage());
        assertNotNull(b.upstream(u -> u.upstreamJwksUri("https://idp.example/jwks")).build(),
                "any issuer string with a JWKS URL");
    }

    @Test
    void withOnlyTheIssuerTheJwksIsDiscoveredAndTheIdTokenVerified() throws Exception {
        try (ProxyHarness h = new ProxyHarness((idp, b) -> b
                .upstream(u -> u.upstreamIssuer(idp.issuerUrl(ISSUER_ID).toString())))) {
            for (String user : List.of("discovered-1", "discovered-2")) {
                String clientId = h.registerPublic();
                PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
                h.enqueueUser(user);
                HttpResponse<String> approve = approved(h, clientId, pkce);
                assertNotNull(Browser.query(Browser.location(approve)).get("nonce"));
                Map<String, String> q = finish(h, approve);
                assertNull(q.get("error"), q.toString());
                HttpResponse<String> r = h.exchange(clientId, q.get("code"), pkce.verifier(), CLIENT_REDIRECT);
                assertEquals(200, r.statusCode(), r.body());
                String access = (String) json(r).get("access_token");
                McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
                assertEquals(200, mcp.initialize(access).statusCode());
                assertEquals(user + "|" + clientId + "|" + user + "@example.com",
                        McpHttp.text(mcp.callTool(access, 2, "whoami")));
            }
        }
    }

    @Test
    void aDiscoveryDocumentNamingAnotherIssuerRefusesTheSignIn() throws Exception {
        // OpenID Connect issuers compare exactly: with a trailing slash the provider's document names another one
        try (ProxyHarness h = new ProxyHarness((idp, b) -> b
                .upstream(u -> u.upstreamIssuer(idp.issuerUrl(ISSUER_ID) + "/")));
                LogCapture logs = new LogCapture("dev.fastmcp.auth")) {
            String clientId = h.registerPublic();
            h.enqueueUser("someone");
            Map<String, String> q = finish(h, approved(h, clientId, PKCEUtils.generatePair()));
            assertEquals("access_denied", q.get("error"), q.toString());
            assertNull(q.get("code"));
            String text = logs.text();
            assertTrue(text.contains("ERROR") && text.contains("discovery") && text.contains("not the configured"),
                    text);
        }
    }

    // ---- token swap off -------------------------------------------------------------------------------------

    @Test
    void tokenSwapOffNeedsAVerifierAndOnlyThen() {
        OAuthProxy.Builder b = OAuthProxy.builder(Upstream.of("https://idp.example/authorize",
                "https://idp.example/token", "id", "s"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.enableTokenSwap(false).upstreamTokenVerifier(null).build());
        assertTrue(e.getMessage().contains("passthrough"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> b.enableTokenSwap(true).upstreamTokenVerifier(new StaticTokenVerifier(Map.of())).build());
        assertTrue(e.getMessage().contains("enableTokenSwap(false)"), e.getMessage());
        assertNotNull(b.enableTokenSwap(false).build());
    }

    @Test
    void tokenSwapOffHandsTheUpstreamTokenWhoseAudienceIsOurResource() throws Exception {
        AtomicReference<ProxyHarness> self = new AtomicReference<>();
        AtomicReference<JWKSVerifier> verifier = new AtomicReference<>();
        try (ProxyHarness h = new ProxyHarness((idp, b) -> b.enableTokenSwap(false).upstreamTokenVerifier(
                token -> verifier.updateAndGet(v -> v != null ? v : JWKSVerifier.builder(idp.jwksUrl(ISSUER_ID)
                        .toString()).issuer(idp.issuerUrl(ISSUER_ID).toString()).audience(self.get().mcpUrl())
                        .build()).verify(token)))) {
            self.set(h);
            String clientId = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            h.idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "passthrough-user", "JWT",
                    List.of(h.mcpUrl()), Map.of(), 3600));
            Map<String, String> q = finish(h, approved(h, clientId, pkce));
            HttpResponse<String> r = h.exchange(clientId, q.get("code"), pkce.verifier(), CLIENT_REDIRECT);
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Object> body = json(r);
            String access = (String) body.get("access_token");
            String refresh = (String) body.get("refresh_token");
            assertNotNull(refresh, "an opaque refresh token of ours; the provider's stays here");
            assertFalse(refresh.contains("."), "not a JWT, not the provider's");
            Map<String, Object> claims = TokenService.jwtPayload(access);
            assertEquals(h.idp.issuerUrl(ISSUER_ID).toString(), claims.get("iss"), "the upstream's own token");
            assertEquals("passthrough-user", claims.get("sub"));
            McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
            assertEquals(200, mcp.initialize(access).statusCode());

            String otherAudience = h.idp.issueToken(ISSUER_ID, "passthrough-user", "another-api").serialize();
            assertEquals(401, mcp.initialize(otherAudience).statusCode());
            String forged = RSAKeyPair.generate().createToken("passthrough-user", h.idp.issuerUrl(ISSUER_ID)
                    .toString(), h.mcpUrl());
            assertEquals(401, mcp.initialize(forged).statusCode());
            assertEquals(400, h.exchange(clientId, q.get("code"), pkce.verifier(), CLIENT_REDIRECT).statusCode(),
                    "the code is single use in this mode too");
            assertEquals("invalid_grant", json(h.refresh(clientId, refresh)).get("error"),
                    "a replayed code revokes what it issued, the refresh token included");

            // refresh of another sign-in: a fresh upstream access token, a new single-use refresh token
            refresh = (String) h.tokensFor(clientId, "passthrough-user").get("refresh_token");
            h.idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "passthrough-user", "JWT",
                    List.of(h.mcpUrl()), Map.of(), 3600));
            HttpResponse<String> refreshed = h.refresh(clientId, refresh);
            assertEquals(200, refreshed.statusCode(), refreshed.body());
            String access2 = (String) json(refreshed).get("access_token");
            String refresh2 = (String) json(refreshed).get("refresh_token");
            assertNotEquals(access, access2);
            assertNotEquals(refresh, refresh2);
            assertEquals(200, mcp.initialize(access2).statusCode());
            assertEquals("invalid_grant", json(h.refresh(clientId, refresh)).get("error"), "single use");
            // revocation: only by the client it was issued to
            String other = h.registerPublic();
            assertEquals(200, h.postForm("/oauth/revoke", Map.of("token", refresh2, "client_id", other))
                    .statusCode());
            assertEquals(200, h.postForm("/oauth/revoke", Map.of("token", refresh2, "client_id", clientId))
                    .statusCode());
            assertEquals("invalid_grant", json(h.refresh(clientId, refresh2)).get("error"), "revoked");
        }
    }

    @Test
    void tokenSwapOffRefreshTokenOfAnotherClientIsRefusedAndSpent() throws Exception {
        AtomicReference<ProxyHarness> self = new AtomicReference<>();
        try (ProxyHarness h = new ProxyHarness((idp, b) -> b.enableTokenSwap(false).upstreamTokenVerifier(
                token -> JWKSVerifier.builder(idp.jwksUrl(ISSUER_ID).toString())
                        .audience(self.get().mcpUrl()).build().verify(token)))) {
            self.set(h);
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "p2").get("refresh_token");
            HttpResponse<String> stolen = h.refresh(h.registerPublic(), refresh);
            assertEquals("invalid_grant", json(stolen).get("error"), stolen.body());
            assertEquals("invalid_grant", json(h.refresh(clientId, refresh)).get("error"),
                    "a refresh token shown by another client is spent");
        }
    }

    // ---- what the upstream token endpoint answers -----------------------------------------------------------

    @Test
    void formEncodedUpstreamTokenResponseAsGitHubSendsIt() throws Exception {
        try (StubTokenEndpoint stub = new StubTokenEndpoint();
                ProxyHarness h = new ProxyHarness(b -> b.upstream(u -> u.upstreamTokenEndpoint(stub.url())))) {
            stub.answer("application/x-www-form-urlencoded; charset=utf-8",
                    "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer");
            String clientId = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            Map<String, String> q = finish(h, approved(h, clientId, pkce));
            assertNull(q.get("error"), q.toString());
            assertEquals("application/json", stub.accept.get(), "the proxy asks for JSON");
            HttpResponse<String> r = h.exchange(clientId, q.get("code"), pkce.verifier(), CLIENT_REDIRECT);
            assertEquals(200, r.statusCode(), r.body());
            String access = (String) json(r).get("access_token");
            UpstreamTokens upstream = h.proxy.loadUpstreamTokens(access);
            assertEquals("gho_16C7e42F292c6912E7710c838347Ae178B4a", upstream.accessToken());
            assertEquals("repo,gist", upstream.scope());
            assertNull(upstream.expiresAt(), "GitHub OAuth app tokens do not expire");
            McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
            assertEquals(200, mcp.initialize(access).statusCode());
            assertEquals("gho_16C7e42F292c6912E7710c838347Ae178B4a", McpHttp.text(mcp.callTool(access, 3,
                    "upstream_token")));
        }
    }

    @Test
    void oversizedUpstreamTokenResponseIsRefused() throws Exception {
        try (StubTokenEndpoint stub = new StubTokenEndpoint();
                ProxyHarness h = new ProxyHarness(b -> b.upstream(u -> u.upstreamTokenEndpoint(stub.url())))) {
            String padding = "x".repeat(UpstreamClient.MAX_BODY_BYTES + 10);
            stub.answer("application/json", "{\"access_token\":\"big\",\"token_type\":\"Bearer\",\"pad\":\""
                    + padding + "\"}");
            String clientId = h.registerPublic();
            Map<String, String> q = finish(h, approved(h, clientId, PKCEUtils.generatePair()));
            assertEquals("temporarily_unavailable", q.get("error"), q.toString());
            assertEquals("st", q.get("state"));
            assertNull(q.get("code"));
            assertFalse(q.toString().contains("xxxx"));

            // just under the cap is read
            stub.answer("application/json", "{\"access_token\":\"fits\",\"token_type\":\"Bearer\",\"pad\":\""
                    + "x".repeat(UpstreamClient.MAX_BODY_BYTES - 100) + "\"}");
            q = finish(h, approved(h, clientId, PKCEUtils.generatePair()));
            assertNotNull(q.get("code"), q.toString());
        }
    }

    @Test
    void aTokenEndpointTricklingItsAnswerIsCutAtTheUpstreamTimeout() throws Exception {
        HttpServer trickling = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        trickling.createContext("/token", TricklingAnswer.of("application/json",
                "{\"access_token\":\"late\",\"token_type\":\"Bearer\"}"));
        trickling.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        trickling.start();
        try (ProxyHarness h = new ProxyHarness(b -> b.upstream(u -> u
                .upstreamTokenEndpoint("http://127.0.0.1:" + trickling.getAddress().getPort() + "/token")
                .upstreamTimeout(java.time.Duration.ofMillis(500))))) {
            String clientId = h.registerPublic();
            HttpResponse<String> approve = approved(h, clientId, PKCEUtils.generatePair());
            long start = System.nanoTime();
            Map<String, String> q = finish(h, approve);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals("temporarily_unavailable", q.get("error"), q.toString());
            assertNull(q.get("code"));
            assertTrue(millis < 3_000, "the callback waited " + millis + " ms for a 500 ms upstream timeout");
        } finally {
            trickling.stop(0);
        }
    }
}
