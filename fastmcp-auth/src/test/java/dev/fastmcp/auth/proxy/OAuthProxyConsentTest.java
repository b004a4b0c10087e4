package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Remembered consent: an approval sets a signed per-client cookie that lets a later sign-in skip the consent
 * page, but only on a navigation the user made ({@code Sec-Fetch-Site: none} or {@code same-origin}) and only for
 * what was approved, so another site cannot ride it.
 */
@Timeout(60)
class OAuthProxyConsentTest {

    private static final String OTHER_REDIRECT = "http://127.0.0.1:47123/other";

    private ProxyHarness h;
    private String upstreamPrefix;

    @BeforeEach
    void start() {
        h = new ProxyHarness();
        upstreamPrefix = h.idp.authorizationEndpointUrl(ProxyHarness.ISSUER_ID).toString();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** Approves {@code clientId} on the consent page and returns the consent cookie pair it set. */
    private String approve(String clientId, String redirectUri, String... extra) throws Exception {
        HttpResponse<String> page = h.get(h.authorizeUrl(clientId, redirectUri, PKCEUtils.generatePair().challenge(),
                "s1", extra));
        HttpResponse<String> approved = h.consent(ProxyHarness.consentFields(page), "approve");
        assertTrue(Browser.location(approved).startsWith(upstreamPrefix));
        String set = Browser.setCookie(approved, AuthorizeEndpoint.CONSENT_COOKIE_PREFIX);
        assertNotNull(set, () -> "no consent cookie: " + approved.headers().allValues("Set-Cookie"));
        assertNotNull(Browser.setCookie(approved, AuthorizeEndpoint.BINDING_COOKIE_PREFIX),
                "the binding cookie is still set beside it");
        return set.substring(0, set.indexOf(';'));
    }

    private HttpResponse<String> authorizeAgain(String clientId, String redirectUri, String cookie, String site,
            String... extra) throws Exception {
        String url = h.authorizeUrl(clientId, redirectUri, PKCEUtils.generatePair().challenge(), "s2", extra);
        return site == null ? h.get(url, "Cookie", cookie) : h.get(url, "Cookie", cookie, "Sec-Fetch-Site", site);
    }

    private void assertSkipped(HttpResponse<String> r) {
        assertEquals(302, r.statusCode(), () -> "expected the page to be skipped, got " + r.statusCode());
        assertTrue(Browser.location(r).startsWith(upstreamPrefix), Browser.location(r));
        assertNotNull(Browser.setCookie(r, AuthorizeEndpoint.BINDING_COOKIE_PREFIX), "binding cookie");
    }

    private static void assertConsentPage(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), () -> "expected the consent page, got " + r.statusCode() + " "
                + r.headers().firstValue("Location").orElse(""));
        ProxyHarness.consentFields(r);
    }

    @Test
    void theApprovalSetsAnHttpOnlyLaxConsentCookieForTheClient() throws Exception {
        String clientId = h.registerPublic();
        HttpResponse<String> page = h.get(h.authorizeUrl(clientId, ProxyHarness.CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s"));
        HttpResponse<String> approved = h.consent(ProxyHarness.consentFields(page), "approve");
        String set = Browser.setCookie(approved, AuthorizeEndpoint.CONSENT_COOKIE_PREFIX);
        assertNotNull(set);
        assertTrue(set.contains("; Path=/") && set.contains("; HttpOnly") && set.contains("; SameSite=Lax")
                && set.contains("; Max-Age=3600"), set);
        assertTrue(!set.contains("Secure") && !set.startsWith("__Host-"), "plain http test server: " + set);
    }

    @Test
    void rememberedConsentSkipsThePageOnADirectNavigation() throws Exception {
        String clientId = h.registerPublic();
        String cookie = approve(clientId, ProxyHarness.CLIENT_REDIRECT);
        HttpResponse<String> r = authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, cookie, "none");
        assertSkipped(r);
        assertNull(Browser.setCookie(r, AuthorizeEndpoint.CONSENT_COOKIE_PREFIX),
                "a skipped page does not extend the remembered approval");
        assertSkipped(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, cookie, "same-origin"));
    }

    @Test
    void aCrossSiteNavigationCannotRideRememberedConsent() throws Exception {
        String clientId = h.registerPublic();
        String cookie = approve(clientId, ProxyHarness.CLIENT_REDIRECT);
        assertConsentPage(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, cookie, "cross-site"));
        assertConsentPage(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, cookie, "same-site"));
    }

    @Test
    void withoutFetchMetadataRememberedConsentIsNotHonoured() throws Exception {
        String clientId = h.registerPublic();
        String cookie = approve(clientId, ProxyHarness.CLIENT_REDIRECT);
        assertConsentPage(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, cookie, null));
    }

    @Test
    void rememberedConsentDoesNotCoverAnotherRedirectUri() throws Exception {
        String clientId = (String) h.register("none", ProxyHarness.CLIENT_REDIRECT, OTHER_REDIRECT).get("client_id");
        String cookie = approve(clientId, ProxyHarness.CLIENT_REDIRECT);
        assertConsentPage(authorizeAgain(clientId, OTHER_REDIRECT, cookie, "none"));
        assertSkipped(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, cookie, "none"));
    }

    @Test
    void rememberedConsentDoesNotCoverWiderScopes() throws Exception {
        String clientId = h.registerPublic();
        String cookie = approve(clientId, ProxyHarness.CLIENT_REDIRECT, "scope", "openid");
        assertConsentPage(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, cookie, "none"));
        assertSkipped(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, cookie, "none", "scope", "openid"));
    }

    @Test
    void rememberedConsentDoesNotCoverAnotherClient() throws Exception {
        String first = h.registerPublic();
        String second = h.registerPublic();
        String cookie = approve(first, ProxyHarness.CLIENT_REDIRECT);
        String value = cookie.substring(cookie.indexOf('=') + 1);
        String secondName = Browser.setCookie(h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(second,
                ProxyHarness.CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s"))), "deny"),
                AuthorizeEndpoint.CONSENT_COOKIE_PREFIX);
        String forged = secondName.substring(0, secondName.indexOf('=')) + "=" + value;
        assertConsentPage(authorizeAgain(second, ProxyHarness.CLIENT_REDIRECT, forged, "none"));
    }

    @Test
    void aTamperedConsentCookieIsIgnored() throws Exception {
        String clientId = h.registerPublic();
        String cookie = approve(clientId, ProxyHarness.CLIENT_REDIRECT);
        int eq = cookie.indexOf('=');
        int at = eq + 5;
        char flipped = cookie.charAt(at) == 'A' ? 'B' : 'A';
        String tampered = cookie.substring(0, at) + flipped + cookie.substring(at + 1);
        assertConsentPage(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, tampered, "none"));
        // A character inside the signature: the last one also carries two padding bits a decoder ignores.
        int sig = cookie.length() - 10;
        String badSignature = cookie.substring(0, sig) + (cookie.charAt(sig) == 'A' ? 'B' : 'A')
                + cookie.substring(sig + 1);
        assertConsentPage(authorizeAgain(clientId, ProxyHarness.CLIENT_REDIRECT, badSignature, "none"));
    }

    @Test
    void aDenialForgetsTheApproval() throws Exception {
        String clientId = h.registerPublic();
        approve(clientId, ProxyHarness.CLIENT_REDIRECT);
        HttpResponse<String> denied = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                ProxyHarness.CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s"))), "deny");
        String cleared = Browser.setCookie(denied, AuthorizeEndpoint.CONSENT_COOKIE_PREFIX);
        assertNotNull(cleared);
        assertTrue(cleared.contains("=; ") && cleared.contains("Max-Age=0"), cleared);
    }

    @Test
    void theFlowCompletesAfterASkippedPage() throws Exception {
        String clientId = h.registerPublic();
        String cookie = approve(clientId, ProxyHarness.CLIENT_REDIRECT);
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        h.enqueueUser("bob-7");
        HttpResponse<String> skipped = h.get(h.authorizeUrl(clientId, ProxyHarness.CLIENT_REDIRECT, pkce.challenge(),
                "again"), "Cookie", cookie, "Sec-Fetch-Site", "none");
        assertSkipped(skipped);
        String callback = h.throughUpstream(skipped);
        String clientUrl = Browser.location(h.get(callback, "Cookie", ProxyHarness.cookie(skipped)));
        assertTrue(clientUrl.startsWith(ProxyHarness.CLIENT_REDIRECT + "?"), clientUrl);
        Map<String, String> q = Browser.query(clientUrl);
        assertEquals("again", q.get("state"));
        HttpResponse<String> tokens = h.exchange(clientId, q.get("code"), pkce.verifier(), ProxyHarness.CLIENT_REDIRECT);
        assertEquals(200, tokens.statusCode(), tokens.body());
        assertNotNull(Browser.json(tokens).get("access_token"));
    }
}
