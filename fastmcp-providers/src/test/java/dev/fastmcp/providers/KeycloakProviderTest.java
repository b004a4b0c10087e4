package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireRole;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.TokenRequest;
import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KeycloakProvider} against mock-oauth2-server served at Keycloak's URLs and with Keycloak's token shapes, as
 * the Keycloak Securing Applications guide (the OpenID Connect endpoints of a realm, under
 * {@code /realms/<realm>/protocol/openid-connect/}: {@code auth}, {@code token}, {@code certs}, {@code userinfo},
 * {@code revoke}; the realm URL as issuer) and the Server Administration Guide (realm and client roles; the
 * {@code roles} client scope, whose mappers write {@code realm_access.roles} and
 * {@code resource_access.<client>.roles} into the access token only; the group membership mapper's {@code groups}
 * with full paths; {@code kc_idp_hint}) describe them. Tokens have a Keycloak user id as subject, {@code azp} and
 * {@code typ} claims, and the default realm roles and {@code account} client roles every user has.
 */
@Timeout(120)
class KeycloakProviderTest {

    private static final String ISSUER_ID = "realms/main";
    private static final String CLIENT_ID = "notes-server";
    private static final String SUBJECT = "4f1c6a3e-9b2d-4c57-8e0f-2a6b1d9c7e35";
    private static final String OIDC = "/realms/main/protocol/openid-connect";
    private final MockOAuth2Server idp = new MockOAuth2Server();
    private IdpFront keycloak;

    @BeforeEach
    void start() throws Exception {
        idp.start();
        keycloak = new IdpFront()
                .route(OIDC + "/auth", idp.authorizationEndpointUrl(ISSUER_ID))
                .route(OIDC + "/token", idp.tokenEndpointUrl(ISSUER_ID))
                .route(OIDC + "/certs", idp.jwksUrl(ISSUER_ID))
                .route(OIDC + "/userinfo", idp.userInfoUrl(ISSUER_ID))
                .route(OIDC + "/revoke", idp.revocationEndpointUrl(ISSUER_ID));
    }

    @AfterEach
    void stop() {
        keycloak.close();
        idp.shutdown();
    }

    private String realmUrl() {
        return keycloak.base() + "/realms/main";
    }

