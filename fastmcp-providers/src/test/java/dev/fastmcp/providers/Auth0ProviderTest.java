package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Auth0Provider} against mock-oauth2-server behind Auth0's endpoint layout ({@link IdpFront}), with Auth0's
 * token shapes, following the Auth0 documentation: "Authentication API" (the {@code /authorize},
 * {@code /oauth/token}, {@code /userinfo}, {@code /oauth/revoke} and {@code /.well-known/jwks.json} endpoints),
 * "ID Token Structure" (issuer {@code https://<domain>/} with its trailing slash, {@code auth0|...} subjects,
 * {@code nickname}, {@code picture}, {@code org_id}), "Create Custom Claims" (namespaced claims added by an Action)
 * and "Enable Role-Based Access Control for APIs" (the access token for an {@code audience} has the granted
 * {@code scope}, the intersection of the requested permissions and the user's, and their {@code permissions}).
 */
@Timeout(120)
class Auth0ProviderTest {

    private static final String ISSUER_ID = "auth0";
    private static final String API = "https://api.example.com";
    private static final String ROLES = "https://example.com/roles";
    private final MockOAuth2Server idp = new MockOAuth2Server();
    private IdpFront auth0;

    @BeforeEach
    void start() throws Exception {
        idp.start();
        auth0 = new IdpFront(idp, Map.of(
                "/authorize", "/" + ISSUER_ID + "/authorize",
                "/oauth/token", "/" + ISSUER_ID + "/token",
                "/userinfo", "/" + ISSUER_ID + "/userinfo",
                "/oauth/revoke", "/" + ISSUER_ID + "/revoke",
                "/.well-known/jwks.json", "/" + ISSUER_ID + "/jwks"));
    }

    @AfterEach
    void stop() {
        auth0.close();
        idp.shutdown();
    }

    private Auth0Provider.Builder provider() {
        return Auth0Provider.builder("example.us.auth0.com", "auth0-client", "auth0-secret")
                .origin(auth0.base())
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    /** Auth0's issuer: the domain's origin with a trailing slash. */
    private String issuer() {
        return auth0.base() + "/";
    }

    /**
     * A user with an ID token and, for the API, an access token holding the granted {@code scope} and the user's
     * {@code permissions}; the post-login Action put the roles in both.
     */
    private void enqueueUser(String grantedScope, long expirySeconds) {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("iss", issuer());
        id.put("email", "ada@example.com");
        id.put("email_verified", true);
        id.put("name", "Ada Lovelace");
        id.put("nickname", "ada");
        id.put("picture", "https://s.gravatar.com/avatar/ada.png");
        id.put("org_id", "org_W9sZ7kMZp9");
        id.put(ROLES, List.of("admin", "editor"));
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("iss", issuer());
        access.put("azp", "auth0-client");
        access.put("scope", grantedScope);
        access.put("permissions", List.of("read:notes", "write:notes"));
        access.put(ROLES, List.of("admin", "editor"));
        idp.enqueueCallback(new IdAndAccessClaims(ISSUER_ID, "auth0|64b0c1d2e3f4",
                List.of(API, issuer() + "userinfo"), id, access, expirySeconds));
    }

    private static Tool[] tools() {
        return new Tool[] {
            Tool.builder("me").description("The caller at Auth0").canAccess(requireAuth()).execute((args, ctx) -> {
                Auth0Session a = Auth.getAuthSession(ctx, Auth0Session.class);
                return a.subject() + "|" + a.email() + "|" + a.emailVerified() + "|" + a.name() + "|" + a.nickname()
                        + "|" + a.picture() + "|" + a.orgId() + "|" + a.permissions() + "|" + a.roles().size()
                        + "|" + String.join(" ", a.scopes().stream().sorted().toList());
            }).build(),
            Tool.builder("admin").description("For the role admin").canAccess(requireRole("admin"))
                    .execute((args, ctx) -> "admin ok").build(),
            Tool.builder("owner").description("For the role owner").canAccess(requireRole("owner"))
                    .execute((args, ctx) -> "owner ok").build(),
            Tool.builder("read_notes").description("Needs read:notes").canAccess(requireScopes("read:notes"))
                    .execute((args, ctx) -> "notes read").build(),
            Tool.builder("delete_notes").description("Needs delete:notes").canAccess(requireScopes("delete:notes"))
                    .execute((args, ctx) -> "notes deleted").build(),
            Tool.builder("api_token").description("Whether the API's token is there").canAccess(requireAuth())
                    .execute((args, ctx) -> String.valueOf(Auth.getAuthSession(ctx).accessToken() != null)).build()
        };
    }

    @Test
    void fullFlowSendsTheAudienceVerifiesTheSlashedIssuerAndFillsTheAuth0Session() throws Exception {
        Auth0Provider provider = provider().audience(API).rolesClaim(ROLES)
                .scopes("openid", "profile", "email", "read:notes", "delete:notes").build();
        try (SignInHarness h = new SignInHarness(provider, tools())) {
            // The user holds read:notes and write:notes; RBAC grants the requested ones the user holds.
            enqueueUser("openid profile email read:notes offline_access", 3600);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email read:notes delete:notes");

            Map<String, String> up = s.upstreamQuery();
            assertTrue(s.upstreamUrl().startsWith(auth0.base() + "/authorize?"), s.upstreamUrl());
            assertEquals(API, up.get("audience"), "the API's identifier goes upstream as audience");
            assertEquals("openid profile email read:notes delete:notes offline_access", up.get("scope"),
                    "offline_access is added for a refresh token");
            assertNotNull(up.get("nonce"));
            RecordedRequest authorize = takeRequestTo("/authorize");
            assertEquals(API, authorize.getRequestUrl().queryParameter("audience"), "the IdP saw the audience");
            String exchange = takeRequestTo("/token").getBody().readUtf8();
            assertTrue(exchange.contains("client_secret=auth0-secret"), "Auth0's default: credentials in the form");
            assertTrue(h.lastConsentPage.contains("sign in with <strong>Auth0</strong>"),
                    "the consent page names Auth0");

            assertEquals("auth0|64b0c1d2e3f4|ada@example.com|true|Ada Lovelace|ada|"
                    + "https://s.gravatar.com/avatar/ada.png|org_W9sZ7kMZp9|[read:notes, write:notes]|2|"
                    + "email openid profile read:notes", h.callTool(s.accessToken(), "me"),
                    "delete:notes, which Auth0 did not grant, is not held");
            try (McpTestClient client = McpTestClient.overHttp(h.server, o -> o.bearerToken(s.accessToken()))) {
                assertEquals(List.of("admin", "api_token", "delete_notes", "me", "read_notes"),
                        client.toolNames().stream().sorted().toList(), "the namespaced roles work with requireRole");
                client.callTool("admin").assertText("admin ok");
                client.callTool("read_notes").assertText("notes read");
                client.callTool("delete_notes").assertRefused(403);
                client.callTool("api_token").assertText("true");
            }
        }
    }

    @Test
    void withoutAnAudienceNoneIsSentAndNoScopeIsDropped() throws Exception {
        try (SignInHarness h = new SignInHarness(provider().build(), tools())) {
            // Auth0's access token is then opaque: no scope, no permissions to read.
            idp.enqueueCallback(new IdAndAccessClaims(ISSUER_ID, "google-oauth2|1043", List.of(issuer() + "userinfo"),
                    Map.of("iss", issuer(), "email", "grace@example.com", "name", "Grace Hopper"),
                    Map.of("iss", issuer()), 3600));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");
            assertNull(s.upstreamQuery().get("audience"));
            assertEquals("google-oauth2|1043|grace@example.com|null|Grace Hopper|null|null|null|[]|0|"
                    + "email openid profile", h.callTool(s.accessToken(), "me"));
        }
    }

    @Test
    void withoutAVerifiedIdTokenTheUserinfoEndpointIdentifiesTheUser() throws Exception {
        // As without the openid scope (which mock-oauth2-server always wants): no ID token to rely on.
        Auth0Provider provider = provider().audience(API).upstream(u -> u.upstreamIssuer(null).upstreamJwksUri(null))
                .build();
        try (SignInHarness h = new SignInHarness(provider, tools())) {
            // The mock's userinfo accepts only tokens naming its own issuer, so this access token keeps it.
            idp.enqueueCallback(new IdAndAccessClaims(ISSUER_ID, "auth0|64b0c1d2e3f4", List.of(API),
                    Map.of("iss", issuer()), Map.of("scope", "openid offline_access", "email", "ada@example.com"),
                    3600));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid");
            assertNull(s.upstreamQuery().get("nonce"), "no ID token is verified");
            assertTrue(h.callTool(s.accessToken(), "me").startsWith("auth0|64b0c1d2e3f4|ada@example.com|"));
            RecordedRequest userinfo = takeRequestTo("/userinfo");
            assertTrue(userinfo.getHeader("Authorization").startsWith("Bearer "), "called with Auth0's token");
        }
    }

    @Test
    void aRefreshRenewsAuth0sTokensWithTheExtraTokenParams() throws Exception {
        Auth0Provider provider = provider().audience(API)
                .extraAuthorizationParams(Map.of("prompt", "login", "organization", "org_W9sZ7kMZp9",
                        "login_hint", "ada@example.com"))
                .extraTokenParams(Map.of("device", "notes-server"))
                .build();
        try (SignInHarness h = new SignInHarness(provider, tools())) {
            h.atProvider = url -> url.replaceAll("([?&])prompt=[^&]*&?", "$1");
            // Auth0's tokens live 10 s here, less than the proxy's margin: each refresh of ours renews them.
            enqueueUser("openid profile email offline_access", 10);
            String clientId = h.register();
            SignInHarness.SignIn s = h.signIn(clientId, "openid profile email");
            Map<String, String> up = s.upstreamQuery();
            assertEquals("login", up.get("prompt"), s.upstreamUrl());
            assertEquals("org_W9sZ7kMZp9", up.get("organization"));
            assertEquals("ada@example.com", up.get("login_hint"));
            assertEquals(API, up.get("audience"), "the preset's own parameter stays");
            assertTrue(takeRequestTo("/token").getBody().readUtf8().contains("device=notes-server"));

            HttpResponse<String> refreshed = h.refresh(clientId, s.refreshToken());
            assertEquals(200, refreshed.statusCode(), refreshed.body());
            String refresh = takeRequestTo("/token").getBody().readUtf8();
            assertTrue(refresh.contains("grant_type=refresh_token"), refresh);
            assertTrue(refresh.contains("device=notes-server"), "extra token parameters go on each refresh too");
            String token = (String) Browser.json(refreshed).get("access_token");
            assertTrue(h.callTool(token, "me").startsWith("auth0|64b0c1d2e3f4|ada@example.com|"));
        }
    }

    @Test
    void anIdTokenWithoutTheTrailingSlashOfAuth0sIssuerIsRefused() throws Exception {
        try (SignInHarness h = new SignInHarness(provider().build(), tools())) {
            idp.enqueueCallback(new IdAndAccessClaims(ISSUER_ID, "auth0|1", List.of(), Map.of("iss", auth0.base()),
                    Map.of(), 3600));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");
            assertTrue(s.tokens().isEmpty());
            assertEquals("access_denied", s.clientRedirect().get("error"));
        }
    }

    @Test
    void theEndpointsOfADomainFollowAuth0sLayout() {
        Auth0Provider.Endpoints e = Auth0Provider.Endpoints.at("https://"
                + Auth0Provider.domain("Example.US.Auth0.com"));
        assertEquals(new Auth0Provider.Endpoints("https://example.us.auth0.com/authorize",
                "https://example.us.auth0.com/oauth/token", "https://example.us.auth0.com/userinfo",
                "https://example.us.auth0.com/oauth/revoke", "https://example.us.auth0.com/.well-known/jwks.json",
                "https://example.us.auth0.com/"), e);
        assertEquals("login.example.com", Auth0Provider.domain(" login.example.com "), "a custom domain");
        String built = Auth0Provider.builder("example.eu.auth0.com", "id", "s3cr3t-value").build().toString();
        assertTrue(built.startsWith("Auth0Provider["), built);
        assertTrue(built.contains("upstream=https://example.eu.auth0.com/authorize"), built);
        assertFalse(built.contains("s3cr3t-value"), "the client secret is never printed: " + built);
    }

    @Test
    void aDomainWithASchemeAPortOrAPathIsRefusedNamingTheHostToUse() {
        for (String wrong : List.of("https://example.us.auth0.com", "https://example.us.auth0.com/",
                "example.us.auth0.com/authorize", "example.us.auth0.com:443")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Auth0Provider.builder(wrong, "id", "secret").build(), wrong);
            assertTrue(e.getMessage().contains("'" + wrong + "' is not a host name"), e.getMessage());
            assertTrue(e.getMessage().contains("Use 'example.us.auth0.com'"), e.getMessage());
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Auth0Provider.builder(" ", "id", "secret").build());
        assertTrue(missing.getMessage().contains("the domain is missing"), missing.getMessage());
        assertTrue(missing.getMessage().contains("Auth0Provider.builder(domain, clientId, clientSecret)"));
        IllegalArgumentException junk = assertThrows(IllegalArgumentException.class,
                () -> Auth0Provider.builder("my tenant", "id", "secret").build());
        assertTrue(junk.getMessage().contains("Use the Domain shown in your application's settings"),
                junk.getMessage());
    }

    @Test
    void aLoopbackHttpOriginIsAcceptedAsTheDomainForTestsAndLocalEmulators() {
        assertEquals("http://127.0.0.1:8443", Auth0Provider.origin(" http://127.0.0.1:8443 "));
        assertEquals("http://localhost:3000", Auth0Provider.origin("HTTP://LocalHost:3000"));
        assertEquals("https://example.us.auth0.com", Auth0Provider.origin("Example.US.Auth0.com"));
        assertEquals(new Auth0Provider.Endpoints("http://127.0.0.1:8443/authorize", "http://127.0.0.1:8443/oauth/token",
                "http://127.0.0.1:8443/userinfo", "http://127.0.0.1:8443/oauth/revoke",
                "http://127.0.0.1:8443/.well-known/jwks.json", "http://127.0.0.1:8443/"),
                Auth0Provider.Endpoints.at(Auth0Provider.origin("http://127.0.0.1:8443")),
                "Auth0's layout and slashed issuer under the loopback origin");
        String built = Auth0Provider.builder("http://localhost:3000", "id", "secret").build().toString();
        assertTrue(built.contains("upstream=http://localhost:3000/authorize"), built);
        // Only a loopback origin as such: another host, https, a path, no port or a port out of range fail as before.
        for (String wrong : List.of("http://example.us.auth0.com:8443", "http://example.us.auth0.com",
                "https://127.0.0.1:8443", "http://127.0.0.1:8443/", "http://localhost:8443/authorize",
                "http://127.0.0.1", "http://127.0.0.2:8443", "http://[::1]:8443", "http://127.0.0.1:0",
                "http://127.0.0.1:65536", "http://user@127.0.0.1:8443", "127.0.0.1:8443")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Auth0Provider.builder(wrong, "id", "secret").build(), wrong);
            assertTrue(e.getMessage().contains("'" + wrong + "' is not a host name"), e.getMessage());
        }
    }

    @Test
    void otherBadConfigurationFailsAtBuildSayingWhatToGive() {
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> Auth0Provider.builder("example.us.auth0.com", null, "secret").build());
        assertTrue(id.getMessage().contains("client id is missing"), id.getMessage());
        assertTrue(id.getMessage().contains("Auth0 Dashboard"), id.getMessage());
        IllegalArgumentException audience = assertThrows(IllegalArgumentException.class,
                () -> Auth0Provider.builder("example.us.auth0.com", "id", "secret").audience(" ").build());
        assertTrue(audience.getMessage().contains("audience is blank"), audience.getMessage());
        IllegalArgumentException roles = assertThrows(IllegalArgumentException.class,
                () -> Auth0Provider.builder("example.us.auth0.com", "id", "secret").rolesClaim("").build());
        assertTrue(roles.getMessage().contains("rolesClaim is blank"), roles.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> Auth0Provider.builder("example.us.auth0.com", "id", "secret")
                        .extraAuthorizationParams(Map.of("scope", "openid")).build());
        assertTrue(reserved.getMessage().contains("'scope'"), reserved.getMessage());
    }

    private RecordedRequest takeRequestTo(String pathEnd) throws InterruptedException {
        for (RecordedRequest r = idp.takeRequest(5, TimeUnit.SECONDS); r != null; r = idp.takeRequest(5,
                TimeUnit.SECONDS)) {
            if (r.getPath() != null && r.getRequestUrl().encodedPath().endsWith(pathEnd)) {
                return r;
            }
        }
        throw new AssertionError("no request to " + pathEnd);
    }
}
