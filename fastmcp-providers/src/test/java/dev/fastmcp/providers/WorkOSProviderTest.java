package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link WorkOSProvider} and {@link AuthKitProvider} against mock-oauth2-server laid out as an AuthKit domain: under
 * the issuer id {@code oauth2} its endpoints are {@code <domain>/oauth2/authorize}, {@code /oauth2/token},
 * {@code /oauth2/userinfo} and {@code /oauth2/jwks}, and its tokens name the domain itself as their issuer. Followed:
 * the WorkOS documentation's MCP guide (AuthKit as the authorization server: its issuer and endpoints, access tokens
 * bound to the MCP server's resource), its API reference for WorkOS Connect's token endpoint (client credentials in
 * the body; the access token's {@code iss}, {@code aud} = the client id, {@code sub}, {@code org_id}, {@code sid};
 * the ID token's {@code name}, {@code given_name}, {@code family_name}, {@code email}, {@code email_verified};
 * {@code offline_access} for a refresh token) and its AuthKit session tokens reference ({@code role}, {@code roles},
 * {@code permissions}).
 */
@Timeout(120)
class WorkOSProviderTest {

    private static final String OAUTH2 = "oauth2";
    private final MockOAuth2Server idp = new MockOAuth2Server();

    @BeforeEach
    void start() {
        idp.start();
    }

    @AfterEach
    void stop() {
        idp.shutdown();
    }

    /** The mock's origin, standing in for {@code https://<subdomain>.authkit.app}. */
    private String domain() {
        String base = idp.baseUrl().toString();
        return base.substring(0, base.length() - 1);
    }

