package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
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

/** {@link GoogleProvider} against mock-oauth2-server standing in for Google. */
@Timeout(120)
class GoogleProviderTest {

    private static final String ISSUER_ID = "google";
    private final MockOAuth2Server idp = new MockOAuth2Server();

    @BeforeEach
    void start() {
        idp.start();
    }

    @AfterEach
    void stop() {
        idp.shutdown();
    }

    private GoogleProvider.Builder google() {
        return GoogleProvider.builder("google-client", "google-secret")
                .upstream(u -> u.upstreamAuthorizationEndpoint(idp.authorizationEndpointUrl(ISSUER_ID).toString())
                        .upstreamTokenEndpoint(idp.tokenEndpointUrl(ISSUER_ID).toString())
                        .upstreamRevocationEndpoint(idp.revocationEndpointUrl(ISSUER_ID).toString())
                        .upstreamIssuer(idp.issuerUrl(ISSUER_ID).toString())
                        .upstreamJwksUri(idp.jwksUrl(ISSUER_ID).toString()))
                .userInfoEndpoint(idp.userInfoUrl(ISSUER_ID).toString())
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    private static Tool profileTool() {
        return Tool.builder("profile").description("The caller's Google profile").canAccess(requireAuth())
                .execute((args, ctx) -> {
                    GoogleSession g = Auth.getAuthSession(ctx, GoogleSession.class);
                    return g.subject() + "|" + g.email() + "|" + g.emailVerified() + "|" + g.name() + "|"
                            + g.picture() + "|" + g.hostedDomain() + "|"
                            + (g.upstreamTokens().accessToken() != null);
                }).build();
    }

    private void enqueueUser(Map<String, Object> claims) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, "google-user-42", "JWT",
                List.of("google-client"), claims, 3600));
    }

    private static SignInHarness harness(GoogleProvider provider) {
        SignInHarness h = new SignInHarness(provider, profileTool());
        h.atProvider = url -> url.replaceAll("([?&])prompt=[^&]*&?", "$1");
        return h;
    }

    @Test
    void fullFlowFillsTheGoogleSessionFromTheVerifiedIdTokenAndAsksForARefreshToken() throws Exception {
        try (SignInHarness h = harness(google().build())) {
            enqueueUser(Map.of("email", "ada@example.com", "email_verified", true, "name", "Ada Lovelace",
                    "picture", "https://pics.example.com/ada.png", "hd", "example.com"));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid email profile");

            Map<String, String> up = s.upstreamQuery();
            assertEquals("offline", up.get("access_type"), s.upstreamUrl());
            assertEquals("consent", up.get("prompt"));
            assertEquals("openid email profile", up.get("scope"));
            assertEquals("google-client", up.get("client_id"));
            assertNotNull(up.get("nonce"), "an OpenID sign-in carries a nonce its ID token must return");
            assertNotNull(s.refreshToken());
            assertTrue(h.lastConsentPage.contains("sign in with <strong>Google</strong>"), "the consent page names Google");

            assertEquals("google-user-42|ada@example.com|true|Ada Lovelace|https://pics.example.com/ada.png|"
                    + "example.com|true", h.callTool(s.accessToken(), "profile"));
        }
    }

    @Test
    void extraParamsReachTheAuthorizationRequestAndTheCodeExchange() throws Exception {
        GoogleProvider provider = google()
                .extraAuthorizationParams(Map.of("hd", "example.com", "login_hint", "ada@example.com",
                        "prompt", "select_account"))
                .extraTokenParams(Map.of("audience", "calendar"))
                .build();
        try (SignInHarness h = harness(provider)) {
            enqueueUser(Map.of("email", "ada@example.com"));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid email profile");
            Map<String, String> up = s.upstreamQuery();
            assertEquals("example.com", up.get("hd"), s.upstreamUrl());
            assertEquals("ada@example.com", up.get("login_hint"));
            assertEquals("select_account", up.get("prompt"), "a parameter given replaces the preset's");
            assertEquals("offline", up.get("access_type"), "the preset's others stay");
            String exchange = takeRequestTo("/token").getBody().readUtf8();
            assertTrue(exchange.contains("audience=calendar"), exchange);
            assertNotNull(s.accessToken(), "signed in");
        }
    }

    @Test
    void theProxySetsItsOwnParamsAndRefusesThemAsExtras() {
        IllegalArgumentException auth = assertThrows(IllegalArgumentException.class,
                () -> google().extraAuthorizationParams(Map.of("redirect_uri", "https://evil.example")).build());
        assertTrue(auth.getMessage().contains("redirect_uri"), auth.getMessage());
        IllegalArgumentException token = assertThrows(IllegalArgumentException.class,
                () -> google().extraTokenParams(Map.of("grant_type", "password")).build());
        assertTrue(token.getMessage().contains("grant_type"), token.getMessage());
    }

    @Test
    void withoutIdTokenVerificationTheUserinfoEndpointIdentifiesTheUser() throws Exception {
        try (SignInHarness h = harness(google().upstream(u -> u.upstreamIssuer(null).upstreamJwksUri(null)).build())) {
            enqueueUser(Map.of("email", "grace@example.com", "email_verified", "true", "name", "Grace Hopper"));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid email profile");
            assertNull(s.upstreamQuery().get("nonce"), "no ID token is verified");

            assertEquals("google-user-42|grace@example.com|true|Grace Hopper|null|null|true",
                    h.callTool(s.accessToken(), "profile"));
            RecordedRequest userinfo = takeRequestTo("/userinfo");
            assertTrue(userinfo.getHeader("Authorization").startsWith("Bearer "), "called with the upstream token");
        }
    }

    @Test
    void anIdTokenFromAnotherIssuerIsRefused() throws Exception {
        GoogleProvider provider = google().upstream(u -> u.upstreamIssuer(idp.issuerUrl("not-google").toString()))
                .build();
        try (SignInHarness h = harness(provider)) {
            enqueueUser(Map.of("email", "x@example.com"));
            SignInHarness.SignIn s = h.signIn(h.register(), "openid email profile");
            assertTrue(s.tokens().isEmpty());
            assertEquals("access_denied", s.clientRedirect().get("error"));
            assertEquals("client-state", s.clientRedirect().get("state"));
        }
    }

    @Test
    void aMissingClientIdFailsAtBuildNamingWhereToFindIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GoogleProvider.builder(null, "secret").build());
        assertTrue(e.getMessage().contains("client id is missing"), e.getMessage());
        assertTrue(e.getMessage().contains("Google Cloud Console"), e.getMessage());
        assertTrue(e.getMessage().contains("GoogleProvider.builder(clientId, clientSecret)"), e.getMessage());
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class,
                () -> GoogleProvider.builder("id", " ").build());
        assertTrue(secret.getMessage().contains("client secret is missing"), secret.getMessage());
    }

    @Test
    void everyProxyOptionIsAvailableAndChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> google().proxyOptions(o -> o.lifetimes(l -> l.accessTokenTtl(java.time.Duration.ZERO))).build());
        assertTrue(e.getMessage().contains("accessTokenTtl"), e.getMessage());
        String described = google().proxyOptions(o -> o.claimsAndConsent(c -> c.consentRequired(true))
                .limits(l -> l.registrationRateLimit(0))).build().toString();
        assertTrue(described.startsWith("GoogleProvider["), described);
        assertTrue(described.contains("upstream=" + idp.authorizationEndpointUrl(ISSUER_ID)), described);
        assertTrue(described.contains("redirectPath=/oauth/callback"), described);
        assertFalse(described.contains("google-secret"), "the client secret is never printed: " + described);
        assertFalse(described.contains("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA="),
                "the proxy's secret is never printed: " + described);
    }

    private RecordedRequest takeRequestTo(String pathEnd) throws InterruptedException {
        for (RecordedRequest r = idp.takeRequest(5, TimeUnit.SECONDS); r != null; r = idp.takeRequest(5,
                TimeUnit.SECONDS)) {
            if (r.getPath() != null && r.getPath().contains(pathEnd)) {
                return r;
            }
        }
        throw new AssertionError("no request to " + pathEnd);
    }
}
