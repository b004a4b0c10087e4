package dev.fastmcp.devidp;

import static dev.fastmcp.testsupport.Browser.cookie;
import static dev.fastmcp.testsupport.Browser.hiddenFields;
import static dev.fastmcp.testsupport.Browser.json;
import static dev.fastmcp.testsupport.Browser.location;
import static dev.fastmcp.testsupport.Browser.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.TokenVerification;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The development identity provider over real HTTP on a loopback port, driven like a browser and a client. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevIdentityProviderTest {

    private static final String CLIENT = "test-app";
    private static final String SECRET = "test-app-secret-0123456789";
    private static final String REDIRECT = "http://127.0.0.1:47001/callback";

    private final Browser browser = new Browser();
    private DevIdentityProvider idp;

    @BeforeEach
    void start() {
        idp = DevIdentityProvider.builder().clientId(CLIENT).clientSecret(SECRET).redirectUri(REDIRECT)
                .scopes("openid", "profile", "notes:write").build().start();
    }

    @AfterEach
    void stop() {
        idp.stop();
    }

    private String authorizeUrl(PKCEUtils.PKCEPair pkce, String state, String... extra) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("response_type", "code");
        p.put("client_id", CLIENT);
        p.put("redirect_uri", REDIRECT);
        p.put("scope", "openid notes:write");
        p.put("state", state);
        p.put("code_challenge", pkce.challenge());
        p.put("code_challenge_method", "S256");
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return idp.authorizationEndpoint() + "?" + Browser.encodeForm(p);
    }

    /** Opens the sign-in page and submits it: returns the redirect to the client. */
    private HttpResponse<String> signIn(PKCEUtils.PKCEPair pkce, String user, List<String> roles, String... extra)
            throws Exception {
        HttpResponse<String> page = browser.get(authorizeUrl(pkce, "st-1", extra));
        Map<String, Object> form = new LinkedHashMap<>(hiddenFields(page));
        form.put("username", user);
        form.put("role", roles);
        form.put("scope", List.of("openid", "notes:write"));
        form.put("action", "sign_in");
        return browser.postForm(idp.authorizationEndpoint(), form, "Cookie", cookie(page));
    }

    private HttpResponse<String> exchange(String code, String verifier, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((CLIENT + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return browser.postForm(idp.tokenEndpoint(), Map.of("grant_type", "authorization_code", "code", code,
                "redirect_uri", REDIRECT, "code_verifier", verifier), "Authorization", "Basic " + basic);
    }

    private String code(HttpResponse<String> back) {
        String url = location(back);
        assertTrue(url.startsWith(REDIRECT + "?"), url);
        return query(url).get("code");
    }

    @Test
    void metadataNamesTheEndpointsKeysAndS256() throws Exception {
        Map<String, Object> m = json(browser.get(idp.discoveryUrl()));
        assertEquals(idp.issuer(), m.get("issuer"));
        assertTrue(idp.issuer().startsWith("http://127.0.0.1:"), idp.issuer());
        assertEquals(idp.authorizationEndpoint(), m.get("authorization_endpoint"));
        assertEquals(idp.tokenEndpoint(), m.get("token_endpoint"));
        assertEquals(idp.jwksUri(), m.get("jwks_uri"));
        assertEquals(idp.userinfoEndpoint(), m.get("userinfo_endpoint"));
        assertEquals(List.of("S256"), m.get("code_challenge_methods_supported"));
        assertEquals(List.of("RS256"), m.get("id_token_signing_alg_values_supported"));
        assertEquals(List.of("openid", "profile", "notes:write"), m.get("scopes_supported"));
        assertEquals(m, json(browser.get(idp.issuer() + "/.well-known/oauth-authorization-server")));
        assertTrue(browser.get(idp.jwksUri()).body().contains("\"kty\":\"RSA\""));
    }

    @Test
    void signInLikeABrowserGivesSignedTokensWithRolesScopesAndNonce() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        HttpResponse<String> page = browser.get(authorizeUrl(pkce, "st-1", "nonce", "n-0S6"));
        assertTrue(page.body().contains("Development identity provider - not for production"), page.body());
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElse(null));
        assertTrue(page.body().contains("value=\"admin\"") && page.body().contains("value=\"notes:write\""));
        HttpResponse<String> back = signIn(pkce, "alice", List.of("admin"), "nonce", "n-0S6");
        Map<String, String> q = query(location(back));
        assertEquals("st-1", q.get("state"));
        assertEquals(idp.issuer(), q.get("iss"));

        HttpResponse<String> tokens = exchange(q.get("code"), pkce.verifier(), SECRET);
        assertEquals(200, tokens.statusCode(), tokens.body());
        assertEquals("no-store", tokens.headers().firstValue("Cache-Control").orElse(null));
        Map<String, Object> body = json(tokens);
        assertEquals("openid notes:write", body.get("scope"));
        JWKSVerifier verifier = JWKSVerifier.builder(idp.jwksUri()).issuer(idp.issuer()).audience(CLIENT).build();
        TokenVerification id = verifier.verify((String) body.get("id_token"));
        assertTrue(id.isValid(), id.error());
        assertEquals("alice", id.session().subject());
        assertEquals("n-0S6", id.session().claims().get("nonce"));
        TokenVerification access = verifier.verify((String) body.get("access_token"));
        assertTrue(access.isValid(), access.error());
        assertEquals(java.util.Set.of("admin"), access.session().roles());
        assertTrue(access.session().hasScope("notes:write"));

        Map<String, Object> me = json(browser.get(idp.userinfoEndpoint(), "Authorization",
                "Bearer " + body.get("access_token")));
        assertEquals("alice", me.get("sub"));
        assertEquals(List.of("admin"), me.get("roles"));
        assertEquals(401, browser.get(idp.userinfoEndpoint(), "Authorization", "Bearer " + body.get("id_token"))
                .statusCode());
    }

    @Test
    void wrongPkceVerifierIsInvalidGrant() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        String code = code(signIn(pkce, "bob", List.of()));
        HttpResponse<String> r = exchange(code, PKCEUtils.generateVerifier(), SECRET);
        assertEquals(400, r.statusCode());
        assertEquals("invalid_grant", json(r).get("error"));
        assertEquals(400, exchange(code, pkce.verifier(), SECRET).statusCode(), "a failed exchange burns the code");
    }

    @Test
    void replayedCodeIsRefusedAndRevokesTheRefreshTokenItGave() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        String code = code(signIn(pkce, "carol", List.of("user")));
        HttpResponse<String> first = exchange(code, pkce.verifier(), SECRET);
        assertEquals(200, first.statusCode(), first.body());
        HttpResponse<String> replay = exchange(code, pkce.verifier(), SECRET);
        assertEquals(400, replay.statusCode());
        assertEquals("invalid_grant", json(replay).get("error"));
        HttpResponse<String> refresh = browser.postForm(idp.tokenEndpoint(), Map.of("grant_type", "refresh_token",
                "refresh_token", json(first).get("refresh_token"), "client_id", CLIENT, "client_secret", SECRET));
        assertEquals("invalid_grant", json(refresh).get("error"));
    }

    @Test
    void refreshTokensRotate() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        Map<String, Object> first = json(exchange(code(signIn(pkce, "dave", List.of())), pkce.verifier(), SECRET));
        Map<String, Object> form = Map.of("grant_type", "refresh_token", "refresh_token", first.get("refresh_token"),
                "client_id", CLIENT, "client_secret", SECRET);
        HttpResponse<String> refreshed = browser.postForm(idp.tokenEndpoint(), form);
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertFalse(first.get("refresh_token").equals(json(refreshed).get("refresh_token")));
        assertEquals("invalid_grant", json(browser.postForm(idp.tokenEndpoint(), form)).get("error"));
    }

    @Test
    void wrongClientSecretIsInvalidClient() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        String code = code(signIn(pkce, "erin", List.of()));
        HttpResponse<String> basic = exchange(code, pkce.verifier(), SECRET + "x");
        assertEquals(401, basic.statusCode());
        assertEquals("invalid_client", json(basic).get("error"));
        assertTrue(basic.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        HttpResponse<String> post = browser.postForm(idp.tokenEndpoint(), Map.of("grant_type", "authorization_code",
                "code", code, "redirect_uri", REDIRECT, "code_verifier", pkce.verifier(), "client_id", CLIENT,
                "client_secret", "wrong"));
        assertEquals(401, post.statusCode());
        assertEquals(200, exchange(code, pkce.verifier(), SECRET).statusCode(), "a refused client burns no code");
    }

    @Test
    void refusesToBindBeyondLoopbackUnlessAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DevIdentityProvider.builder().host("0.0.0.0").redirectUri(REDIRECT).build());
        assertTrue(e.getMessage().contains("allowNonLoopback(true)"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> DevIdentityProvider.builder().host("192.168.1.20").redirectUri(REDIRECT).build());
        IllegalArgumentException wildcard = assertThrows(IllegalArgumentException.class, () -> DevIdentityProvider
                .builder().host("0.0.0.0").allowNonLoopback(true).redirectUri(REDIRECT).build());
        assertTrue(wildcard.getMessage().contains("issuer(...)"), wildcard.getMessage());
        assertNotNull(DevIdentityProvider.builder().host("0.0.0.0").allowNonLoopback(true)
                .issuer("http://192.168.1.20:9000").redirectUri(REDIRECT).build());
        assertThrows(IllegalArgumentException.class, () -> DevIdentityProvider.builder().build(),
                "a redirect URI is required");
    }

    @Test
    void userNameIsEscapedOnThePage() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        HttpResponse<String> hinted = browser.get(authorizeUrl(pkce, "st", "login_hint", "\"><script>x()</script>"));
        assertFalse(hinted.body().contains("<script>"), hinted.body());
        assertTrue(hinted.body().contains("&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"), hinted.body());

        HttpResponse<String> page = browser.get(authorizeUrl(pkce, "st"));
        Map<String, Object> form = new LinkedHashMap<>(hiddenFields(page));
        form.put("username", "<b>mallory</b>");
        form.put("action", "sign_in");
        HttpResponse<String> again = browser.postForm(idp.authorizationEndpoint(), form, "Cookie", cookie(page));
        assertEquals(400, again.statusCode());
        assertFalse(again.body().contains("<b>mallory"), again.body());
        assertTrue(again.body().contains("&lt;b&gt;mallory&lt;/b&gt;"), again.body());
    }

    @Test
    void signInWithoutTheCsrfTokenOrItsCookieIsRefused() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        HttpResponse<String> page = browser.get(authorizeUrl(pkce, "st"));
        Map<String, String> hidden = hiddenFields(page);
        Map<String, Object> noToken = new LinkedHashMap<>(Map.of("request_id", hidden.get("request_id"),
                "username", "eve", "action", "sign_in"));
        assertEquals(403, browser.postForm(idp.authorizationEndpoint(), noToken, "Cookie", cookie(page)).statusCode());
        Map<String, Object> noCookie = new LinkedHashMap<>(hidden);
        noCookie.put("username", "eve");
        noCookie.put("action", "sign_in");
        assertEquals(403, browser.postForm(idp.authorizationEndpoint(), noCookie).statusCode());
        assertEquals(302, browser.postForm(idp.authorizationEndpoint(), noCookie, "Cookie", cookie(page)).statusCode());
    }

    @Test
    void unregisteredRedirectUriGetsAPageNeverARedirect() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        HttpResponse<String> r = browser.get(authorizeUrl(pkce, "st", "redirect_uri", "https://evil.example/cb"));
        assertEquals(400, r.statusCode());
        assertNull(r.headers().firstValue("Location").orElse(null));
        // A loopback redirect URI matches on any port (RFC 8252).
        assertEquals(200, browser.get(authorizeUrl(pkce, "st", "redirect_uri", "http://127.0.0.1:47002/callback"))
                .statusCode());
    }

    @Test
    void missingPkceAndUnknownScopesGoBackToTheClientAsErrors() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        Map<String, String> noPkce = query(location(browser.get(authorizeUrl(pkce, "st", "code_challenge_method",
                "plain"))));
        assertEquals("invalid_request", noPkce.get("error"));
        assertEquals("st", noPkce.get("state"));
        assertEquals("invalid_scope", query(location(browser.get(authorizeUrl(pkce, "st", "scope", "admin:all"))))
                .get("error"));
    }

    @Test
    void cancelSendsAccessDenied() throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        HttpResponse<String> page = browser.get(authorizeUrl(pkce, "st-c"));
        Map<String, Object> form = new LinkedHashMap<>(hiddenFields(page));
        form.put("action", "cancel");
        Map<String, String> q = query(location(browser.postForm(idp.authorizationEndpoint(), form, "Cookie",
                cookie(page))));
        assertEquals("access_denied", q.get("error"));
        assertEquals("st-c", q.get("state"));
    }

    @Test
    void oversizedBodiesAreRefused() throws Exception {
        HttpResponse<String> r = browser.postForm(idp.tokenEndpoint(), Map.of("grant_type", "x".repeat(20_000)));
        assertEquals(413, r.statusCode());
    }
}