    private WorkOSProvider.Builder workos() {
        return WorkOSProvider.builder(domain(), "client_01JP8BD0CZ", "workos-secret")
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    /** The claims WorkOS puts in its tokens for a user signed in to an organization. */
    private static Map<String, Object> user(String issuer) {
        Map<String, Object> claims = new LinkedHashMap<>();
        if (issuer != null) {
            claims.put("iss", issuer);
        }
        claims.put("name", "Leroy Jenkins");
        claims.put("given_name", "Leroy");
        claims.put("family_name", "Jenkins");
        claims.put("email", "leroy@example.com");
        claims.put("email_verified", true);
        claims.put("org_id", "org_01HRDMC6CM357W30QMHMQ96Q0S");
        claims.put("role", "admin");
        claims.put("roles", List.of("admin", "member"));
        claims.put("permissions", List.of("notes:read", "notes:write"));
        claims.put("sid", "app_consent_01JQ0E27WE4K1RCMH7Q094M1GJ");
        return claims;
    }

    private void enqueueUser(String issuer, String audience) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(OAUTH2, "user_01JQ0E27VT3MH79RY0FVA4QBP9", "JWT",
                List.of(audience), user(issuer), 3600));
    }

    private static Tool[] proxyTools() {
        return new Tool[] {
            Tool.builder("me").description("The caller in WorkOS").canAccess(requireAuth()).execute((args, ctx) -> {
                WorkOSSession w = Auth.getAuthSession(ctx, WorkOSSession.class);
                return w.subject() + "|" + w.email() + "|" + w.emailVerified() + "|" + w.firstName() + "|"
                        + w.lastName() + "|" + w.organizationId() + "|" + w.role() + "|" + w.permissions() + "|"
                        + w.roles().contains("member");
            }).build(),
            Tool.builder("admin").description("For WorkOS admins").canAccess(requireRole("admin"))
                    .execute((args, ctx) -> "admin ok").build()
        };
    }

    @Test
    void proxySignInAsksForARefreshTokenAndFillsTheWorkOSSession() throws Exception {
        WorkOSProvider provider = workos().build();
        try (SignInHarness h = new SignInHarness(provider, proxyTools())) {
            enqueueUser(domain(), "client_01JP8BD0CZ");
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");

            Map<String, String> up = s.upstreamQuery();
            assertTrue(s.upstreamUrl().startsWith(domain() + "/oauth2/authorize?"), s.upstreamUrl());
            assertEquals("openid profile email offline_access", up.get("scope"), "offline_access for a refresh token");
            assertEquals("client_01JP8BD0CZ", up.get("client_id"));
            assertNotNull(up.get("nonce"), "the ID token is verified");
            assertTrue(h.lastConsentPage.contains("sign in with <strong>WorkOS</strong>"), "on the consent page");
            RecordedRequest token = takeRequestTo("/oauth2/token");
            assertTrue(token.getBody().readUtf8().contains("client_secret=workos-secret"), "credentials in the body");
            assertNull(token.getHeader("Authorization"));
            assertEquals("openid profile email", s.tokens().get("scope"), "clients see the scopes they asked for");

            assertEquals("user_01JQ0E27VT3MH79RY0FVA4QBP9|leroy@example.com|true|Leroy|Jenkins|"
                    + "org_01HRDMC6CM357W30QMHMQ96Q0S|admin|[notes:read, notes:write]|true",
                    h.callTool(s.accessToken(), "me"));
            assertEquals("admin ok", h.callTool(s.accessToken(), "admin"), "WorkOS roles work with requireRole");
            assertNotNull(provider.loadUpstreamTokens(s.accessToken()).refreshToken());
        }
    }

    @Test
    void withoutOpenIdTheUserinfoEndpointIdentifiesTheUser() throws Exception {
        try (SignInHarness h = new SignInHarness(workos().scopes("profile", "email").build(), proxyTools())) {
            // the mock authorizes OpenID requests only: the browser adds openid on its way there
            h.atProvider = url -> url.replaceAll("([?&])scope=", "$1scope=openid%20");
            enqueueUser(null, "client_01JP8BD0CZ");
            SignInHarness.SignIn s = h.signIn(h.register(), "profile email");
            assertEquals("profile email offline_access", s.upstreamQuery().get("scope"));
            assertNull(s.upstreamQuery().get("nonce"), "no ID token is asked for");

            String me = h.callTool(s.accessToken(), "me");
            assertTrue(me.startsWith("user_01JQ0E27VT3MH79RY0FVA4QBP9|leroy@example.com|true|Leroy|"), me);
            RecordedRequest userinfo = takeRequestTo("/oauth2/userinfo");
            assertTrue(userinfo.getHeader("Authorization").startsWith("Bearer "), "called with AuthKit's token");
        }
    }

    @Test
    void anIdTokenOfAnotherAuthKitDomainIsRefused() throws Exception {
        try (SignInHarness h = new SignInHarness(workos().build(), proxyTools())) {
            enqueueUser("https://another-app.authkit.app", "client_01JP8BD0CZ");
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");
            assertTrue(s.tokens().isEmpty());
            assertEquals("access_denied", s.clientRedirect().get("error"), s.clientRedirect().toString());
        }
    }

    private static Tool[] remoteTools() {
        return new Tool[] {
            Tool.builder("me").description("The caller in AuthKit").canAccess(requireAuth()).execute((args, ctx) -> {
                AuthKitSession a = Auth.getAuthSession(ctx, AuthKitSession.class);
                return a.subject() + "|" + a.organizationId() + "|" + a.role() + "|" + a.permissions() + "|"
                        + a.sessionId();
            }).build(),
            Tool.builder("admin").description("For WorkOS admins").canAccess(requireRole("admin"))
                    .execute((args, ctx) -> "admin ok").build()
        };
    }

    /** An AuthKit access token, signed with the AuthKit domain's keys. */
    private String authKitToken(String issuer, String audience) {
        return idp.issueToken(OAUTH2, "mcp-client", new DefaultOAuth2TokenCallback(OAUTH2,
                "user_01JQ0E27VT3MH79RY0FVA4QBP9", "JWT", List.of(audience), user(issuer), 300)).serialize();
    }

    @Test
    void authKitProviderAcceptsAuthKitTokensIssuedForThisServer() throws Exception {
        String authkitDomain = domain(); // your-app.authkit.app
        AuthKitProvider authKit = AuthKitProvider.builder(authkitDomain)
                .scopesSupported("notes:read")
                .build();
        try (SignInHarness h = new SignInHarness(authKit, remoteTools())) {
            String token = authKitToken(domain(), h.base() + "/mcp");
            assertEquals("user_01JQ0E27VT3MH79RY0FVA4QBP9|org_01HRDMC6CM357W30QMHMQ96Q0S|admin|"
                    + "[notes:read, notes:write]|app_consent_01JQ0E27WE4K1RCMH7Q094M1GJ", h.callTool(token, "me"));
            assertEquals("admin ok", h.callTool(token, "admin"));

            assertEquals(401, h.initializeStatus(authKitToken("https://another-app.authkit.app", h.base() + "/mcp")),
                    "another issuer");
            assertEquals(401, h.initializeStatus(authKitToken(domain(), "client_01JP8BD0CZ")),
                    "a token AuthKit issued for an OAuth application, not for this server");
            assertEquals(401, h.initializeStatus(authKitToken(domain(), "https://other.example.com/mcp")),
                    "a token for another MCP server");
        }
    }

    @Test
    void authKitProviderPointsClientsAtAuthKitAndServesNoOAuthRoutes() throws Exception {
        AuthKitProvider provider = AuthKitProvider.builder(domain()).scopesSupported("notes:read").build();
        try (SignInHarness h = new SignInHarness(provider, remoteTools())) {
            Browser browser = new Browser();
            HttpResponse<String> challenge = browser.postMcp(h.base() + "/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,"
                    + "\"method\":\"initialize\",\"params\":{}}", null);
            assertEquals(401, challenge.statusCode());
            assertTrue(challenge.headers().firstValue("WWW-Authenticate").orElse("")
                    .contains("/.well-known/oauth-protected-resource/mcp"), challenge.headers().toString());
            Map<String, Object> metadata = Browser.json(browser.get(h.base()
                    + "/.well-known/oauth-protected-resource/mcp"));
            assertEquals(List.of(domain()), metadata.get("authorization_servers"));
            assertEquals(List.of("notes:read"), metadata.get("scopes_supported"));
            assertEquals(h.base() + "/mcp", metadata.get("resource"));
            assertEquals(404, browser.get(h.base() + "/.well-known/oauth-authorization-server").statusCode());
            assertEquals(404, browser.postJson(h.base() + "/oauth/register", "{}").statusCode(),
                    "clients register at AuthKit");
        }
    }

    @Test
    void authKitProviderAcceptsAConfiguredAudienceInsteadOfTheResource() throws Exception {
        AuthKitProvider provider = AuthKitProvider.builder(domain()).audience("https://mcp.example.com/mcp").build();
        try (SignInHarness h = new SignInHarness(provider, remoteTools())) {
            assertEquals(200, h.initializeStatus(authKitToken(domain(), "https://mcp.example.com/mcp")));
            assertEquals(401, h.initializeStatus(authKitToken(domain(), h.base() + "/mcp")));
        }
    }

    @Test
    void theEndpointsAreUnderTheAuthKitDomain() {
        for (String given : List.of("acme.authkit.app", "https://acme.authkit.app", "https://ACME.authkit.app/",
                " acme.authkit.app ")) {
            assertEquals("https://acme.authkit.app", AuthKitDomain.parse("WorkOSProvider", given).issuer(), given);
        }
        assertEquals("https://auth.example.com:8443",
                AuthKitDomain.parse("AuthKitProvider", "https://auth.example.com:8443").issuer());
        Upstream u = WorkOSProvider.authKit(AuthKitDomain.parse("WorkOSProvider", "acme.authkit.app"), "client_1", "s");
        assertEquals("https://acme.authkit.app/oauth2/authorize", u.upstreamAuthorizationEndpoint());
        assertEquals("https://acme.authkit.app/oauth2/token", u.upstreamTokenEndpoint());
        assertEquals("post", u.upstreamTokenEndpointAuthMethod(), "WorkOS takes the credentials in the body");
        assertEquals("https://acme.authkit.app", u.upstreamIssuer());
        assertEquals("https://acme.authkit.app/oauth2/jwks", u.upstreamJwksUri());
        assertEquals("WorkOS", u.upstreamName());
        assertEquals("https://acme.authkit.app/oauth2/userinfo",
                AuthKitDomain.parse("WorkOSProvider", "acme.authkit.app").endpoint("userinfo"));
        assertNull(u.upstreamRevocationEndpoint(), "AuthKit documents none");

        AuthKitProvider remote = AuthKitProvider.builder("acme.authkit.app").build();
        assertEquals(List.of("https://acme.authkit.app"), remote.authorizationServers());
        assertEquals(List.of(), remote.scopesSupported());
        assertFalse(remote.tokenVerifier().verify("x.y.z").isValid(), "nothing is accepted before configure");
    }

    @Test
    void badConfigurationIsRefusedSayingWhatToChange() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> WorkOSProvider.builder(null, "id", "secret").build());
        assertTrue(missing.getMessage().contains("the AuthKit domain is missing"), missing.getMessage());
        assertTrue(missing.getMessage().contains("WorkOSProvider.builder(authkitDomain, ...)"), missing.getMessage());
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class,
                () -> AuthKitProvider.builder("http://acme.authkit.app").build());
        assertTrue(http.getMessage().contains("'http://acme.authkit.app' must be a host name or an https URL"),
                http.getMessage());
        IllegalArgumentException path = assertThrows(IllegalArgumentException.class,
                () -> WorkOSProvider.builder("https://acme.authkit.app/oauth2", "id", "secret").build());
        assertTrue(path.getMessage().contains("without a path"), path.getMessage());
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class,
                () -> WorkOSProvider.builder("acme.authkit.app", "id", "").build());
        assertTrue(secret.getMessage().contains("client secret is missing"), secret.getMessage());
        assertTrue(secret.getMessage().contains("WorkOS dashboard"), secret.getMessage());
        IllegalArgumentException audience = assertThrows(IllegalArgumentException.class,
                () -> AuthKitProvider.builder("acme.authkit.app").audience(" ").build());
        assertTrue(audience.getMessage().contains("audience contains a blank value"), audience.getMessage());
        IllegalArgumentException scope = assertThrows(IllegalArgumentException.class,
                () -> AuthKitProvider.builder("acme.authkit.app").scopesSupported("notes read").build());
        assertTrue(scope.getMessage().contains("'notes read' is invalid"), scope.getMessage());
    }

    private RecordedRequest takeRequestTo(String pathEnd) throws InterruptedException {
        for (RecordedRequest r = idp.takeRequest(5, TimeUnit.SECONDS); r != null; r = idp.takeRequest(5,
                TimeUnit.SECONDS)) {
            if (r.getPath() != null && r.getPath().startsWith(pathEnd)) {
                return r;
            }
        }
        throw new AssertionError("no request to " + pathEnd);
    }
}
