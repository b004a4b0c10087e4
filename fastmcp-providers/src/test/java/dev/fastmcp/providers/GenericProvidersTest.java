package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.proxy.ProxySession;
import java.net.InetSocketAddress;
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

/** {@link OAuthProvider} and {@link OIDCProvider} against mock-oauth2-server. */
@Timeout(120)
class GenericProvidersTest {

    private final MockOAuth2Server idp = new MockOAuth2Server();

    @BeforeEach
    void start() {
        idp.start();
    }

    @AfterEach
    void stop() {
        idp.shutdown();
    }

    private static Tool whoami() {
        return Tool.builder("whoami").description("The caller").canAccess(requireAuth()).execute((args, ctx) -> {
            ProxySession s = Auth.getAuthSession(ctx, ProxySession.class);
            return s.subject() + "|" + s.upstreamClaims().get("email") + "|" + s.claims().get("department");
        }).build();
    }

    private void enqueueUser(String issuerId, String audience) {
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(issuerId, "user-7", "JWT", List.of(audience),
                Map.of("email", "user7@example.com", "department", "research"), 3600));
    }

    @Test
    void oauthProviderIdentifiesUsersAtItsUserinfoEndpoint() throws Exception {
        OAuthProvider provider = OAuthProvider.builder(idp.authorizationEndpointUrl("sso").toString(),
                        idp.tokenEndpointUrl("sso").toString(), "sso-client", "sso-secret")
                .userInfoEndpoint(idp.userInfoUrl("sso").toString())
                .scopes("openid", "profile")
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=")
                .build();
        try (SignInHarness h = new SignInHarness(provider, whoami())) {
            enqueueUser("sso", "sso-client");
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile");
            assertEquals("openid profile", s.upstreamQuery().get("scope"));
            assertTrue(s.upstreamUrl().startsWith(idp.authorizationEndpointUrl("sso").toString()));

            assertEquals("user-7|user7@example.com|research", h.callTool(s.accessToken(), "whoami"),
                    "userinfo claims reach the session and, through claims passthrough, our token");
            RecordedRequest userinfo = takeRequestTo("/userinfo");
            assertEquals("Bearer " + provider.loadUpstreamTokens(s.accessToken()).accessToken(),
                    userinfo.getHeader("Authorization"));
        }
    }

    @Test
    void oidcProviderIsConfiguredFromDiscoveryAndVerifiesTheIdToken() throws Exception {
        String issuer = idp.issuerUrl("oidc").toString();
        OIDCProvider provider = OIDCProvider.builder(issuer, "oidc-client", "oidc-secret")
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=")
                .build();
        try (SignInHarness h = new SignInHarness(provider, whoami())) {
            enqueueUser("oidc", "oidc-client");
            SignInHarness.SignIn s = h.signIn(h.register(), "openid profile email");
            assertTrue(s.upstreamUrl().startsWith(idp.authorizationEndpointUrl("oidc").toString()),
                    "the discovered authorization endpoint");
            assertNotNull(s.upstreamQuery().get("nonce"), "ID tokens are verified, nonce included");
            assertEquals("user-7|user7@example.com|research", h.callTool(s.accessToken(), "whoami"));
        }
    }

    @Test
    void anIssuerWhoseDiscoveryFailsIsRefusedAtBuildWithTheUrlToCheck() throws Exception {
        HttpServer empty = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        empty.start();
        try {
            String missing = "http://127.0.0.1:" + empty.getAddress().getPort() + "/realms/typo";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OIDCProvider.builder(missing, "id", "secret").build());
            assertTrue(e.getMessage().contains("discovery of issuer '" + missing + "' failed"), e.getMessage());
            assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
            assertTrue(e.getMessage().contains(missing + "/.well-known/openid-configuration"), e.getMessage());
        } finally {
            empty.stop(0);
        }

        String issuer = idp.issuerUrl("oidc").toString();
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> OIDCProvider.builder(issuer + "/", "id", "secret").build());
        assertTrue(mismatch.getMessage().contains("names issuer '" + issuer + "'"), mismatch.getMessage());

        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> OIDCProvider.builder("http://sso.example.com", "id", "secret").build());
        assertTrue(plain.getMessage().contains("issuer must be an https URL"), plain.getMessage());
    }

    @Test
    void missingCredentialsOrEndpointsFailAtBuild() {
        IllegalArgumentException noId = assertThrows(IllegalArgumentException.class,
                () -> OAuthProvider.builder("https://a.example/authorize", "https://a.example/token", null, "s").build());
        assertTrue(noId.getMessage().startsWith("OAuthProvider: the client id is missing"), noId.getMessage());
        IllegalArgumentException noEndpoint = assertThrows(IllegalArgumentException.class,
                () -> OAuthProvider.builder(null, "https://a.example/token", "id", "s").build());
        assertTrue(noEndpoint.getMessage().contains("upstreamAuthorizationEndpoint is required"),
                noEndpoint.getMessage());
        IllegalArgumentException github = assertThrows(IllegalArgumentException.class,
                () -> GitHubProvider.builder("id", null).build());
        assertTrue(github.getMessage().contains("GitHub Settings > Developer settings"), github.getMessage());
    }

    private RecordedRequest takeRequestTo(String pathEnd) throws InterruptedException {
        for (RecordedRequest r = idp.takeRequest(5, TimeUnit.SECONDS); r != null; r = idp.takeRequest(5,
                TimeUnit.SECONDS)) {
            if (r.getPath() != null && r.getPath().endsWith(pathEnd)) {
                return r;
            }
        }
        throw new AssertionError("no request to " + pathEnd);
    }
}
