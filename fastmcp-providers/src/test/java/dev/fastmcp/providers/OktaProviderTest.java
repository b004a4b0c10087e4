package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OktaProvider} against mock-oauth2-server served at an Okta org's URLs and with Okta's claim shapes, as
 * Okta's developer documentation describes them (the OpenID Connect and OAuth 2.0 API reference: the org
 * authorization server at {@code /oauth2/v1/...} with the org URL as issuer, a custom authorization server at
 * {@code /oauth2/<id>/v1/...} with issuer {@code <org URL>/oauth2/<id>}, the endpoints {@code authorize},
 * {@code token}, {@code keys}, {@code userinfo}, {@code revoke}; the guide on refresh tokens: {@code offline_access}
 * on the authorization request; the guide on adding a groups claim: {@code groups} as a list of group names; the
 * ID token's {@code ver}, {@code idp}, {@code amr}, {@code preferred_username}, {@code locale} and
 * {@code zoneinfo} claims). Each authorization server is one issuer of the mock.
 */
@Timeout(120)
class OktaProviderTest {

    private static final String ORG = "okta-org";
    private static final String DEFAULT_SERVER = "oauth2/default";
    private static final String CLIENT_ID = "0oa1b2c3d4e5f6g7h8i9";
    private static final String USER_ID = "00u1a2b3c4d5e6f7g8h9";
    private final MockOAuth2Server idp = new MockOAuth2Server();
    private IdpFront okta;

    @BeforeEach
    void start() throws Exception {
        idp.start();
        okta = new IdpFront();
        serve("/oauth2/v1", ORG);
        serve("/oauth2/default/v1", DEFAULT_SERVER);
    }

    /** Okta's endpoints of one authorization server under {@code prefix}, answered by the mock's issuer {@code id}. */
    private void serve(String prefix, String id) {
        okta.route(prefix + "/authorize", idp.authorizationEndpointUrl(id))
                .route(prefix + "/token", idp.tokenEndpointUrl(id))
                .route(prefix + "/keys", idp.jwksUrl(id))
                .route(prefix + "/userinfo", idp.userInfoUrl(id))
                .route(prefix + "/revoke", idp.revocationEndpointUrl(id));
    }

    @AfterEach
    void stop() {
        okta.close();
        idp.shutdown();
    }

