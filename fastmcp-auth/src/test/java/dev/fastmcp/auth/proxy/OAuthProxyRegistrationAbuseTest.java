package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.LogCapture;
import dev.fastmcp.RawHttp;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.testing.StorageTestClock;
import dev.fastmcp.testsupport.Browser;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Abuse of open dynamic client registration (RFC 7591) and of client authentication: what one registration may
 * cost, how many unused ones are kept whatever the number of addresses they come from, what the response echoes,
 * and how malformed or misplaced client credentials are answered.
 */
@Timeout(120)
class OAuthProxyRegistrationAbuseTest {

    private static final String[] SERVER_LOGGERS = {"dev.fastmcp", "io.modelcontextprotocol", "io.undertow",
        "org.xnio"};

    private static void assertOAuthError(HttpResponse<String> r, int status, String error, String mentions) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(error, json(r).get("error"), r.body());
        String description = String.valueOf(json(r).get("error_description"));
        assertTrue(description.contains(mentions), () -> "the description names " + mentions + ": " + description);
    }

    /** A registration body with a name, redirect URIs and (when not null) a scope. */
    private static String registration(String name, List<String> redirectUris, String scope) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_name", name);
        body.put("redirect_uris", redirectUris);
        body.put("token_endpoint_auth_method", "none");
        if (scope != null) {
            body.put("scope", scope);
        }
        return ProxyHttp.JSON.writeValueAsString(body);
    }

    /** {@code count} distinct loopback redirect URIs of exactly {@code length} characters. */
    private static List<String> redirectUris(int count, int length) {
        List<String> uris = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String base = CLIENT_REDIRECT + "/" + i + "/";
            uris.add(base + "a".repeat(length - base.length()));
        }
        return uris;
    }

    /** The largest registration accepted: every metadata limit reached. */
    private static String largestRegistration(int n) {
        String name = ("Client " + n + " ").repeat(40).substring(0, ClientMetadata.MAX_CLIENT_NAME_CHARS);
        return registration(name, redirectUris(ClientMetadata.MAX_REDIRECT_URIS, ClientMetadata.MAX_REDIRECT_URI_CHARS),
                "openid profile" + " openid".repeat((ClientMetadata.MAX_SCOPE_CHARS - 14) / 7));
    }

    @Test
    void oversizedRegistrationMetadataIsRefusedWithTheLimitNamed() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)))) {
            String largest = largestRegistration(1);
            assertTrue(largest.length() <= ClientMetadata.MAX_BODY_BYTES, "the largest registration fits the body "
                    + "limit: " + largest.length());
            HttpResponse<String> ok = h.postJson("/oauth/register", largest);
            assertEquals(201, ok.statusCode(), ok.body());

            assertOAuthError(h.postJson("/oauth/register", registration("n".repeat(201), List.of(CLIENT_REDIRECT),
                    null)), 400, "invalid_client_metadata", "at most 200");
            assertOAuthError(h.postJson("/oauth/register", registration("n", redirectUris(11, 40), null)), 400,
                    "invalid_client_metadata", "at most 10");
            assertOAuthError(h.postJson("/oauth/register", registration("n", redirectUris(1, 513), null)), 400,
                    "invalid_redirect_uri", "at most 512");
            assertOAuthError(h.postJson("/oauth/register", registration("n", List.of(CLIENT_REDIRECT),
                    "openid" + " profile".repeat(125))), 400, "invalid_client_metadata", "at most 1000");
            String padded = registration("n", List.of(CLIENT_REDIRECT), null).replace("{",
                    "{\"software_version\":\"" + "v".repeat(ClientMetadata.MAX_BODY_BYTES) + "\",");
            // refused by the route while it arrives, before the registration code sees it
            assertOAuthError(h.postJson("/oauth/register", padded), 413, "invalid_request", "8192 bytes");
            // the example of the issue: a 20,000-character name and 20 redirect URIs of 2,000 characters
            assertEquals(413, h.postJson("/oauth/register", registration("n".repeat(20_000), redirectUris(20, 2000),
                    null)).statusCode());
        }
    }

    @Test
    void ignoredRegistrationFieldsAreNeverEchoedBack() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)))) {
            HttpResponse<String> r = h.postJson("/oauth/register", "{\"client_name\":\"Echo\",\"redirect_uris\":[\""
                    + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":\"client_secret_basic\","
                    + "\"scope\":\"openid\",\"registration_access_token\":\"rat-123\","
                    + "\"registration_client_uri\":\"https://evil.example/manage\",\"jwks\":{\"keys\":[]},"
                    + "\"logo_uri\":\"https://evil.example/logo.png\",\"client_secret_expires_at\":99,"
                    + "\"client_id\":\"chosen-by-client\",\"x-anything\":\"echo me\"}");
            assertEquals(201, r.statusCode(), r.body());
            Map<String, Object> body = json(r);
            assertEquals(Set.of("client_id", "client_secret", "client_secret_expires_at", "client_id_issued_at",
                    "client_name", "redirect_uris", "grant_types", "response_types", "token_endpoint_auth_method",
                    "scope"), body.keySet(), r.body());
            assertFalse(r.body().contains("evil.example") || r.body().contains("rat-123")
                    || r.body().contains("echo me") || r.body().contains("chosen-by-client"), r.body());
            assertEquals(0, ((Number) body.get("client_secret_expires_at")).intValue());
            assertEquals(List.of("code"), body.get("response_types"));
            assertEquals("openid", body.get("scope"));

            Map<String, Object> minimal = json(h.postJson("/oauth/register", "{\"redirect_uris\":[\""
                    + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\"}"));
            assertEquals(Set.of("client_id", "client_id_issued_at", "redirect_uris", "grant_types", "response_types",
                    "token_endpoint_auth_method"), minimal.keySet(), minimal.toString());
        }
    }

    @Test
    void registrationWithoutJsonContentTypeIsRefused() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)))) {
            String body = registration("Typed", List.of(CLIENT_REDIRECT), null);
            // text/plain is what a page can send cross-origin without a CORS preflight
            for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", null}) {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(h.base() + "/oauth/register"))
                        .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body));
                if (type != null) {
                    b.header("Content-Type", type);
                }
                HttpResponse<String> r = h.browser.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
                assertOAuthError(r, 400, "invalid_client_metadata", "application/json");
            }
            HttpResponse<String> withCharset = h.browser.http().send(HttpRequest.newBuilder(URI.create(h.base()
                            + "/oauth/register")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "Application/JSON; charset=utf-8")
                    .header("Origin", "http://localhost:6274")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, withCharset.statusCode(), withCharset.body());
            // browser clients (MCP Inspector) register from their own origin: CORS stays open here
            assertEquals("*", withCharset.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        }
    }

    @Test
    void malformedBasicCredentialsAreInvalidClientAndNeverLogged() throws Exception {
        String secretPart = "Zq7-very-secret-" + System.nanoTime();
        List<String> credentials = List.of("abc%zz:" + secretPart, "client:" + secretPart + "%zz", "%:" + secretPart,
                "client:" + secretPart + "%", "%E0%A4%A:" + secretPart);
        try (LogCapture logs = new LogCapture(SERVER_LOGGERS)) {
            try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)))) {
                for (String path : List.of("/oauth/token", "/oauth/revoke")) {
                    for (String c : credentials) {
                        String basic = Base64.getEncoder().encodeToString(c.getBytes(StandardCharsets.UTF_8));
                        HttpResponse<String> r = h.postForm(path, Map.of("grant_type", "refresh_token",
                                "refresh_token", "x", "token", "x"), "Authorization", "Basic " + basic);
                        assertEquals(401, r.statusCode(), path + " " + r.body());
                        assertEquals("invalid_client", json(r).get("error"), r.body());
                        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
                        assertFalse(r.body().contains(secretPart) || r.body().contains("zz"), r.body());
                    }
                }
            }
            String log = logs.text();
            assertTrue(log.contains("INFO dev.fastmcp.FastMCP"), "the capture sees the server's output:\n" + log);
            assertFalse(log.contains(secretPart.substring(0, 8)), "a byte of the secret reached the log:\n" + log);
            assertFalse(log.contains("%zz") || log.contains("abc%"), "the client id reached the log:\n" + log);
            assertFalse(log.contains("Exception") || log.contains("\tat "), "a stack trace was logged:\n" + log);
        }
    }

    @Test
    void aClientRegisteredForBasicAuthCannotAuthenticateWithThePostMethod() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)))) {
            Map<String, Object> reg = h.register("client_secret_basic", CLIENT_REDIRECT);
            String clientId = (String) reg.get("client_id");
            String secret = (String) reg.get("client_secret");
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "basic-user");
            Map<String, String> exchange = Map.of("grant_type", "authorization_code", "code", cb.code(),
                    "redirect_uri", CLIENT_REDIRECT, "code_verifier", pkce.verifier());
            Map<String, String> viaPost = new LinkedHashMap<>(exchange);
            viaPost.put("client_id", clientId);
            viaPost.put("client_secret", secret);
            HttpResponse<String> refused = h.postForm("/oauth/token", viaPost);
            assertOAuthError(refused, 401, "invalid_client", "Authorization header");
            assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
            HttpResponse<String> revoke = h.postForm("/oauth/revoke", Map.of("token", "x", "client_id", clientId,
                    "client_secret", secret));
            assertOAuthError(revoke, 401, "invalid_client", "Authorization header");
            // the refused attempt spent nothing: the registered method still works
            String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret)
                    .getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> ok = h.postForm("/oauth/token", exchange, "Authorization", "Basic " + basic);
            assertEquals(200, ok.statusCode(), ok.body());
        }
    }

    @Test
    void aClientRegisteredForPostAuthCannotAuthenticateWithTheBasicMethod() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0)))) {
            Map<String, Object> reg = h.register("client_secret_post", CLIENT_REDIRECT);
            String clientId = (String) reg.get("client_id");
            String secret = (String) reg.get("client_secret");
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "post-user");
            Map<String, String> exchange = Map.of("grant_type", "authorization_code", "code", cb.code(),
                    "redirect_uri", CLIENT_REDIRECT, "code_verifier", pkce.verifier());
            String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret)
                    .getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> refused = h.postForm("/oauth/token", exchange, "Authorization", "Basic " + basic);
            assertOAuthError(refused, 401, "invalid_client", "form body");
            assertOAuthError(h.postForm("/oauth/revoke", Map.of("token", "x"), "Authorization", "Basic " + basic),
                    401, "invalid_client", "form body");
            Map<String, String> viaPost = new LinkedHashMap<>(exchange);
            viaPost.put("client_id", clientId);
            viaPost.put("client_secret", secret);
            HttpResponse<String> ok = h.postForm("/oauth/token", viaPost);
            assertEquals(200, ok.statusCode(), ok.body());
        }
    }

    @Test
    void aFloodEvictsAbandonedRegistrationsBeforeOneWhoseSignInIsUnderWayAndNeverAUsedClient() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b
                .limits(l -> l.registrationRateLimit(0).maxUnusedRegistrations(3)))) {
            String used = h.registerPublic();
            Map<String, Object> tokens = h.tokensFor(used, "early-user");
            String signingIn = h.registerPublic();
            String abandoned = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            h.enqueueUser("late-user");
            // the user opens the consent page: the client counts as used recently
            HttpResponse<String> page = h.get(h.authorizeUrl(signingIn, CLIENT_REDIRECT, pkce.challenge(), "s"));
            Map<String, String> fields = ProxyHarness.consentFields(page);
            List<String> flood = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                flood.add(h.registerPublic());
            }
            assertEquals(400, h.get(h.authorizeUrl(abandoned, CLIENT_REDIRECT, pkce.challenge(), "s")).statusCode(),
                    "the least recently used registration was deleted");
            // the sign-in under way completes
            HttpResponse<String> approve = h.consent(fields, "approve");
            String callback = h.throughUpstream(approve);
            String code = Browser.query(Browser.location(h.get(callback, "Cookie",
                    ProxyHarness.cookie(approve)))).get("code");
            assertEquals(200, h.exchange(signingIn, code, pkce.verifier(), CLIENT_REDIRECT).statusCode());
            // many more registrations: the two clients that obtained tokens stay
            for (int i = 0; i < 10; i++) {
                flood.add(h.registerPublic());
            }
            HttpResponse<String> refreshed = h.refresh(used, (String) tokens.get("refresh_token"));
            assertEquals(200, refreshed.statusCode(), refreshed.body());
            assertEquals(200, h.get(h.authorizeUrl(signingIn, CLIENT_REDIRECT, pkce.challenge(), "s2"))
                    .statusCode());
            assertEquals(400, h.get(h.authorizeUrl(flood.get(0), CLIENT_REDIRECT, pkce.challenge(), "s"))
                    .statusCode());
            assertEquals(200, h.get(h.authorizeUrl(flood.get(flood.size() - 1), CLIENT_REDIRECT,
                    pkce.challenge(), "s")).statusCode());
        }
    }

    @Test
    void aFloodCannotKeepItsOwnRegistrationsYoungByLookingThemUpToPushOutAVictims() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b
                .limits(l -> l.registrationRateLimit(0).maxUnusedRegistrations(4)))) {
            List<String> flood = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                flood.add(h.registerPublic());
            }
            String victim = h.registerPublic(); // pushes out the flood's oldest
            // the attacker looks its own clients up, as often as it likes: token requests need no sign-in
            for (String own : flood.subList(1, 4)) {
                for (int i = 0; i < 3; i++) {
                    h.postForm("/oauth/token", Map.of("grant_type", "refresh_token", "refresh_token", "x",
                            "client_id", own));
                }
            }
            flood.add(h.registerPublic()); // one more: the least recently started sign-in goes, not the victim
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            assertEquals(200, h.get(h.authorizeUrl(victim, CLIENT_REDIRECT, pkce.challenge(), "v")).statusCode(),
                    "the victim's registration survives lookups of the flood's own");
            assertEquals(400, h.get(h.authorizeUrl(flood.get(1), CLIENT_REDIRECT, pkce.challenge(), "f"))
                    .statusCode(), "the flood's oldest registration was the one deleted");
        }
    }

    @Test
    void anUnusedRegistrationExpiresAfterAnHourButASignInStartedWithinItCompletes() throws Exception {
        StorageTestClock clock = new StorageTestClock();
        MemoryTokenStorage storage = new MemoryTokenStorage(0, clock);
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0))
                .keysAndStorage(k -> k.tokenStorage(storage)))) {
            String idle = h.registerPublic();
            String late = h.registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            clock.advance(Duration.ofMinutes(59));
            h.enqueueUser("slow-user");
            HttpResponse<String> page = h.get(h.authorizeUrl(late, CLIENT_REDIRECT, pkce.challenge(), "s"));
            Map<String, String> fields = ProxyHarness.consentFields(page);
            clock.advance(Duration.ofMinutes(8)); // the user reads the page
            HttpResponse<String> approve = h.consent(fields, "approve");
            String callback = h.throughUpstream(approve);
            clock.advance(Duration.ofMinutes(8)); // and takes long at the provider
            String code = Browser.query(Browser.location(h.get(callback, "Cookie",
                    ProxyHarness.cookie(approve)))).get("code");
            clock.advance(Duration.ofMinutes(4));
            HttpResponse<String> token = h.exchange(late, code, pkce.verifier(), CLIENT_REDIRECT);
            assertEquals(200, token.statusCode(), "a sign-in started within the hour completes: " + token.body());
            assertEquals(200, h.get(h.authorizeUrl(idle, CLIENT_REDIRECT, pkce.challenge(), "s")).statusCode(),
                    "an unused registration is kept for the longest sign-in beyond the hour");
            clock.advance(Duration.ofMinutes(7));
            assertEquals(400, h.get(h.authorizeUrl(idle, CLIENT_REDIRECT, pkce.challenge(), "s")).statusCode(),
                    "an unused registration is gone 1 h 26 min after it was made");
            clock.advance(Duration.ofDays(20));
            assertEquals(200, h.get(h.authorizeUrl(late, CLIENT_REDIRECT, pkce.challenge(), "s")).statusCode(),
                    "a client that obtained a token is kept with its refresh tokens");
        } finally {
            storage.close();
        }
    }

    @Test
    void aNonPositiveBoundOnUnusedRegistrationsIsRefusedAtBuild() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new ProxyHarness(b -> b.limits(l -> l.maxUnusedRegistrations(0))));
        assertTrue(e.getMessage().contains("maxUnusedRegistrations must be at least 1"), e.getMessage());
    }

    /**
     * A flood thirty times the bound on unused registrations (set to 500 here, to keep the test short), each as
     * large as the metadata limits allow, from a hundred addresses, each within a raised per-address limit as
     * many more addresses would be: the live heap grows by no more than the bound's worth of records, the storage
     * holds no more than the bound, and a client that obtained a token before the flood still refreshes.
     */
    @Test
    void registrationFloodFromManyAddressesCannotGrowMemoryPastTheBound() throws Exception {
        int bound = 500;
        int addresses = 100;
        int perAddress = 150;
        try (ProxyHarness h = new ProxyHarness(b -> b
                .limits(l -> l.maxUnusedRegistrations(bound).registrationRateLimit(perAddress)))) {
            String used = h.registerPublic();
            Map<String, Object> tokens = h.tokensFor(used, "before-the-flood");
            String url = h.base() + "/oauth/register";
            Map<String, String> headers = Map.of("Content-Type", "application/json");
            // warm-up: code paths compiled and caches filled before the baseline
            for (int i = 0; i < 100; i++) {
                assertEquals(201, SourceAddressHttp.post(SourceAddressHttp.loopback(2), url, headers,
                        largestRegistration(i)).status());
            }
            long before = liveHeap();
            int recordBytes = largestRegistration(0).length();
            long started = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int a = 0; a < addresses; a++) {
                    String source = SourceAddressHttp.loopback(10 + a);
                    int first = a * perAddress;
                    done.add(pool.submit(() -> {
                        int created = 0;
                        for (int i = 0; i < perAddress; i++) {
                            RawHttp.Response r = SourceAddressHttp.post(source, url, headers,
                                    largestRegistration(first + i));
                            created += r.status() == 201 ? 1 : 0;
                        }
                        return created;
                    }));
                }
                int created = 0;
                for (Future<Integer> f : done) {
                    created += f.get(100, TimeUnit.SECONDS);
                }
                assertEquals(addresses * perAddress, created, "every registration of the flood was accepted");
            } finally {
                pool.shutdownNow();
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            long after = liveHeap();
            long growth = after - before;
            int stored = h.proxy.storage().size();
            // each stored record: the encrypted JSON of at most recordBytes of metadata, about 4/3 of it, plus keys
            long allowed = (long) bound * recordBytes * 2 + 16L * 1024 * 1024;
            System.out.printf("registration flood: %d registrations of %d bytes in %d s, live heap %d -> %d KiB "
                    + "(growth %d KiB, allowed %d KiB), %d storage entries%n", addresses * perAddress, recordBytes,
                    seconds, before / 1024, after / 1024, growth / 1024, allowed / 1024, stored);
            assertTrue(stored <= bound + 20, "the storage holds at most the bound of unused registrations: " + stored);
            assertTrue(growth < allowed, "live heap grew by " + growth / 1024 + " KiB, more than the "
                    + allowed / 1024 + " KiB that " + bound + " records of " + recordBytes + " bytes can take");
            HttpResponse<String> refreshed = h.refresh(used, (String) tokens.get("refresh_token"));
            assertEquals(200, refreshed.statusCode(), "a client that obtained a token survives: " + refreshed.body());
        }
    }

    /** The heap in use after full collections: what is reachable. */
    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
