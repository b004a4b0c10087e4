package dev.fastmcp.auth.proxy;

import static dev.fastmcp.testsupport.Browser.json;
import static dev.fastmcp.testsupport.Browser.location;
import static dev.fastmcp.testsupport.Browser.query;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 9207 {@code iss} and the issuer of the RFC 8414 metadata for a server under a base path, reached directly or
 * through a reverse proxy: a client finds the metadata at the well-known URL built from the issuer it was told, the
 * document's {@code issuer} must be that same string (RFC 8414 §3.3), and every redirect back to the client carries
 * it, errors included, so that the client can tell which authorization server answered (the mix-up attack).
 */
@Timeout(120)
class OAuthProxyIssuerTest {

    private static final String PUBLIC_BASE = "https://mcp.example.com/api";
    /** What a reverse proxy in front of the server adds to each request it passes on. */
    private static final String[] FORWARDED = {"X-Forwarded-Host", "mcp.example.com", "X-Forwarded-Proto", "https",
            "X-Forwarded-For", "203.0.113.7"};

    @Test
    void issuerUnderABasePathIsTheOneItsWellKnownUrlNames() throws Exception {
        try (ProxyHarness h = new ProxyHarness(PUBLIC_BASE, b -> b)) {
            assertIssuerConsistent(h);
        }
    }

    @Test
    void issuerBehindAReverseProxyIsTheOneItsWellKnownUrlNames() throws Exception {
        try (ProxyHarness h = new ProxyHarness(PUBLIC_BASE, (idp, b) -> b,
                app -> app.trustForwardedHeaders().http(o -> o.allowedHosts("mcp.example.com")))) {
            assertIssuerConsistent(h, FORWARDED);
        }
    }

    @Test
    void noOpenIdDiscoveryDocumentSinceNoIdTokensAreIssued() throws Exception {
        try (ProxyHarness h = new ProxyHarness(PUBLIC_BASE, b -> b)) {
            // both places an OpenID Connect client looks for an issuer with a path: none may hold an RFC 8414
            // document, which lacks what OpenID Connect requires and promises ID tokens the proxy never issues
            for (String path : List.of("/.well-known/openid-configuration/api", "/api/.well-known/openid-configuration",
                    "/.well-known/openid-configuration")) {
                assertEquals(404, h.get(h.base() + path).statusCode(), path);
            }
            Map<String, String> form = new LinkedHashMap<>();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            String clientId = register(h);
            h.enqueueUser("oidc-user");
            HttpResponse<String> approve = consent(h, h.get(authorizeUrl(h, clientId, pkce.challenge())), "approve");
            String back = location(h.get(local(h, location(h.get(location(approve)))), "Cookie",
                    ProxyHarness.cookie(approve)));
            form.put("grant_type", "authorization_code");
            form.put("code", query(back).get("code"));
            form.put("redirect_uri", ProxyHarness.CLIENT_REDIRECT);
            form.put("code_verifier", pkce.verifier());
            form.put("client_id", clientId);
            Map<String, Object> tokens = json(h.postForm("/api/oauth/token", form));
            assertTrue(tokens.containsKey("access_token"), tokens.toString());
            assertFalse(tokens.containsKey("id_token"), "the proxy issues no ID token, even for scope openid");
        }
    }

    @Test
    void authorizationErrorCarriesIss() throws Exception {
        try (ProxyHarness h = new ProxyHarness(PUBLIC_BASE, (idp, b) -> b,
                app -> app.trustForwardedHeaders().http(o -> o.allowedHosts("mcp.example.com")))) {
            String clientId = register(h, FORWARDED);
            // an error before consent (no PKCE), at a loopback redirect URI, which may receive errors at once
            String noPkce = location(h.get(authorizeUrl(h, clientId, null), FORWARDED));
            assertEquals("invalid_request", query(noPkce).get("error"));
            assertEquals(PUBLIC_BASE, query(noPkce).get("iss"));
            // a denial on the consent page
            HttpResponse<String> page = h.get(authorizeUrl(h, clientId, PKCEUtils.generatePair().challenge()),
                    FORWARDED);
            String denied = location(consent(h, page, "deny", FORWARDED));
            assertTrue(denied.startsWith(ProxyHarness.CLIENT_REDIRECT + "?"), denied);
            assertEquals("access_denied", query(denied).get("error"));
            assertEquals(PUBLIC_BASE, query(denied).get("iss"));
            // an error the identity provider answered
            HttpResponse<String> again = h.get(authorizeUrl(h, clientId, PKCEUtils.generatePair().challenge()),
                    FORWARDED);
            HttpResponse<String> approve = consent(h, again, "approve", FORWARDED);
            Map<String, String> upstream = query(location(approve));
            String callback = local(h, PUBLIC_BASE + "/oauth/callback?error=access_denied&state="
                    + upstream.get("state"));
            String refused = location(h.get(callback, with(FORWARDED, "Cookie", ProxyHarness.cookie(approve))));
            assertEquals("access_denied", query(refused).get("error"));
            assertEquals(PUBLIC_BASE, query(refused).get("iss"));
        }
    }