    private KeycloakProvider.Builder provider() {
        return KeycloakProvider.builder(realmUrl(), CLIENT_ID, "keycloak-secret")
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    /**
     * Keycloak's tokens for one sign-in: the mock makes the ID token, then the access token, each asking this
     * callback for its claims; the test checks the tokens it got have the intended shapes.
     */
    private final class KeycloakTokens implements OAuth2TokenCallback {

        private final AtomicInteger calls = new AtomicInteger();
        private final long expirySeconds;
        private final String issuer;

        KeycloakTokens(long expirySeconds) {
            this(expirySeconds, realmUrl());
        }

        KeycloakTokens(long expirySeconds, String issuer) {
            this.expirySeconds = expirySeconds;
            this.issuer = issuer;
        }

        @Override
        public String issuerId() {
            return ISSUER_ID;
        }

        @Override
        public String subject(TokenRequest request) {
            return SUBJECT;
        }

        @Override
        public String typeHeader(TokenRequest request) {
            return "JWT";
        }

        @Override
        public List<String> audience(TokenRequest request) {
            return List.of(CLIENT_ID);
        }

        @Override
        public Map<String, Object> addClaims(TokenRequest request) {
            Map<String, Object> profile = Map.of("iss", issuer, "azp", CLIENT_ID,
                    "preferred_username", "ada", "email", "ada@example.com", "email_verified", true,
                    "name", "Ada Lovelace", "given_name", "Ada", "family_name", "Lovelace");
            if (calls.getAndIncrement() % 2 == 0) {
                Map<String, Object> id = new LinkedHashMap<>(profile);
                id.put("typ", "ID");
                id.put("groups", List.of("/staff/editors"));
                return id;
            }
            Map<String, Object> access = new LinkedHashMap<>(profile);
            access.put("typ", "Bearer");
            access.put("scope", "openid profile email");
            access.put("realm_access", Map.of("roles", List.of("default-roles-main", "offline_access",
                    "uma_authorization", "notes-admin")));
            access.put("resource_access", Map.of(CLIENT_ID, Map.of("roles", List.of("editor")),
                    "account", Map.of("roles", List.of("manage-account", "view-profile"))));
            return access;
        }

        @Override
        public long tokenExpiry() {
            return expirySeconds;
        }
    }

    private static Tool[] tools() {
        return new Tool[] {
            Tool.builder("me").description("The caller in the realm").canAccess(requireAuth()).execute((args, ctx) -> {
                KeycloakSession k = Auth.getAuthSession(ctx, KeycloakSession.class);
                return k.subject() + "|" + k.username() + "|" + k.email() + "|" + k.emailVerified() + "|" + k.name()
                        + "|" + k.givenName() + "|" + k.familyName() + "|" + k.realmRoles() + "|" + k.clientRoles()
                        + "|" + k.clientRoles("account") + "|" + new TreeSet<>(k.roles()) + "|" + k.groups();
            }).build(),
            Tool.builder("admin").description("For the realm role notes-admin").canAccess(requireRole("notes-admin"))
                    .execute((args, ctx) -> "admin ok").build(),
            Tool.builder("edit").description("For the client role editor")
                    .canAccess(requireRole(CLIENT_ID + ":editor")).execute((args, ctx) -> "edit ok").build(),
            Tool.builder("plain-editor").description("A realm role editor, which the user does not have")
                    .canAccess(requireRole("editor")).execute((args, ctx) -> "no").build()
        };
    }

    private SignInHarness harness(KeycloakProvider provider) {
        SignInHarness h = new SignInHarness(provider, tools());
        h.atProvider = url -> url.replaceAll("([?&])prompt=[^&]*&?", "$1");
        return h;
    }

    private static String payload(String jwt) {
        return new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
    }

    @Test
    void fullFlowAtTheRealmsEndpointsFillsTheSessionWithRolesFromTheAccessToken() throws Exception {
        KeycloakProvider provider = provider().build();
        try (SignInHarness h = harness(provider)) {
            idp.enqueueCallback(new KeycloakTokens(3600));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");

            assertTrue(s.upstreamUrl().startsWith(realmUrl() + "/protocol/openid-connect/auth?"), s.upstreamUrl());
            Map<String, String> up = s.upstreamQuery();
            assertEquals("openid profile email", up.get("scope"));
            assertEquals(CLIENT_ID, up.get("client_id"));
            assertNotNull(up.get("nonce"), "the ID token is verified");
            assertNotNull(up.get("code_challenge"), "PKCE upstream too");
            assertEquals(1, keycloak.at(OIDC + "/token").size(), "the code exchange at the realm's token endpoint");
            assertEquals(1, keycloak.at(OIDC + "/certs").size(), "the ID token verified with the realm's keys");
            assertTrue(h.lastConsentPage.contains("<strong>Keycloak</strong>"), "the consent page names Keycloak");

            var upstream = provider.loadUpstreamTokens(s.accessToken());
            assertFalse(payload(upstream.idToken()).contains("realm_access"), "as Keycloak: no roles in the ID token");
            assertTrue(payload(upstream.accessToken()).contains("\"realm_access\""), "but in the access token");

            assertEquals(SUBJECT + "|ada|ada@example.com|true|Ada Lovelace|Ada|Lovelace|"
                    + "[default-roles-main, offline_access, uma_authorization, notes-admin]|[editor]|"
                    + "[manage-account, view-profile]|"
                    + "[account:manage-account, account:view-profile, default-roles-main, notes-admin, "
                    + "notes-server:editor, offline_access, uma_authorization]|[/staff/editors]",
                    h.callTool(s.accessToken(), "me"));
            assertEquals("admin ok", h.callTool(s.accessToken(), "admin"), "a realm role, by its name");
            assertEquals("edit ok", h.callTool(s.accessToken(), "edit"), "a client role, as <client>:<role>");
            try (McpTestClient client = McpTestClient.overHttp(h.server, o -> o.bearerToken(s.accessToken()))) {
                assertFalse(client.toolNames().contains("plain-editor"), "a client role is no realm role");
            }
        }
    }

    @Test
    void extraParamsReachKeycloakAndTheRefreshRenewsTheUpstreamTokens() throws Exception {
        KeycloakProvider provider = provider()
                .extraAuthorizationParams(Map.of("kc_idp_hint", "corporate-saml", "login_hint", "ada@example.com",
                        "prompt", "login"))
                .extraTokenParams(Map.of("audience", "notes-api"))
                .build();
        try (SignInHarness h = harness(provider)) {
            // an access token of 20 s counts as expired (the proxy renews 30 s early): our refresh renews it
            idp.enqueueCallback(new KeycloakTokens(20));
            String clientId = h.register();
            SignInHarness.SignIn s = h.signIn(clientId, "openid profile email");
            Map<String, String> auth = keycloak.at(OIDC + "/auth").get(0).params();
            assertEquals("corporate-saml", auth.get("kc_idp_hint"));
            assertEquals("ada@example.com", auth.get("login_hint"));
            assertEquals("login", s.upstreamQuery().get("prompt"));
            assertEquals("notes-api", keycloak.at(OIDC + "/token").get(0).params().get("audience"));

            HttpResponse<String> refreshed = h.refresh(clientId, s.refreshToken());
            assertEquals(200, refreshed.statusCode(), refreshed.body());
            List<IdpFront.Seen> tokenCalls = keycloak.at(OIDC + "/token");
            assertEquals(2, tokenCalls.size(), "the code exchange, then the refresh");
            Map<String, String> refresh = tokenCalls.get(1).params();
            assertEquals("refresh_token", refresh.get("grant_type"));
            assertNotNull(refresh.get("refresh_token"));
            assertEquals("notes-api", refresh.get("audience"), "extra token parameters on the refresh too");
            String access2 = (String) Browser.json(refreshed).get("access_token");
            assertEquals("admin ok", h.callTool(access2, "admin"), "the roles of the sign-in stay");
            assertNotNull(provider.loadUpstreamTokens(access2), "tools still get Keycloak's tokens");
        }
    }

    @Test
    void offlineAccessIsAskedForUpstreamOnly() throws Exception {
        try (SignInHarness h = harness(provider().offlineAccess(true).build())) {
            idp.enqueueCallback(new KeycloakTokens(3600));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");
            assertEquals("openid profile email offline_access", s.upstreamQuery().get("scope"));
            assertEquals("openid profile email", s.tokens().get("scope"), "clients see the scopes they asked for");
        }
    }

    @Test
    void anIdTokenOfAnotherRealmIsRefused() throws Exception {
        try (SignInHarness h = harness(provider().build())) {
            idp.enqueueCallback(new KeycloakTokens(3600, keycloak.base() + "/realms/other"));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");
            assertTrue(s.tokens().isEmpty());
            assertEquals("access_denied", s.clientRedirect().get("error"), s.clientRedirect().toString());
        }
    }

    @Test
    void theEndpointsAreComputedFromTheRealmUrl() {
        assertEquals(new EndpointLayout("https://sso.example.com/realms/main",
                "https://sso.example.com/realms/main/protocol/openid-connect/auth",
                "https://sso.example.com/realms/main/protocol/openid-connect/token",
                "https://sso.example.com/realms/main/protocol/openid-connect/certs",
                "https://sso.example.com/realms/main/protocol/openid-connect/userinfo",
                "https://sso.example.com/realms/main/protocol/openid-connect/revoke"),
                KeycloakProvider.builder("https://sso.example.com/realms/main/", "id", "secret").layout());
        EndpointLayout legacy = KeycloakProvider.builder("https://sso.example.com/auth/realms/main", "id", "secret")
                .layout();
        assertEquals("https://sso.example.com/auth/realms/main", legacy.issuer(), "Keycloak before 17");
        assertEquals("https://sso.example.com/auth/realms/main/protocol/openid-connect/token", legacy.tokenEndpoint());
        String described = KeycloakProvider.builder("https://sso.example.com/realms/main", "id", "keycloak-secret")
                .build().toString();
        assertTrue(described.startsWith("KeycloakProvider["), described);
        assertTrue(described.contains("upstream=https://sso.example.com/realms/main/protocol/openid-connect/auth"),
                described);
        assertFalse(described.contains("keycloak-secret"), "the client secret is never printed: " + described);
    }

    @Test
    void aRealmUrlThatIsNotOneFailsAtBuildSayingWhatToGive() {
        IllegalArgumentException server = assertThrows(IllegalArgumentException.class,
                () -> KeycloakProvider.builder("https://sso.example.com", "id", "secret").build());
        assertTrue(server.getMessage().startsWith("KeycloakProvider: realmUrl must be the URL of one realm, "
                + "<server>/realms/<realm name>, such as https://sso.example.com/realms/main"), server.getMessage());
        assertTrue(server.getMessage().contains("was 'https://sso.example.com'"), server.getMessage());

        IllegalArgumentException discovery = assertThrows(IllegalArgumentException.class,
                () -> KeycloakProvider.builder("https://sso.example.com/realms/main/.well-known/openid-configuration",
                        "id", "secret").build());
        assertTrue(discovery.getMessage().endsWith("Did you mean 'https://sso.example.com/realms/main'?"),
                discovery.getMessage());

        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> KeycloakProvider.builder("http://sso.example.com/realms/main", "id", "secret").build());
        assertTrue(plain.getMessage().contains("realmUrl must be an https URL"), plain.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> KeycloakProvider.builder(null, "id", "secret").build());
        assertTrue(missing.getMessage().contains("was null"), missing.getMessage());

        IllegalArgumentException noSecret = assertThrows(IllegalArgumentException.class,
                () -> KeycloakProvider.builder("https://sso.example.com/realms/main", "id", "").build());
        assertTrue(noSecret.getMessage().contains("client secret is missing"), noSecret.getMessage());
        assertTrue(noSecret.getMessage().contains("Keycloak admin console"), noSecret.getMessage());
    }
}
