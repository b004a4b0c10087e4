package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consent form is bound to the browser that was shown it: an attacker who starts a sign-in for their own
 * client gets a valid transaction and CSRF token, and must still not be able to have a victim's browser submit
 * the approval from another site (which would send the victim upstream to sign in for the attacker's client).
 * Also: starting sign-ins is rate-limited, since each one stores a pending transaction.
 */
@Timeout(60)
class OAuthProxyConsentCsrfTest {

    private ProxyHarness h;

    @BeforeEach
    void start() {
        h = new ProxyHarness(b -> b.limits(l -> l.authorizationRateLimit(5)));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** The attacker's own sign-in: a consent page they fetched, with its fields and their browser's cookie. */
    private Map<String, String> attackerPage() throws Exception {
        String clientId = h.registerPublic();
        return ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s")));
    }

    /** The form as another site's auto-submitting page makes the victim's browser post it: no CSRF cookie. */
    private static Map<String, String> withoutCookie(Map<String, String> fields, String action) {
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.remove(ProxyHarness.CSRF_COOKIE);
        form.put("action", action);
        return form;
    }

    @Test
    void theConsentPageSetsAStrictHttpOnlyCsrfCookie() throws Exception {
        String clientId = h.registerPublic();
        HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s"));
        String set = Browser.setCookie(page, AuthorizeEndpoint.CSRF_COOKIE_PREFIX);
        assertNotNull(set, page.headers().allValues("Set-Cookie").toString());
        assertTrue(set.contains("HttpOnly"), set);
        assertTrue(set.contains("SameSite=Strict"), set);
        assertTrue(set.contains("Path=/"), set);
    }

    @Test
    void consentCsrfFromAnotherSiteWithoutTheCookieIsRefused() throws Exception {
        Map<String, String> fields = attackerPage();
        HttpResponse<String> r = h.postForm("/oauth/consent", withoutCookie(fields, "approve"));
        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty(), "nobody is sent upstream");
        // the transaction is untouched: its own browser can still approve it
        HttpResponse<String> own = h.consent(fields, "approve");
        assertEquals(302, own.statusCode(), own.body());
    }

    @Test
    void consentCsrfWithAnotherBrowsersCookieIsRefused() throws Exception {
        Map<String, String> victim = attackerPage();
        Map<String, String> attacker = attackerPage();
        Map<String, String> form = withoutCookie(attacker, "approve");
        // the victim's browser has a CSRF cookie of its own value, even under the attacker's transaction's name
        String victimCookie = victim.get(ProxyHarness.CSRF_COOKIE);
        String attackerCookie = attacker.get(ProxyHarness.CSRF_COOKIE);
        String renamed = attackerCookie.substring(0, attackerCookie.indexOf('='))
                + victimCookie.substring(victimCookie.indexOf('='));
        assertEquals(403, h.postForm("/oauth/consent", form, "Cookie", renamed).statusCode());
    }

    @Test
    void consentCsrfFromAnotherSiteIsRefusedByFetchMetadata() throws Exception {
        Map<String, String> fields = attackerPage();
        Map<String, String> form = withoutCookie(fields, "approve");
        String cookie = fields.get(ProxyHarness.CSRF_COOKIE);
        assertEquals(403, h.postForm("/oauth/consent", form, "Cookie", cookie,
                "Sec-Fetch-Site", "cross-site").statusCode());
        assertEquals(403, h.postForm("/oauth/consent", form, "Cookie", cookie,
                "Sec-Fetch-Site", "same-site").statusCode());
        assertEquals(403, h.postForm("/oauth/consent", form, "Cookie", cookie,
                "Origin", "https://evil.example").statusCode());
        assertEquals(403, h.postForm("/oauth/consent", form, "Cookie", cookie, "Origin", "null").statusCode());
        HttpResponse<String> own = h.postForm("/oauth/consent", form, "Cookie", cookie,
                "Sec-Fetch-Site", "same-origin", "Origin", h.base());
        assertEquals(302, own.statusCode(), own.body());
    }

    @Test
    void aDecisionClearsTheCsrfCookie() throws Exception {
        HttpResponse<String> approved = h.consent(attackerPage(), "approve");
        String cleared = Browser.setCookie(approved, AuthorizeEndpoint.CSRF_COOKIE_PREFIX);
        assertNotNull(cleared);
        assertTrue(cleared.contains("Max-Age=0"), cleared);
    }

    @Test
    void authorizeFloodFromOneAddressIsCutAtTheLimit() throws Exception {
        String clientId = h.registerPublic();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "s" + i)).statusCode());
        }
        HttpResponse<String> limited = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s-over"));
        Map<String, String> q = Browser.query(Browser.location(limited));
        assertEquals("temporarily_unavailable", q.get("error"));
        assertEquals("s-over", q.get("state"));
        // requests that store nothing are not counted, and still get their own errors
        HttpResponse<String> unknown = h.get(h.authorizeUrl("no-such-client", CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s"));
        assertEquals(400, unknown.statusCode());
    }

    @Test
    void anOverlongStateIsRefused() throws Exception {
        String clientId = h.registerPublic();
        HttpResponse<String> r = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "x".repeat(AuthorizeEndpoint.MAX_STATE_LENGTH + 1)));
        assertEquals("invalid_request", Browser.query(Browser.location(r)).get("error"));
    }

    @Test
    void anOverlongScopeCannotMakeEachPendingSignInLarge() throws Exception {
        // a server that offers no fixed list takes any scope a client asks for: its length is still capped
        try (ProxyHarness open = new ProxyHarness(b -> b.scopes(List.of()))) {
            String clientId = open.registerPublic();
            String challenge = PKCEUtils.generatePair().challenge();
            HttpResponse<String> r = open.get(open.authorizeUrl(clientId, CLIENT_REDIRECT, challenge, "s",
                    "scope", "s".repeat(ClientMetadata.MAX_SCOPE_CHARS + 1)));
            assertEquals("invalid_scope", Browser.query(Browser.location(r)).get("error"));
            HttpResponse<String> within = open.get(open.authorizeUrl(clientId, CLIENT_REDIRECT, challenge, "s",
                    "scope", "s".repeat(ClientMetadata.MAX_SCOPE_CHARS)));
            assertEquals(200, within.statusCode(), "a scope within the cap gets the consent page");
        }
    }
}
