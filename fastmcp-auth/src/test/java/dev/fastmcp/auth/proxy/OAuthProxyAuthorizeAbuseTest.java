package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Abuse of {@code /oauth/authorize} by anyone who can register a client (registration needs no authentication):
 * a failed authorization request must not turn the server into an open redirector towards the redirect URI of a
 * client nobody vouched for (RFC 9700 §4.11.2), and a client registered without the {@code authorization_code}
 * grant or the {@code code} response type cannot start a sign-in.
 */
@Timeout(60)
class OAuthProxyAuthorizeAbuseTest {

    static final String PHISH = "https://phish.example/cb";

    private ProxyHarness h;

    private ProxyHarness start(UnaryOperator<OAuthProxy.Builder> customize) {
        h = new ProxyHarness(customize);
        return h;
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    /** A client whose redirect URI is an attacker's page: anyone can register one. */
    private String phishingClient() throws Exception {
        return (String) h.register("none", PHISH).get("client_id");
    }

    private HttpResponse<String> authorize(String clientId, String... extra) throws Exception {
        return h.get(h.authorizeUrl(clientId, PHISH, PKCEUtils.generatePair().challenge(), "st", extra));
    }

    /** An error page of {@code status} naming {@code error}, and no redirect anywhere. */
    private static void assertPageNotRedirect(HttpResponse<String> r, int status, String error) {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty(), () -> "redirected to "
                + r.headers().firstValue("Location").orElse(""));
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
                r.headers().toString());
        assertTrue(r.body().contains(error), r.body());
        assertTrue(!r.body().contains("phish.example"), "the page does not link to the client: " + r.body());
    }

    private static void assertPageNotRedirect(HttpResponse<String> r, String error) {
        assertPageNotRedirect(r, 400, error);
    }

    // ---- open redirector: every failure before the user saw anything ---------------------------------------

    @Test
    void openRedirectThroughAFailedAuthorizationRequestShowsAPageInstead() throws Exception {
        start(b -> b);
        assertPageNotRedirect(authorize(phishingClient(), "scope", "admin"), "invalid_scope");
    }

    @Test
    void openRedirectThroughAnUnsupportedResponseTypeShowsAPageInstead() throws Exception {
        start(b -> b);
        assertPageNotRedirect(authorize(phishingClient(), "response_type", "token"), "unsupported_response_type");
    }

    @Test
    void openRedirectThroughAMissingPkceChallengeShowsAPageInstead() throws Exception {
        start(b -> b);
        String clientId = phishingClient();
        HttpResponse<String> r = h.get(h.authorizeUrl(clientId, PHISH, null, "st"));
        assertPageNotRedirect(r, "invalid_request");
        assertTrue(r.body().contains("PKCE"), r.body());
    }

    @Test
    void openRedirectThroughAForeignResourceShowsAPageInstead() throws Exception {
        start(b -> b);
        assertPageNotRedirect(authorize(phishingClient(), "resource", "https://other.example/mcp"), "invalid_target");
    }

    @Test
    void openRedirectThroughARequestOfNothingButAClientIdShowsAPageInstead() throws Exception {
        start(b -> b);
        String clientId = phishingClient();
        assertPageNotRedirect(h.get(h.base() + "/oauth/authorize?client_id=" + clientId),
                "unsupported_response_type");
    }

    @Test
    void openRedirectThroughAnOverlongStateShowsAPageInstead() throws Exception {
        start(b -> b);
        assertPageNotRedirect(authorize(phishingClient(), "state", "x".repeat(AuthorizeEndpoint.MAX_STATE_LENGTH + 1)),
                "invalid_request");
    }

    @Test
    void openRedirectThroughTheSignInRateLimitShowsAPageInstead() throws Exception {
        start(b -> b.limits(l -> l.authorizationRateLimit(1)));
        String clientId = phishingClient();
        assertEquals(200, authorize(clientId).statusCode());
        assertPageNotRedirect(authorize(clientId), 429, "temporarily_unavailable");
    }

    // ---- redirects that stay: vouched-for redirect URIs, and after the user saw the consent page -------------

    @Test
    void aLoopbackRedirectUriStillGetsTheRfc6749ErrorRedirect() throws Exception {
        start(b -> b);
        String clientId = h.registerPublic();
        for (String[] failure : new String[][] {{"scope", "admin", "invalid_scope"},
                {"response_type", "token", "unsupported_response_type"},
                {"resource", "https://other.example/mcp", "invalid_target"}}) {
            String location = Browser.location(h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "st-loop", failure[0], failure[1])));
            assertTrue(location.startsWith(CLIENT_REDIRECT + "?"), location);
            Map<String, String> q = Browser.query(location);
            assertEquals(failure[2], q.get("error"), q.toString());
            assertEquals("st-loop", q.get("state"));
            assertEquals(h.base(), q.get("iss"));
        }
        for (String loopback : new String[] {"http://localhost:5173/cb", "http://[::1]:8080/cb"}) {
            String other = (String) h.register("none", loopback).get("client_id");
            String location = Browser.location(h.get(h.authorizeUrl(other, loopback,
                    PKCEUtils.generatePair().challenge(), "st-2", "scope", "admin")));
            assertTrue(location.startsWith(loopback + "?"), location);
            assertEquals("invalid_scope", Browser.query(location).get("error"));
        }
    }

    @Test
    void aRedirectUriTheOperatorAllowsStillGetsTheRfc6749ErrorRedirect() throws Exception {
        start(b -> b.limits(l -> l.allowedRedirectUriPatterns("https://*.example.com/*")));
        String allowed = "https://app.example.com/cb";
        String clientId = (String) h.register("none", allowed).get("client_id");
        String location = Browser.location(h.get(h.authorizeUrl(clientId, allowed,
                PKCEUtils.generatePair().challenge(), "st-op", "scope", "admin")));
        assertTrue(location.startsWith(allowed + "?"), location);
        Map<String, String> q = Browser.query(location);
        assertEquals("invalid_scope", q.get("error"));
        assertEquals("st-op", q.get("state"));
        assertEquals(h.base(), q.get("iss"));
    }

    @Test
    void aDenyOnTheConsentPageStillReturnsToTheClient() throws Exception {
        start(b -> b);
        String clientId = phishingClient();
        HttpResponse<String> page = authorize(clientId);
        assertTrue(page.body().contains(PHISH), "the page names the redirect URI the user vouches for");
        String location = Browser.location(h.consent(ProxyHarness.consentFields(page), "deny"));
        assertTrue(location.startsWith(PHISH + "?"), location);
        Map<String, String> q = Browser.query(location);
        assertEquals("access_denied", q.get("error"));
        assertEquals("st", q.get("state"));
        assertEquals(h.base(), q.get("iss"));
    }

    // ---- grant and response type --------------------------------------------------------------------------

    private String registerWith(String redirectUri, String grantTypes, String responseTypes) throws Exception {
        HttpResponse<String> r = h.postJson("/oauth/register", "{\"redirect_uris\":[\"" + redirectUri + "\"],"
                + "\"token_endpoint_auth_method\":\"none\",\"grant_types\":" + grantTypes + ",\"response_types\":"
                + responseTypes + "}");
        assertEquals(201, r.statusCode(), r.body());
        return (String) Browser.json(r).get("client_id");
    }

    @Test
    void aClientRegisteredWithoutTheCodeGrantCannotStartASignIn() throws Exception {
        start(b -> b);
        String noCodeGrant = registerWith(PHISH, "[\"refresh_token\"]", "[\"code\"]");
        assertPageNotRedirect(authorize(noCodeGrant), "unauthorized_client");

        String noCodeResponse = registerWith(PHISH, "[\"authorization_code\",\"refresh_token\"]", "[]");
        assertPageNotRedirect(authorize(noCodeResponse), "unauthorized_client");

        // a loopback client gets the same error at its redirect URI, as RFC 6749 §4.1.2.1 has it
        String loopback = registerWith(CLIENT_REDIRECT, "[\"refresh_token\"]", "[\"code\"]");
        Map<String, String> q = Browser.query(Browser.location(h.get(h.authorizeUrl(loopback,
                CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "st-g"))));
        assertEquals("unauthorized_client", q.get("error"), q.toString());
        assertEquals("st-g", q.get("state"));

        // the same registration with the code grant signs in
        String normal = registerWith(PHISH, "[\"authorization_code\"]", "[\"code\"]");
        assertEquals(200, authorize(normal).statusCode());
    }

    @Test
    void aClientStoredBeforeResponseTypesWereKeptStillSignsIn() {
        try (MemoryTokenStorage storage = new MemoryTokenStorage()) {
            Map<String, Object> old = new LinkedHashMap<>();
            old.put("clientId", "c1");
            old.put("authMethod", "none");
            old.put("redirectUris", List.of(CLIENT_REDIRECT));
            old.put("grantTypes", List.of("authorization_code", "refresh_token"));
            old.put("issuedAt", 1L);
            old.put("used", false);
            storage.save("old-client", old, 60);
            ProxyStore.ClientRecord read = storage.get("old-client", ProxyStore.ClientRecord.class);
            assertNull(read.responseTypes());
            assertTrue(read.mayUseAuthorizationCode());
            assertNull(read.markUsed().responseTypes());

            old.put("grantTypes", List.of("refresh_token"));
            storage.save("old-refresh-only", old, 60);
            assertFalse(storage.get("old-refresh-only", ProxyStore.ClientRecord.class).mayUseAuthorizationCode());
        }
    }
}