    private OktaProvider.Builder provider() {
        return OktaProvider.builder(okta.base(), CLIENT_ID, "okta-secret")
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    /** A user's tokens from the mock's issuer {@code id}, naming {@code issuer} as Okta does. */
    private void enqueueUser(String id, String issuer, long expirySeconds) {
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("iss", issuer, "ver", 1,
                "idp", "00o1a2b3c4d5e6f7g8h9", "amr", List.of("pwd"), "preferred_username", "ada@example.com",
                "email", "ada@example.com", "email_verified", true, "name", "Ada Lovelace", "locale", "en-US",
                "zoneinfo", "America/Los_Angeles"));
        claims.put("groups", List.of("Everyone", "MCP Admins"));
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(id, USER_ID, "JWT", List.of(CLIENT_ID), claims,
                expirySeconds));
    }

    private static Tool[] tools() {
        return new Tool[] {
            Tool.builder("me").description("The caller in Okta").canAccess(requireAuth()).execute((args, ctx) -> {
                OktaSession o = Auth.getAuthSession(ctx, OktaSession.class);
                return o.subject() + "|" + o.username() + "|" + o.email() + "|" + o.emailVerified() + "|" + o.name()
                        + "|" + o.locale() + "|" + o.zoneinfo() + "|" + o.groups();
            }).build(),
            Tool.builder("admin").description("For the group MCP Admins").canAccess(requireRole("MCP Admins"))
                    .execute((args, ctx) -> "admin ok").build(),
            Tool.builder("auditor").description("For the group Auditors").canAccess(requireRole("Auditors"))
                    .execute((args, ctx) -> "no").build()
        };
    }

    private static SignInHarness harness(OktaProvider provider) {
        SignInHarness h = new SignInHarness(provider, tools());
        h.atProvider = url -> url.replaceAll("([?&])prompt=[^&]*&?", "$1");
        return h;
    }

    @Test
    void fullFlowAtTheOrgAuthorizationServerFillsTheSessionAndGroupsAreRoles() throws Exception {
        try (SignInHarness h = harness(provider().build())) {
            enqueueUser(ORG, okta.base(), 3600);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");

            assertTrue(s.upstreamUrl().startsWith(okta.base() + "/oauth2/v1/authorize?"), s.upstreamUrl());
            Map<String, String> up = s.upstreamQuery();
            assertEquals("openid profile email groups offline_access", up.get("scope"),
                    "the org server's groups claim and a refresh token are asked for");
            assertEquals(CLIENT_ID, up.get("client_id"));
            assertNotNull(up.get("nonce"), "the ID token is verified");
            assertEquals("openid profile email", s.tokens().get("scope"), "clients see the scopes they asked for");
            assertEquals(1, okta.at("/oauth2/v1/token").size());
            assertEquals(1, okta.at("/oauth2/v1/keys").size(), "the ID token verified with the org's keys");
            assertTrue(h.lastConsentPage.contains("<strong>Okta</strong>"), "the consent page names Okta");

            assertEquals(USER_ID + "|ada@example.com|ada@example.com|true|Ada Lovelace|en-US|America/Los_Angeles|"
                    + "[Everyone, MCP Admins]", h.callTool(s.accessToken(), "me"));
            assertEquals("admin ok", h.callTool(s.accessToken(), "admin"), "Okta groups work with requireRole");
            try (McpTestClient client = McpTestClient.overHttp(h.server, o -> o.bearerToken(s.accessToken()))) {
                assertFalse(client.toolNames().contains("auditor"), "not in that group");
            }
        }
    }

    @Test
    void aCustomAuthorizationServerHasItsOwnEndpointsAndIssuer() throws Exception {
        try (SignInHarness h = harness(provider().authorizationServer("default").build())) {
            enqueueUser(DEFAULT_SERVER, okta.base() + "/oauth2/default", 3600);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");
            assertTrue(s.upstreamUrl().startsWith(okta.base() + "/oauth2/default/v1/authorize?"), s.upstreamUrl());
            assertEquals("openid profile email offline_access", s.upstreamQuery().get("scope"),
                    "a custom server has no groups scope unless one is defined");
            assertEquals(1, okta.at("/oauth2/default/v1/token").size());
            assertEquals("admin ok", h.callTool(s.accessToken(), "admin"));

            // an ID token of the org authorization server does not pass for one of the custom server
            enqueueUser(DEFAULT_SERVER, okta.base(), 3600);
            SignInHarness.SignIn refused = h.signIn(h.register(), "openid profile email");
            assertTrue(refused.tokens().isEmpty());
            assertEquals("access_denied", refused.clientRedirect().get("error"), refused.clientRedirect().toString());
        }
    }

    @Test
    void extraParamsReachOktaAndTheRefreshRenewsTheUpstreamTokens() throws Exception {
        OktaProvider provider = provider()
                .extraAuthorizationParams(Map.of("idp", "0oa9z8y7x6w5v4u3t2s1", "login_hint", "ada@example.com",
                        "prompt", "login"))
                .extraTokenParams(Map.of("audience", "api://notes"))
                .build();
        try (SignInHarness h = harness(provider)) {
            // an access token of 20 s counts as expired (the proxy renews 30 s early): our refresh renews it
            enqueueUser(ORG, okta.base(), 20);
            String clientId = h.register();
            SignInHarness.SignIn s = h.signIn(clientId, "openid profile email");
            Map<String, String> auth = okta.at("/oauth2/v1/authorize").get(0).params();
            assertEquals("0oa9z8y7x6w5v4u3t2s1", auth.get("idp"));
            assertEquals("ada@example.com", auth.get("login_hint"));
            assertEquals("login", s.upstreamQuery().get("prompt"));

            HttpResponse<String> refreshed = h.refresh(clientId, s.refreshToken());
            assertEquals(200, refreshed.statusCode(), refreshed.body());
            List<IdpFront.Seen> tokenCalls = okta.at("/oauth2/v1/token");
            assertEquals(2, tokenCalls.size(), "the code exchange, then the refresh");
            assertEquals("authorization_code", tokenCalls.get(0).params().get("grant_type"));
            assertEquals("refresh_token", tokenCalls.get(1).params().get("grant_type"));
            assertNotNull(tokenCalls.get(1).params().get("refresh_token"));
            assertEquals("api://notes", tokenCalls.get(1).params().get("audience"), "extra token parameters too");
            String access2 = (String) Browser.json(refreshed).get("access_token");
            assertEquals("admin ok", h.callTool(access2, "admin"), "the groups of the sign-in stay");
        }
    }

    @Test
    void withoutOfflineAccessNoRefreshTokenIsAskedFor() throws Exception {
        try (SignInHarness h = harness(provider().offlineAccess(false).build())) {
            enqueueUser(ORG, okta.base(), 3600);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");
            assertEquals("openid profile email groups", s.upstreamQuery().get("scope"));
        }
    }

    @Test
    void theEndpointsAreComputedFromTheDomainAndTheAuthorizationServer() {
        assertEquals(new EndpointLayout("https://dev-123.okta.com",
                "https://dev-123.okta.com/oauth2/v1/authorize", "https://dev-123.okta.com/oauth2/v1/token",
                "https://dev-123.okta.com/oauth2/v1/keys", "https://dev-123.okta.com/oauth2/v1/userinfo",
                "https://dev-123.okta.com/oauth2/v1/revoke"),
                OktaProvider.builder("https://dev-123.okta.com/", "id", "secret").layout());
        assertEquals(new EndpointLayout("https://dev-123.okta.com/oauth2/default",
                "https://dev-123.okta.com/oauth2/default/v1/authorize",
                "https://dev-123.okta.com/oauth2/default/v1/token",
                "https://dev-123.okta.com/oauth2/default/v1/keys",
                "https://dev-123.okta.com/oauth2/default/v1/userinfo",
                "https://dev-123.okta.com/oauth2/default/v1/revoke"),
                OktaProvider.builder("https://dev-123.okta.com", "id", "secret").authorizationServer("default")
                        .layout());
        assertEquals("https://login.example.com/oauth2/aus1a2b3c4d5e6f7g8h9",
                OktaProvider.builder("https://login.example.com", "id", "secret")
                        .authorizationServer("aus1a2b3c4d5e6f7g8h9").layout().issuer(), "a custom domain");
        String described = OktaProvider.builder("https://dev-123.okta.com", "id", "okta-secret").build().toString();
        assertTrue(described.startsWith("OktaProvider["), described);
        assertTrue(described.contains("upstream=https://dev-123.okta.com/oauth2/v1/authorize"), described);
        assertFalse(described.contains("okta-secret"), "the client secret is never printed: " + described);
    }

    @Test
    void aWrongDomainOrServerIdFailsAtBuildSayingWhatToGive() {
        IllegalArgumentException issuer = assertThrows(IllegalArgumentException.class,
                () -> OktaProvider.builder("https://dev-123.okta.com/oauth2/default", "id", "secret").build());
        assertTrue(issuer.getMessage().startsWith("OktaProvider: oktaDomain must be your Okta domain alone, such as "
                + "https://dev-123.okta.com"), issuer.getMessage());
        assertTrue(issuer.getMessage().endsWith("give the domain 'https://dev-123.okta.com' and "
                + ".authorizationServer(\"default\")"), issuer.getMessage());

        IllegalArgumentException admin = assertThrows(IllegalArgumentException.class,
                () -> OktaProvider.builder("https://dev-123-admin.okta.com", "id", "secret").build());
        assertTrue(admin.getMessage().endsWith("That is the Admin Console's address; users sign in at "
                + "'https://dev-123.okta.com'"), admin.getMessage());

        IllegalArgumentException path = assertThrows(IllegalArgumentException.class,
                () -> OktaProvider.builder("https://dev-123.okta.com/oauth2/v1/authorize", "id", "secret").build());
        assertTrue(path.getMessage().endsWith("Give it without a path: 'https://dev-123.okta.com'"), path.getMessage());

        IllegalArgumentException bare = assertThrows(IllegalArgumentException.class,
                () -> OktaProvider.builder("dev-123.okta.com", "id", "secret").build());
        assertTrue(bare.getMessage().contains("oktaDomain must be an https URL"), bare.getMessage());

        IllegalArgumentException server = assertThrows(IllegalArgumentException.class,
                () -> OktaProvider.builder("https://dev-123.okta.com", "id", "secret")
                        .authorizationServer("https://dev-123.okta.com/oauth2/default").build());
        assertTrue(server.getMessage().contains("authorizationServer must be the id of a custom authorization "
                + "server, such as 'default'"), server.getMessage());
        assertTrue(server.getMessage().endsWith("leave it unset for the org authorization server"),
                server.getMessage());

        IllegalArgumentException noId = assertThrows(IllegalArgumentException.class,
                () -> OktaProvider.builder("https://dev-123.okta.com", " ", "secret").build());
        assertTrue(noId.getMessage().contains("client id is missing"), noId.getMessage());
        assertTrue(noId.getMessage().contains("Okta Admin Console"), noId.getMessage());
    }
}
