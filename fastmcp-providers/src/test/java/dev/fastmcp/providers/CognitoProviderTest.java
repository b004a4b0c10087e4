package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.proxy.UpstreamApiException;
import dev.fastmcp.auth.proxy.UpstreamIdentity;
import dev.fastmcp.auth.proxy.UpstreamTokens;
import dev.fastmcp.testing.McpTestClient;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.time.Duration;
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
 * {@link CognitoProvider} against mock-oauth2-server behind Amazon Cognito's endpoint layout ({@link IdpFront}),
 * with Cognito's token shapes, following the Amazon Cognito Developer Guide: "User pool endpoints reference" (the
 * domain's {@code /oauth2/authorize}, {@code /oauth2/token}, {@code /oauth2/revoke}), "Understanding user pool JSON
 * web tokens" (the ID token's {@code aud} = app client id, {@code token_use: id}, {@code cognito:username},
 * {@code cognito:groups}; the access token's {@code client_id}, {@code token_use: access}, {@code username},
 * {@code scope}, and no {@code aud}) and "Verifying a JSON web token" (issuer
 * {@code https://cognito-idp.<region>.amazonaws.com/<userPoolId>}, keys at {@code <issuer>/.well-known/jwks.json},
 * the {@code token_use} and client checks). In the test the front serves both hosts, the domain and the issuer.
 */
@Timeout(120)
class CognitoProviderTest {

    private static final String POOL = "eu-west-1_AbCdEf123";
    private static final String CLIENT = "1example23456789";
    private static final String SUB = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    private final MockOAuth2Server idp = new MockOAuth2Server();
    private IdpFront cognito;

    @BeforeEach
    void start() throws Exception {
        idp.start();
        cognito = new IdpFront(idp, Map.of(
                "/oauth2/authorize", "/" + POOL + "/authorize",
                "/oauth2/token", "/" + POOL + "/token",
                "/oauth2/revoke", "/" + POOL + "/revoke",
                "/" + POOL + "/.well-known/jwks.json", "/" + POOL + "/jwks"));
    }

    @AfterEach
    void stop() {
        cognito.close();
        idp.shutdown();
    }

    private CognitoProvider.Builder provider() {
        return CognitoProvider.builder(cognito.base(), CLIENT, "cognito-secret")
                .userPool("eu-west-1", POOL)
                .issuerBase(cognito.base())
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    private String issuer() {
        return cognito.base() + "/" + POOL;
    }

    private Map<String, Object> idToken() {
        Map<String, Object> id = new LinkedHashMap<>();
        id.put("iss", issuer());
        id.put("token_use", "id");
        id.put("cognito:username", "ada");
        id.put("cognito:groups", List.of("admin", "readers"));
        id.put("email", "ada@example.com");
        id.put("email_verified", "true");
        id.put("phone_number", "+12065551212");
        id.put("auth_time", 1700000000);
        return id;
    }

    private Map<String, Object> accessToken(String clientId, String scope) {
        Map<String, Object> access = new LinkedHashMap<>();
        access.put("iss", issuer());
        access.put("token_use", "access");
        access.put("client_id", clientId);
        access.put("username", "ada");
        access.put("cognito:groups", List.of("admin", "readers"));
        access.put("scope", scope);
        return access;
    }

    /** Tokens as Cognito issues them: the access token has no {@code aud}. */
    private void enqueue(Map<String, Object> id, Map<String, Object> access, long expirySeconds) {
        idp.enqueueCallback(new IdAndAccessClaims(POOL, SUB, List.of(), id, access, expirySeconds));
    }

    private static Tool[] tools() {
        return new Tool[] {
            Tool.builder("me").description("The caller in the pool").canAccess(requireAuth()).execute((args, ctx) -> {
                CognitoSession c = Auth.getAuthSession(ctx, CognitoSession.class);
                return c.subject() + "|" + c.username() + "|" + c.email() + "|" + c.emailVerified() + "|"
                        + c.phoneNumber() + "|" + c.groups() + "|" + c.roles().size();
            }).build(),
            Tool.builder("admin").description("For the group admin").canAccess(requireRole("admin"))
                    .execute((args, ctx) -> "admin ok").build(),
            Tool.builder("owners").description("For the group owners").canAccess(requireRole("owners"))
                    .execute((args, ctx) -> "owners ok").build(),
            Tool.builder("write_notes").description("Needs notes/write").canAccess(requireScopes("notes/write"))
                    .execute((args, ctx) -> "written").build()
        };
    }

    @Test
    void fullFlowVerifiesBothKindsOfTokenAndFillsTheCognitoSession() throws Exception {
        CognitoProvider provider = provider().scopes("openid", "email", "profile", "notes/write").build();
        try (SignInHarness h = new SignInHarness(provider, tools())) {
            enqueue(idToken(), accessToken(CLIENT, "openid email profile"), 3600);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid email profile");

            Map<String, String> up = s.upstreamQuery();
            assertTrue(s.upstreamUrl().startsWith(cognito.base() + "/oauth2/authorize?"), s.upstreamUrl());
            assertEquals("openid email profile", up.get("scope"));
            assertEquals(CLIENT, up.get("client_id"));
            RecordedRequest exchange = takeRequestTo("/token");
            assertTrue(exchange.getHeader("Authorization").startsWith("Basic "), "Cognito takes HTTP Basic");
            assertTrue(h.lastConsentPage.contains("sign in with <strong>Amazon Cognito</strong>"), h.lastConsentPage);

            assertEquals(SUB + "|ada|ada@example.com|true|+12065551212|[admin, readers]|2",
                    h.callTool(s.accessToken(), "me"));
            UpstreamTokens upstream = provider.loadUpstreamTokens(s.accessToken());
            JWTClaimsSet access = SignedJWT.parse(upstream.accessToken()).getJWTClaimsSet();
            assertTrue(access.getAudience().isEmpty(), "Cognito's access token has no aud: " + access);
            assertEquals(CLIENT, access.getClaim("client_id"));
            assertEquals(List.of(CLIENT), SignedJWT.parse(upstream.idToken()).getJWTClaimsSet().getAudience());
            try (McpTestClient client = McpTestClient.overHttp(h.server, o -> o.bearerToken(s.accessToken()))) {
                assertEquals(List.of("admin", "me", "write_notes"), client.toolNames().stream().sorted().toList(),
                        "cognito:groups are the roles of requireRole");
                client.callTool("admin").assertText("admin ok");
                client.callTool("write_notes").assertRefused(403);
            }
        }
    }

    @Test
    void anAccessTokenOfAnotherAppClientIsRefused() throws Exception {
        try (SignInHarness h = new SignInHarness(provider().build(), tools())) {
            enqueue(idToken(), accessToken("another-app-client", "openid"), 3600);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid email profile");
            assertTrue(s.tokens().isEmpty());
            assertEquals("access_denied", s.clientRedirect().get("error"), s.clientRedirect().toString());
        }
    }

    @Test
    void anIdTokenThatIsNoIdTokenIsRefused() throws Exception {
        Map<String, Object> id = idToken();
        id.put("token_use", "access");
        try (SignInHarness h = new SignInHarness(provider().build(), tools())) {
            enqueue(id, accessToken(CLIENT, "openid"), 3600);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid email profile");
            assertEquals("access_denied", s.clientRedirect().get("error"), s.clientRedirect().toString());
        }
    }

    @Test
    void anAccessTokenPassedOffAsAnIdTokenIsRefused() throws Exception {
        // An access token's shape in the ID token's place (no aud but the mock's client id, token_use: access).
        try (SignInHarness h = new SignInHarness(provider().build(), tools())) {
            enqueue(accessToken(CLIENT, "openid"), accessToken(CLIENT, "openid"), 3600);
            SignInHarness.SignIn s = h.signIn(h.register(), "openid email profile");
            assertEquals("access_denied", s.clientRedirect().get("error"), s.clientRedirect().toString());
        }
    }

    @Test
    void aRefreshRenewsTheTokensAndExtraParamsReachCognito() throws Exception {
        CognitoProvider provider = provider()
                .extraAuthorizationParams(Map.of("identity_provider", "Google", "lang", "fr"))
                .extraTokenParams(Map.of("client_metadata", "notes"))
                .build();
        try (SignInHarness h = new SignInHarness(provider, tools())) {
            // Tokens that live 10 s, less than the proxy's margin: each refresh of ours renews them at Cognito.
            enqueue(idToken(), accessToken(CLIENT, "openid email profile"), 10);
            String clientId = h.register();
            SignInHarness.SignIn s = h.signIn(clientId, "openid email profile");
            assertEquals("Google", s.upstreamQuery().get("identity_provider"), s.upstreamUrl());
            assertEquals("fr", s.upstreamQuery().get("lang"));
            assertTrue(takeRequestTo("/token").getBody().readUtf8().contains("client_metadata=notes"));

            HttpResponse<String> refreshed = h.refresh(clientId, s.refreshToken());
            assertEquals(200, refreshed.statusCode(), refreshed.body());
            String refresh = takeRequestTo("/token").getBody().readUtf8();
            assertTrue(refresh.contains("grant_type=refresh_token"), refresh);
            assertTrue(refresh.contains("client_metadata=notes"), refresh);
            String token = (String) Browser.json(refreshed).get("access_token");
            assertEquals(SUB + "|ada|ada@example.com|true|+12065551212|[admin, readers]|2", h.callTool(token, "me"));
        }
    }

    @Test
    void withoutAnIdTokenTheVerifiedAccessTokenIdentifiesTheUser() throws Exception {
        // Without the openid scope (which mock-oauth2-server's sign-in always wants, hence a direct call here).
        CognitoTokens tokens = new CognitoTokens(issuer() + "/.well-known/jwks.json", issuer(), CLIENT,
                Duration.ofSeconds(5));
        UpstreamIdentity user = tokens.identity(upstream(accessToken(CLIENT, "notes/read")), null, null);
        assertEquals(SUB, user.subject());
        assertEquals("ada", user.claims().get("username"));
        assertEquals(List.of("admin", "readers"), user.claims().get("cognito:groups"));

        UpstreamApiException other = assertThrows(UpstreamApiException.class,
                () -> tokens.identity(upstream(accessToken("another-app-client", "openid")), null, null));
        assertTrue(other.getMessage().contains("another app client"), other.getMessage());
        Map<String, Object> id = idToken();
        UpstreamApiException swapped = assertThrows(UpstreamApiException.class,
                () -> tokens.identity(upstream(id), null, null));
        assertTrue(swapped.getMessage().contains("token_use is not 'access'"), swapped.getMessage());
        Map<String, Object> anotherUser = new LinkedHashMap<>(id);
        anotherUser.put("sub", "someone-else");
        UpstreamApiException mixed = assertThrows(UpstreamApiException.class,
                () -> tokens.identity(upstream(accessToken(CLIENT, "openid")), anotherUser, null));
        assertTrue(mixed.getMessage().contains("different users"), mixed.getMessage());
    }

    /** Upstream tokens whose access token the mock signed with {@code claims} (no {@code aud}). */
    private UpstreamTokens upstream(Map<String, Object> claims) {
        String access = idp.issueToken(POOL, CLIENT, new DefaultOAuth2TokenCallback(POOL, SUB, "JWT", List.of(),
                claims, 3600)).serialize();
        return new UpstreamTokens(access, "Bearer", null, null, null, null);
    }

    @Test
    void theEndpointsFollowCognitosLayoutOnTwoHosts() {
        CognitoUserPool pool = CognitoUserPool.parse("eu-west-1", POOL);
        assertEquals(new CognitoProvider.Endpoints("https://myapp.auth.eu-west-1.amazoncognito.com/oauth2/authorize",
                "https://myapp.auth.eu-west-1.amazoncognito.com/oauth2/token",
                "https://myapp.auth.eu-west-1.amazoncognito.com/oauth2/revoke",
                "https://cognito-idp.eu-west-1.amazonaws.com/" + POOL,
                "https://cognito-idp.eu-west-1.amazonaws.com/" + POOL + "/.well-known/jwks.json"),
                CognitoProvider.Endpoints.of("https://myapp.auth.eu-west-1.amazoncognito.com",
                        pool.issuer(pool.issuerBase())));
        String built = CognitoProvider.builder("https://Auth.Example.com/", CLIENT, "s3cr3t-value")
                .userPool("eu-west-1", POOL).build().toString();
        assertTrue(built.startsWith("CognitoProvider["), built);
        assertTrue(built.contains("upstream=https://auth.example.com/oauth2/authorize"), "a custom domain: " + built);
        assertFalse(built.contains("s3cr3t-value"), "the client secret is never printed: " + built);
        CognitoProvider.builder("https://myapp.auth.us-gov-west-1.amazoncognito.com", CLIENT, "secret")
                .userPool("us-gov-west-1", "us-gov-west-1_Xy9").build();
    }

    @Test
    void aRegionThatIsNotThePoolsIsRefusedNamingTheOneToUse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CognitoProvider.builder("https://auth.example.com", CLIENT, "secret")
                        .userPool("us-east-1", POOL).build());
        assertTrue(e.getMessage().contains("belongs to region eu-west-1, not to the region given, 'us-east-1'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("userPool(\"eu-west-1\", \"" + POOL + "\")"), e.getMessage());

        IllegalArgumentException domain = assertThrows(IllegalArgumentException.class,
                () -> CognitoProvider.builder("https://myapp.auth.us-east-1.amazoncognito.com", CLIENT, "secret")
                        .userPool("eu-west-1", POOL).build());
        assertTrue(domain.getMessage().contains("is in region us-east-1, but the user pool " + POOL + " is in "
                + "eu-west-1"), domain.getMessage());
    }

    @Test
    void otherBadConfigurationFailsAtBuildSayingWhatToGive() {
        assertMessage(() -> CognitoProvider.builder("https://auth.example.com", CLIENT, "secret").build(),
                "userPool(region, userPoolId) is required");
        assertMessage(() -> CognitoProvider.builder("https://auth.example.com", CLIENT, "secret")
                .userPool("Ireland", POOL).build(), "the region 'Ireland' is not an AWS region");
        assertMessage(() -> CognitoProvider.builder("https://auth.example.com", CLIENT, "secret")
                .userPool("eu-west-1", "my-pool").build(), "'my-pool' is not a Cognito user pool id");
        assertMessage(() -> CognitoProvider.builder("myapp.auth.eu-west-1.amazoncognito.com", CLIENT, "secret")
                .userPool("eu-west-1", POOL).build(), "Use 'https://myapp.auth.eu-west-1.amazoncognito.com'");
        assertMessage(() -> CognitoProvider.builder("https://auth.example.com/oauth2/authorize", CLIENT, "secret")
                .userPool("eu-west-1", POOL).build(), "must have no path");
        assertMessage(() -> CognitoProvider.builder("http://auth.example.com", CLIENT, "secret")
                .userPool("eu-west-1", POOL).build(), "must be an https URL");
        assertMessage(() -> CognitoProvider.builder(null, CLIENT, "secret").userPool("eu-west-1", POOL).build(),
                "the domain is missing");
        assertMessage(() -> CognitoProvider.builder("https://auth.example.com", CLIENT, "")
                .userPool("eu-west-1", POOL).build(), "client secret is missing");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable build, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().startsWith("CognitoProvider: "), e.getMessage());
        assertTrue(e.getMessage().contains(part), e.getMessage());
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