    /** Discovery as a client does it, then a whole sign-in whose answer carries the same issuer. */
    private static void assertIssuerConsistent(ProxyHarness h, String... headers) throws Exception {
        Map<String, Object> prm = json(h.get(h.base() + "/.well-known/oauth-protected-resource/api/mcp", headers));
        assertEquals(PUBLIC_BASE + "/mcp", prm.get("resource"));
        assertEquals(List.of(PUBLIC_BASE), prm.get("authorization_servers"));
        String issuer = PUBLIC_BASE;
        // RFC 8414 §3.1: the well-known part goes between the host and the issuer's path
        String wellKnown = "https://mcp.example.com/.well-known/oauth-authorization-server"
                + URI.create(issuer).getRawPath();
        Map<String, Object> as = json(h.get(local(h, wellKnown), headers));
        assertEquals(issuer, as.get("issuer"));
        assertEquals(issuer + "/oauth/authorize", as.get("authorization_endpoint"));
        assertEquals(issuer + "/oauth/token", as.get("token_endpoint"));
        assertEquals(true, as.get("authorization_response_iss_parameter_supported"));

        String clientId = register(h, headers);
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        h.enqueueUser("issuer-user");
        HttpResponse<String> page = h.get(authorizeUrl(h, clientId, pkce.challenge()), headers);
        HttpResponse<String> approve = consent(h, page, "approve", headers);
        String callback = location(h.get(location(approve)));
        assertTrue(callback.startsWith(issuer + "/oauth/callback?"), callback);
        String back = location(h.get(local(h, callback), with(headers, "Cookie", ProxyHarness.cookie(approve))));
        Map<String, String> q = query(back);
        assertEquals(issuer, q.get("iss"));
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", q.get("code"));
        form.put("redirect_uri", ProxyHarness.CLIENT_REDIRECT);
        form.put("code_verifier", pkce.verifier());
        form.put("client_id", clientId);
        HttpResponse<String> tokens = h.postForm("/api/oauth/token", form, headers);
        assertEquals(200, tokens.statusCode(), tokens.body());
        Map<String, Object> claims = TokenService.jwtPayload((String) json(tokens).get("access_token"));
        assertEquals(issuer, claims.get("iss"));
    }

    /** The server's own address for a public URL of it: what the reverse proxy (or the test's DNS) would do. */
    private static String local(ProxyHarness h, String publicUrl) {
        assertTrue(publicUrl.startsWith("https://mcp.example.com/"), publicUrl);
        return h.base() + publicUrl.substring("https://mcp.example.com".length());
    }

    private static String register(ProxyHarness h, String... headers) throws Exception {
        HttpResponse<String> r = h.browser.postJson(h.base() + "/api/oauth/register",
                "{\"client_name\":\"Issuer test\",\"redirect_uris\":[\"" + ProxyHarness.CLIENT_REDIRECT
                        + "\"],\"token_endpoint_auth_method\":\"none\"}",
                headers);
        assertEquals(201, r.statusCode(), r.body());
        return (String) json(r).get("client_id");
    }

    private static String authorizeUrl(ProxyHarness h, String clientId, String challenge) {
        return h.authorizeUrl(clientId, ProxyHarness.CLIENT_REDIRECT, challenge, "st")
                .replace("/oauth/authorize", "/api/oauth/authorize");
    }

    private static HttpResponse<String> consent(ProxyHarness h, HttpResponse<String> page, String action,
            String... headers) throws Exception {
        assertEquals(200, page.statusCode(), page.body());
        Map<String, String> fields = ProxyHarness.consentFields(page);
        String cookie = fields.remove(ProxyHarness.CSRF_COOKIE);
        fields.put("action", action);
        return h.postForm("/api/oauth/consent", fields, with(headers, "Cookie", cookie));
    }

    private static String[] with(String[] headers, String... more) {
        List<String> all = new ArrayList<>(List.of(headers));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
