package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.LogCapture;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.DiskStore;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.storage.TokenStorage;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The OAuth proxy's options: loud opt-outs, refused combinations, moved routes, shared storage. */
@Timeout(120)
class OAuthProxyConfigTest {

    private static OAuthProxy.Builder minimal() {
        return OAuthProxy.builder(Upstream.of("https://idp.example/authorize", "https://idp.example/token", "id",
                "secret"));
    }

    @Test
    void tokenSwapOffIsRefusedAsTokenPassthrough() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> minimal().enableTokenSwap(false).build());
        assertTrue(e.getMessage().contains("passthrough"), e.getMessage());
    }

    @Test
    void encryptionOffIsRefusedForAPersistentStorage(@TempDir Path dir) {
        try (DiskStore disk = new DiskStore(dir)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> minimal().keysAndStorage(k -> k.tokenStorage(disk).encryptionKey(false)).build());
            assertTrue(e.getMessage().contains("persistent"), e.getMessage());
        }
    }

    @Test
    void missingKeysAreGeneratedWithAWarning() {
        try (LogCapture logs = new LogCapture("dev.fastmcp.auth")) {
            minimal().build();
            assertTrue(logs.text().contains("restart"), logs.text());
        }
        try (LogCapture logs = new LogCapture("dev.fastmcp.auth")) {
            minimal().secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=").build();
            assertFalse(logs.text().contains("generated"), logs.text());
        }
    }

    @Test
    void badOptionsSayWhatToChange() {
        assertThrows(IllegalArgumentException.class, () -> minimal()
                .upstream(u -> u.upstreamTokenEndpoint("http://idp.example/t")).build());
        assertThrows(IllegalArgumentException.class, () -> minimal()
                .upstream(u -> u.upstreamTokenEndpointAuthMethod("jwt")).build());
        assertThrows(IllegalArgumentException.class, () -> minimal().options(o -> o.redirectPath("callback")).build());
        assertThrows(IllegalArgumentException.class, () -> minimal().keysAndStorage(k -> k.jwtSigningKey(new byte[8]))
                .build());
        assertThrows(IllegalArgumentException.class,
                () -> minimal().upstream(u -> u.extraAuthorizationParams(Map.of("state", "x"))).build());
    }

    @Test
    void consentOffWarnsAndGoesStraightUpstream() throws Exception {
        try (LogCapture logs = new LogCapture("dev.fastmcp.auth");
                ProxyHarness h = new ProxyHarness(b -> b.claimsAndConsent(c -> c.consentRequired(false)))) {
            assertTrue(logs.text().contains("confused-deputy"), logs.text());
            String clientId = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            h.enqueueUser("eve");
            HttpResponse<String> toUpstream = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT, pkce.challenge(), "s"));
            String callback = h.throughUpstream(toUpstream);
            String clientUrl = Browser.location(h.get(callback, "Cookie", ProxyHarness.cookie(toUpstream)));
            String code = Browser.query(clientUrl).get("code");
            assertEquals(200, h.exchange(clientId, code, pkce.verifier(), CLIENT_REDIRECT).statusCode());
        }
    }

    @Test
    void redirectPathMovesTheCallbackRoute() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.options(o -> o.redirectPath("/auth/idp-return")))) {
            String clientId = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            h.enqueueUser("frank");
            HttpResponse<String> approve = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                    CLIENT_REDIRECT, pkce.challenge(), "s"))), "approve");
            String callback = h.throughUpstream(approve);
            assertTrue(callback.startsWith(h.base() + "/auth/idp-return?"), callback);
            String clientUrl = Browser.location(h.get(callback, "Cookie", ProxyHarness.cookie(approve)));
            assertEquals(200, h.exchange(clientId, Browser.query(clientUrl).get("code"), pkce.verifier(),
                    CLIENT_REDIRECT).statusCode());
            assertEquals(404, h.get(h.base() + "/oauth/callback?state=x&code=y").statusCode());
        }
    }

    @Test
    void twoInstancesSharingStorageAndSecretFinishEachOthersFlows() throws Exception {
        MemoryTokenStorage shared = new MemoryTokenStorage();
        try (ProxyHarness a = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(shared)));
                ProxyHarness b = new ProxyHarness(x -> x.keysAndStorage(k -> k.tokenStorage(shared)))) {
            String clientId = a.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            ProxyHarness.ClientCallback cb = a.signIn(clientId, CLIENT_REDIRECT, pkce, "gina");
            HttpResponse<String> r = b.exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT);
            assertEquals(200, r.statusCode(), r.body());
            String access = (String) json(r).get("access_token");
            assertEquals(200, new McpHttp(URI.create(b.mcpUrl())).initialize(access).statusCode());
        } finally {
            shared.close();
        }
    }

    @Test
    void aClientRegisteredBeforeThePatternsWereNarrowedCannotUseItsNowForbiddenRedirectUri() throws Exception {
        MemoryTokenStorage shared = new MemoryTokenStorage();
        try (ProxyHarness before = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(shared)));
                ProxyHarness after = new ProxyHarness(x -> x.keysAndStorage(k -> k.tokenStorage(shared))
                        .limits(l -> l.allowedRedirectUriPatterns("https://*.example.com/callback")))) {
            String clientId = before.registerPublic();
            HttpResponse<String> r = after.get(after.authorizeUrl(clientId, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "s"));
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.headers().firstValue("Location").isEmpty(), "nothing is sent to the forbidden URI");
            assertEquals(200, before.get(before.authorizeUrl(clientId, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "s")).statusCode());
        } finally {
            shared.close();
        }
    }

    @Test
    void refreshStartedOnOneInstanceFinishesOnTheOther() throws Exception {
        MemoryTokenStorage shared = new MemoryTokenStorage();
        try (ProxyHarness a = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(shared)));
                ProxyHarness b = new ProxyHarness(a.base(), x -> x.keysAndStorage(k -> k.tokenStorage(shared)))) {
            String clientId = a.registerPublic();
            Map<String, Object> tokens = a.tokensFor(clientId, "ivan");
            HttpResponse<String> r = b.refresh(clientId, (String) tokens.get("refresh_token"));
            assertEquals(200, r.statusCode(), r.body());
            String access = (String) json(r).get("access_token");
            assertEquals(200, new McpHttp(URI.create(a.mcpUrl())).initialize(access).statusCode());
            assertEquals(401, new McpHttp(URI.create(a.mcpUrl())).initialize((String) tokens.get("access_token"))
                    .statusCode(), "the rotated access token is revoked on both");
            assertEquals(200, a.refresh(clientId, (String) json(r).get("refresh_token")).statusCode());
        } finally {
            shared.close();
        }
    }

    @Test
    void restartWithDiskStoreAndFixedKeysLosesNoClientAndNoToken(@TempDir Path dir) throws Exception {
        String base;
        String clientId;
        Map<String, Object> tokens;
        try (DiskStore disk = new DiskStore(dir); ProxyHarness before = new ProxyHarness(b -> b
                .keysAndStorage(k -> k.tokenStorage(disk)))) {
            base = before.base();
            clientId = before.registerPublic();
            tokens = before.tokensFor(clientId, "judy");
        }
        try (DiskStore disk = new DiskStore(dir);
                ProxyHarness after = new ProxyHarness(base, b -> b.keysAndStorage(k -> k.tokenStorage(disk)))) {
            String access = (String) tokens.get("access_token");
            McpHttp mcp = new McpHttp(URI.create(after.mcpUrl()));
            assertEquals(200, mcp.initialize(access).statusCode(), "the access token survives the restart");
            assertEquals("judy", after.proxy.loadUpstreamTokens(access) == null ? null
                    : TokenService.jwtPayload(after.proxy.loadUpstreamTokens(access).accessToken()).get("sub"));
            HttpResponse<String> r = after.refresh(clientId, (String) tokens.get("refresh_token"));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(200, new McpHttp(URI.create(after.mcpUrl()))
                    .initialize((String) json(r).get("access_token")).statusCode());
            // the client registration survived too: its next sign-in gets the consent page, not "unknown client"
            ProxyHarness.consentFields(after.get(after.authorizeUrl(clientId, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "again")));
        }
    }

    @Test
    void storageKeysNeverContainSecretValues() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        MemoryTokenStorage memory = new MemoryTokenStorage();
        TokenStorage recording = new RecordingStorage(memory, keys);
        try (ProxyHarness h = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(recording)))) {
            String clientId = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "hank");
            Map<String, Object> tokens = json(h.exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT));
            String jti = (String) TokenService.jwtPayload((String) tokens.get("access_token")).get("jti");
            assertFalse(keys.isEmpty());
            for (String key : keys) {
                assertFalse(key.contains(cb.code()) || key.contains(jti) || key.contains(clientId), key);
            }
        } finally {
            memory.close();
        }
    }

    /** Records every key written to a storage. */
    private record RecordingStorage(TokenStorage delegate, List<String> keys) implements TokenStorage {
        @Override
        public void save(String key, Object value, long ttlSeconds) {
            keys.add(key);
            delegate.save(key, value, ttlSeconds);
        }

        @Override
        public boolean saveIfAbsent(String key, Object value, long ttlSeconds) {
            keys.add(key);
            return delegate.saveIfAbsent(key, value, ttlSeconds);
        }

        @Override
        public boolean replace(String key, Object expected, Object value, long ttlSeconds) {
            keys.add(key);
            return delegate.replace(key, expected, value, ttlSeconds);
        }

        @Override
        public <T> T get(String key, Class<T> type) {
            return delegate.get(key, type);
        }

        @Override
        public boolean delete(String key) {
            return delegate.delete(key);
        }

        @Override
        public <T> T take(String key, Class<T> type) {
            return delegate.take(key, type);
        }

        @Override
        public int cleanup() {
            return delegate.cleanup();
        }

        @Override
        public int size() {
            return delegate.size();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
