package dev.fastmcp.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.ConsentManager.ConsentData;
import dev.fastmcp.auth.ConsentManager.ConsentRequest;
import dev.fastmcp.auth.ConsentManager.HtmlResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ConsentManagerTest {

    private static final String HOSTILE = "<script>alert(1)</script>";

    private final byte[] key = randomKey();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T12:00:00Z"));
    private final ConsentManager manager = ConsentManager.builder(key).clock(clock).build();

    // ---- consent page ------------------------------------------------------------------------------------------

    @Test
    void hostileClientNameIsEscapedNotExecuted() {
        String body = page(HOSTILE, "https://app.example.com/cb", List.of("openid")).body();
        assertTrue(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), body);
        assertFalse(body.toLowerCase(Locale.ROOT).contains("<script"), body);
    }

    @Test
    void aClientIdThatIsAUrlShowsItsDomainAboveItsSelfChosenName() {
        String body = manager.createConsentResponse(new ConsentRequest("txn-1",
                "https://claude.ai.evil.example/client.json", "Claude", "https://claude.ai.evil.example/cb",
                List.of(), "/oauth/consent", manager.createCsrfToken("txn-1")), "Google").body();
        int domain = body.indexOf("<p class=\"host\">claude.ai.evil.example</p>");
        assertTrue(domain > 0 && domain < body.indexOf("is asking to use this MCP server"), body);
        assertTrue(body.contains("recognise <strong>claude.ai.evil.example</strong>"), body);
        // a look-alike letter (Cyrillic a) shows as punycode; a registered client id shows no domain
        String lookAlike = manager.createConsentResponse(new ConsentRequest("txn-1", "https://cl\u0430ude.ai/c.json",
                "Claude", "https://cl\u0430ude.ai/cb", List.of(), "/oauth/consent", manager.createCsrfToken("txn-1")),
                null).body();
        assertTrue(lookAlike.contains("Application from</p>\n<p class=\"host\">xn--clude-"), lookAlike);
        assertFalse(page("App", "https://app.example.com/cb", List.of()).body().contains("Application from"));
    }

    @Test
    void hostileRedirectUriCannotBreakOutOfMarkup() {
        String uri = "https://evil.example/cb?x=\"><img src=x onerror=alert(1)>&y='<script>";
        String body = page("App", uri, List.of()).body();
        assertFalse(body.contains("<img"), body);
        assertFalse(body.toLowerCase(Locale.ROOT).contains("<script"), body);
        assertTrue(body.contains("x=&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;y=&#39;&lt;script&gt;"), body);
        assertTrue(body.contains("<p class=\"host\">evil.example</p>"), body);
    }

    @Test
    void hostileHiddenFieldValuesCannotInjectAttributes() {
        String txn = "t\" autofocus onfocus=\"alert(1)";
        ConsentRequest request = new ConsentRequest(txn, "client-1", null, "https://app.example.com/cb",
                List.of(), "/oauth/consent?next=\"x'", manager.createCsrfToken(txn));
        String body = manager.createConsentResponse(request, "Google").body();
        assertTrue(body.contains("value=\"t&quot; autofocus onfocus=&quot;alert(1)\""), body);
        assertTrue(body.contains("action=\"/oauth/consent?next=&quot;x&#39;\""), body);
        assertFalse(body.contains("\" autofocus"), body);
    }

    @Test
    void hostileScopesAndProviderNameAreEscaped() {
        String body = manager.createConsentResponse(request("App", "https://a.example/cb", List.of(HOSTILE)),
                HOSTILE).body();
        assertFalse(body.toLowerCase(Locale.ROOT).contains("<script"), body);
        assertTrue(body.contains("&lt;script&gt;"), body);
    }

    @Test
    void bidiOverrideInClientNameCannotReorderWhatTheUserReads() {
        String body = page("Trusted \u202Emoc.elgoog\u202C App\u0000", "https://a.example/cb", List.of()).body();
        assertFalse(body.contains("\u202E") || body.contains("\u202C") || body.contains("\u0000"), body);
        assertTrue(body.contains("Trusted \uFFFDmoc.elgoog\uFFFD App\uFFFD"), body);
    }

    @Test
    void paddedClientNameCannotPushTheDestinationOffScreen() {
        String body = page("A".repeat(500), "https://a.example/cb", List.of()).body();
        assertFalse(body.contains("A".repeat(81)), "name not truncated");
        assertTrue(body.contains("A".repeat(80) + "\u2026"));
    }

    @Test
    void missingClientNameShowsTheClientId() {
        String body = page(null, "https://a.example/cb", List.of()).body();
        assertTrue(body.contains("Authorize <bdi>client-1</bdi>"), body);
        assertTrue(page("  ", "https://a.example/cb", List.of()).body().contains("<bdi>client-1</bdi>"));
    }

    @Test
    void redirectHostIsShownProminentlyToSpotPhishing() {
        assertEquals("claude.ai", host("https://claude.ai/api/mcp/auth_callback"));
        assertEquals("app.example.com:8443", host("https://App.Example.com:8443/cb"));
        assertEquals("http://localhost:3000", host("http://localhost:3000/callback"));
        assertEquals("cursor://anysphere.cursor-retrieval", host("cursor://anysphere.cursor-retrieval/oauth/cb"));
        assertEquals("com.example.app:", host("com.example.app:/oauth2redirect"));
    }

    @Test
    void userinfoInRedirectUriCannotDisguiseTheRealHost() {
        assertEquals("evil.example", host("https://accounts.google.com@evil.example/cb"));
    }

    @Test
    void lookalikeUnicodeHostIsShownInPunycode() {
        // Cyrillic 'а' in place of Latin 'a'.
        assertEquals("xn--pple-43d.com", host("https://\u0430pple.com/cb"));
    }

    @Test
    void scopesGetReadableLabelsNextToTheRawScope() {
        String body = page("App", "https://a.example/cb",
                List.of("openid", "email", "profile", "offline_access", "read:user", "https://x.example/auth/drive"))
                .body();
        assertTrue(body.contains("<li>Verify your identity<code>openid</code></li>"), body);
        assertTrue(body.contains("<li>See your email address<code>email</code></li>"), body);
        assertTrue(body.contains("<li>See your basic profile<code>profile</code></li>"), body);
        assertTrue(body.contains("<li>Stay signed in (refresh tokens)<code>offline_access</code></li>"), body);
        assertTrue(body.contains("<li>Read user<code>read:user</code></li>"), body);
        assertTrue(body.contains("<li>https://x.example/auth/drive</li>"), body);
        assertTrue(page("App", "https://a.example/cb", List.of()).body().contains("No specific permissions"));
    }

    @Test
    void securityHeadersForbidFramingCachingSniffingAndReferrers() {
        HtmlResponse response = page("App", "https://a.example/cb", List.of("openid"));
        assertEquals(200, response.status());
        assertEquals("text/html; charset=utf-8", response.headers().get("Content-Type"));
        assertEquals("DENY", response.headers().get("X-Frame-Options"));
        assertEquals("no-store", response.headers().get("Cache-Control"));
        assertEquals("no-cache", response.headers().get("Pragma"));
        assertEquals("same-origin", response.headers().get("Referrer-Policy"));
        assertEquals("nosniff", response.headers().get("X-Content-Type-Options"));
        String csp = response.headers().get("Content-Security-Policy");
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("default-src 'none'"), csp);
        assertTrue(csp.contains("base-uri 'none'"), csp);
        assertFalse(csp.contains("script-src"), csp);
        assertFalse(csp.contains("unsafe-inline"), csp);
        assertThrows(UnsupportedOperationException.class, () -> response.headers().put("X", "y"));
    }

    @Test
    void cspHasNoFormActionSoRedirectsToCustomSchemesStillWork() {
        String csp = page("App", "claude://callback", List.of()).headers().get("Content-Security-Policy");
        assertFalse(csp.contains("form-action"), csp);
    }

    @Test
    void cspStyleHashMatchesTheInlineStylesheet() throws Exception {
        HtmlResponse response = page("App", "https://a.example/cb", List.of());
        String body = response.body();
        String css = body.substring(body.indexOf("<style>") + 7, body.indexOf("</style>"));
        String hash = Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(css.getBytes(StandardCharsets.UTF_8)));
        assertTrue(response.headers().get("Content-Security-Policy").contains("style-src 'sha256-" + hash + "'"));
    }

    @Test
    void pageIsSelfContainedWithoutScriptOrExternalResources() {
        String body = page("App", "https://a.example/cb", List.of("openid")).body().toLowerCase(Locale.ROOT);
        assertFalse(body.contains("<script"));
        assertFalse(body.contains("<link"));
        assertFalse(body.contains(" src="));
        assertFalse(body.contains("url("));
        assertFalse(body.contains("<iframe"));
        assertFalse(Pattern.compile("\\son[a-z]+\\s*=").matcher(body).find(), "no inline event handlers");
    }

    @Test
    void formPostsToTheGivenActionSoBasePathsWork() {
        String txn = "txn-123";
        String csrf = manager.createCsrfToken(txn);
        ConsentRequest request = new ConsentRequest(txn, "client-1", "App", "https://a.example/cb",
                List.of("openid"), "/mcp-base/oauth/consent", csrf);
        String body = manager.createConsentResponse(request, "Google").body();
        assertTrue(body.contains("<form method=\"post\" action=\"/mcp-base/oauth/consent\">"), body);
        assertTrue(body.contains("<input type=\"hidden\" name=\"transaction_id\" value=\"txn-123\">"), body);
        assertTrue(body.contains("<input type=\"hidden\" name=\"csrf_token\" value=\"" + csrf + "\">"), body);
        int deny = body.indexOf("name=\"action\" value=\"deny\"");
        int approve = body.indexOf("name=\"action\" value=\"approve\"");
        assertTrue(deny > 0 && approve > deny, "Deny must come first so Enter never approves");
        assertTrue(body.contains("<strong>Google</strong>"), body);
        assertDoesNotThrow(() -> new ConsentRequest(txn, "c", null, "https://a.example/cb", List.of(),
                "https://mcp.example.com/base/oauth/consent", csrf));
    }

    @Test
    void formActionWithAScriptSchemeOrOtherHostShorthandIsRefused() {
        for (String action : new String[] {"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x",
                "//evil.example/consent", "/oauth/consent x", " /oauth/consent", ""}) {
            assertThrows(IllegalArgumentException.class, () -> new ConsentRequest("t", "c", null,
                    "https://a.example/cb", List.of(), action, "csrf"), action);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConsentRequest("t",
                "c", null, "https://a.example/cb", List.of(), "javascript:alert(1)", "csrf"));
        assertTrue(e.getMessage().contains("javascript:alert(1)"), e.getMessage());
        assertDoesNotThrow(() -> new ConsentRequest("t", "c", null, "https://a.example/cb", List.of(),
                "consent?x=a:b", "csrf"));
    }

    // ---- CSRF --------------------------------------------------------------------------------------------------

    @Test
    void csrfTokenValidatesForItsTransaction() {
        String token = manager.createCsrfToken("txn-1");
        assertTrue(manager.validateCsrfToken("txn-1", token));
        assertNotEquals(token, manager.createCsrfToken("txn-1"), "each render gets its own token");
        assertTrue(token.matches("[A-Za-z0-9_-]+"), token);
    }

    @Test
    void csrfTokenForAnotherTransactionIsRejected() {
        assertFalse(manager.validateCsrfToken("txn-2", manager.createCsrfToken("txn-1")));
    }

    @Test
    void csrfTokenFromAnotherKeyIsRejected() {
        ConsentManager other = ConsentManager.builder(randomKey()).clock(clock).build();
        assertFalse(manager.validateCsrfToken("txn-1", other.createCsrfToken("txn-1")));
    }

    @Test
    void tamperedCsrfTokenIsRejected() {
        String token = manager.createCsrfToken("txn-1");
        for (int i = 0; i < token.length(); i++) {
            char flipped = token.charAt(i) == 'A' ? 'B' : 'A';
            String tampered = token.substring(0, i) + flipped + token.substring(i + 1);
            if (!Arrays.equals(Base64.getUrlDecoder().decode(tampered), Base64.getUrlDecoder().decode(token))) {
                assertFalse(manager.validateCsrfToken("txn-1", tampered), "position " + i);
            }
        }
    }

    @Test
    void expiredCsrfTokenIsRejected() {
        String token = manager.createCsrfToken("txn-1");
        clock.advance(ConsentManager.DEFAULT_CSRF_TOKEN_TTL.minusSeconds(1));
        assertTrue(manager.validateCsrfToken("txn-1", token));
        clock.advance(Duration.ofSeconds(1));
        assertFalse(manager.validateCsrfToken("txn-1", token));
    }

    @Test
    void garbageCsrfTokensAreRejectedWithoutThrowing() {
        String valid = manager.createCsrfToken("txn-1");
        for (String token : new String[] {null, "", " ", "abc", valid + "A", valid.substring(1), valid + "=",
                "!".repeat(valid.length()), "\u00e9".repeat(valid.length())}) {
            assertFalse(assertDoesNotThrow(() -> manager.validateCsrfToken("txn-1", token)), String.valueOf(token));
        }
        assertFalse(manager.validateCsrfToken(null, valid));
        assertFalse(manager.validateCsrfToken("", valid));
    }

    // ---- consent cookie ----------------------------------------------------------------------------------------

    @Test
    void consentCookieRoundTrips() {
        ConsentData data = consent();
        String cookie = manager.signConsentCookie(data);
        assertEquals(data, manager.validateConsentCookie(cookie));
        assertTrue(cookie.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}"), cookie);
        ConsentData minimal = new ConsentData("c", null, Set.of(), null, clock.instant());
        assertEquals(minimal, manager.validateConsentCookie(manager.signConsentCookie(minimal)));
    }

    @Test
    void tamperedCookiePayloadIsRejected() {
        String cookie = manager.signConsentCookie(consent());
        String signature = cookie.substring(cookie.indexOf('.'));
        String forged = b64("{\"cid\":\"client-1\",\"ruri\":\"https://a.example/cb\",\"scp\":[\"admin\"],"
                + "\"sub\":null,\"iat\":" + clock.instant().getEpochSecond() + "}");
        assertNull(manager.validateConsentCookie(forged + signature));
        char first = cookie.charAt(0) == 'e' ? 'f' : 'e';
        assertNull(manager.validateConsentCookie(first + cookie.substring(1)));
    }

    @Test
    void tamperedCookieSignatureIsRejected() {
        String cookie = manager.signConsentCookie(consent());
        int dot = cookie.indexOf('.');
        char c = cookie.charAt(dot + 1) == 'A' ? 'B' : 'A';
        assertNull(manager.validateConsentCookie(cookie.substring(0, dot + 1) + c + cookie.substring(dot + 2)));
        assertNull(manager.validateConsentCookie(cookie.substring(0, dot + 1)));
        assertNull(manager.validateConsentCookie(cookie + "A"));
    }

    @Test
    void cookieSignedWithAnotherKeyIsRejected() {
        ConsentManager other = ConsentManager.builder(randomKey()).clock(clock).build();
        assertNull(manager.validateConsentCookie(other.signConsentCookie(consent())));
    }

    @Test
    void expiredCookieIsRejected() {
        String cookie = manager.signConsentCookie(consent());
        clock.advance(ConsentManager.DEFAULT_COOKIE_MAX_AGE.minusSeconds(1));
        assertNotNull(manager.validateConsentCookie(cookie));
        clock.advance(Duration.ofSeconds(1));
        assertNull(manager.validateConsentCookie(cookie));
    }

    @Test
    void shorterMaxAgeAppliesToCookiesAlreadyIssued() {
        String cookie = manager.signConsentCookie(consent());
        ConsentManager strict = ConsentManager.builder(key).clock(clock).cookieMaxAge(Duration.ofMinutes(5)).build();
        clock.advance(Duration.ofMinutes(6));
        assertNotNull(manager.validateConsentCookie(cookie));
        assertNull(strict.validateConsentCookie(cookie));
    }

    @Test
    void cookieIssuedInTheFutureIsRejected() {
        ConsentData future = new ConsentData("client-1", null, Set.of(), null, clock.instant().plusSeconds(3600));
        assertNull(manager.validateConsentCookie(manager.signConsentCookie(future)));
        ConsentData skewed = new ConsentData("client-1", null, Set.of(), null, clock.instant().plusSeconds(30));
        assertNotNull(manager.validateConsentCookie(manager.signConsentCookie(skewed)), "small clock skew is fine");
    }

    @Test
    void csrfTokenAndCookieKeysAreSeparated() {
        String token = manager.createCsrfToken("txn-1");
        assertNull(manager.validateConsentCookie(token));
        String cookie = manager.signConsentCookie(consent());
        assertFalse(manager.validateCsrfToken("txn-1", cookie));
    }

    @Test
    void garbageCookiesAreRejectedWithoutThrowing() {
        String valid = manager.signConsentCookie(consent());
        List<String> garbage = new ArrayList<>(Arrays.asList(null, "", ".", "..", "a.b", "a.", ".b", "abc",
                valid.replace('.', ','), valid + "." + valid, "é.é", "%00.%00", "a".repeat(100_000) + "." + "b",
                valid.substring(0, valid.indexOf('.')) + "." + "=".repeat(43), "\u0000".repeat(50)));
        for (String cookie : garbage) {
            assertNull(assertDoesNotThrow(() -> manager.validateConsentCookie(cookie)), String.valueOf(cookie));
        }
    }

    @Test
    void correctlySignedButMalformedPayloadsAreRejectedWithoutThrowing() throws Exception {
        long iat = clock.instant().getEpochSecond();
        String[] payloads = {"null", "[]", "{}", "42", "\"x\"", "not json", "{", "[".repeat(5000),
            "{\"cid\":5,\"scp\":[],\"iat\":" + iat + "}",
            "{\"cid\":\"\",\"scp\":[],\"iat\":" + iat + "}",
            "{\"cid\":\"c\",\"scp\":\"openid\",\"iat\":" + iat + "}",
            "{\"cid\":\"c\",\"scp\":[1],\"iat\":" + iat + "}",
            "{\"cid\":\"c\",\"scp\":[null],\"iat\":" + iat + "}",
            "{\"cid\":\"c\",\"scp\":[]}",
            "{\"cid\":\"c\",\"scp\":[],\"iat\":\"" + iat + "\"}",
            "{\"cid\":\"c\",\"scp\":[],\"iat\":1.5}",
            "{\"cid\":\"c\",\"scp\":[],\"iat\":1e400}",
            "{\"cid\":\"c\",\"scp\":[],\"iat\":99999999999999999999999}",
            "{\"cid\":\"c\",\"scp\":[],\"iat\":" + Long.MAX_VALUE + "}",
            "{\"cid\":\"c\",\"scp\":[],\"iat\":" + Long.MIN_VALUE + "}",
            "{\"cid\":\"c\",\"ruri\":7,\"scp\":[],\"iat\":" + iat + "}",
            "{\"cid\":\"c\",\"sub\":{},\"scp\":[],\"iat\":" + iat + "}"};
        byte[] cookieKey = derivedCookieKey(key);
        for (String json : payloads) {
            String payload = b64(json);
            String cookie = payload + "." + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(hmac(cookieKey, payload.getBytes(StandardCharsets.US_ASCII)));
            assertNull(assertDoesNotThrow(() -> manager.validateConsentCookie(cookie)), json);
        }
        // Control: the same construction with a well-formed payload is accepted, so the rejections above are real.
        String ok = b64("{\"cid\":\"c\",\"scp\":[\"openid\"],\"iat\":" + iat + "}");
        String okCookie = ok + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(hmac(cookieKey, ok.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(Set.of("openid"), manager.validateConsentCookie(okCookie).scopes());
    }

    @Test
    void rememberedConsentCoversOnlyTheSameClientRedirectAndScopes() {
        ConsentData data = consent();
        assertTrue(data.covers("client-1", "https://a.example/cb", List.of("openid")));
        assertTrue(data.covers("client-1", "https://a.example/cb", List.of("openid", "email")));
        assertFalse(data.covers("client-2", "https://a.example/cb", List.of("openid")));
        assertFalse(data.covers("client-1", "https://evil.example/cb", List.of("openid")));
        assertFalse(data.covers("client-1", "https://a.example/cb", List.of("openid", "admin")));
        assertFalse(data.covers("client-1", "https://a.example/cb", Arrays.asList("openid", null)));
    }

    @Test
    void signingKeyIsCopiedSoLaterMutationCannotChangeIt() {
        byte[] mutable = randomKey();
        ConsentManager m = ConsentManager.builder(mutable).clock(clock).build();
        String cookie = m.signConsentCookie(consent());
        Arrays.fill(mutable, (byte) 0);
        assertNotNull(m.validateConsentCookie(cookie));
    }

    @Test
    void concurrentUseIsSafe() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String txn = "txn-" + i;
                results.add(pool.submit(() -> manager.validateCsrfToken(txn, manager.createCsrfToken(txn))
                        && manager.validateConsentCookie(manager.signConsentCookie(consent())) != null));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- keys, options, Set-Cookie -----------------------------------------------------------------------------

    @Test
    void shortSigningKeyIsRefusedWithItsLength() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConsentManager(new byte[16]));
        assertTrue(e.getMessage().contains("at least 32 bytes") && e.getMessage().contains("was 16"),
                e.getMessage());
        assertThrows(NullPointerException.class, () -> new ConsentManager(null));
        assertDoesNotThrow(() -> new ConsentManager(new byte[32]));
    }

    @Test
    void lifetimesOutsideTheirRangeAreRefused() {
        ConsentManager.Builder builder = ConsentManager.builder(key);
        assertThrows(IllegalArgumentException.class, () -> builder.cookieMaxAge(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.cookieMaxAge(Duration.ofMillis(500)));
        assertThrows(IllegalArgumentException.class, () -> builder.cookieMaxAge(Duration.ofDays(401)));
        assertThrows(IllegalArgumentException.class, () -> builder.csrfTokenTtl(Duration.ofSeconds(-1)));
        assertEquals(Duration.ofHours(1), new ConsentManager(key).cookieMaxAge());
    }

    @Test
    void setCookieHeaderHasTheHardeningAttributes() {
        String header = manager.setCookieHeader("__Host-fastmcp_consent", "abc.def", "/", true);
        assertEquals("__Host-fastmcp_consent=abc.def; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax",
                header);
        assertEquals("c=v; Path=/base; Max-Age=3600; HttpOnly; SameSite=Lax",
                manager.setCookieHeader("c", "v", "/base", false));
        assertEquals("c=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Lax",
                manager.clearCookieHeader("c", "/", true));
    }

    @Test
    void cookieAttributeInjectionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> manager.setCookieHeader("c", "v; Domain=evil.example",
                "/", true));
        assertThrows(IllegalArgumentException.class, () -> manager.setCookieHeader("c", "v\r\nSet-Cookie: x=y",
                "/", true));
        assertThrows(IllegalArgumentException.class, () -> manager.setCookieHeader("c=x", "v", "/", true));
        assertThrows(IllegalArgumentException.class, () -> manager.setCookieHeader("c", "v", "/a; Secure", true));
        assertThrows(IllegalArgumentException.class, () -> manager.setCookieHeader("c", "v", "base", true));
    }

    @Test
    void cookiePrefixesCannotBeSentInsecurely() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> manager.setCookieHeader("__Host-c", "v", "/", false));
        assertTrue(e.getMessage().contains("__Host-"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> manager.setCookieHeader("__Host-c", "v", "/base", true));
        assertThrows(IllegalArgumentException.class, () -> manager.setCookieHeader("__Secure-c", "v", "/", false));
        assertDoesNotThrow(() -> manager.setCookieHeader("__Secure-c", "v", "/base", true));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private HtmlResponse page(String clientName, String redirectUri, List<String> scopes) {
        return manager.createConsentResponse(request(clientName, redirectUri, scopes), "Google");
    }

    private ConsentRequest request(String clientName, String redirectUri, List<String> scopes) {
        return new ConsentRequest("txn-1", "client-1", clientName, redirectUri, scopes, "/oauth/consent",
                manager.createCsrfToken("txn-1"));
    }

    private String host(String redirectUri) {
        String body = page("App", redirectUri, List.of()).body();
        int start = body.indexOf("<p class=\"host\">") + "<p class=\"host\">".length();
        return body.substring(start, body.indexOf("</p>", start));
    }

    private ConsentData consent() {
        return new ConsentData("client-1", "https://a.example/cb", Set.of("openid", "email"), "user-42",
                clock.instant());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Mirrors the documented key separation: the cookie key is HMAC-SHA256(signingKey, label). */
    private static byte[] derivedCookieKey(byte[] signingKey) throws Exception {
        return hmac(signingKey, "fastmcp consent cookie v1".getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] hmac(byte[] key, byte[] message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(message);
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
