package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.auth.proxy.UpstreamTokens;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
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
 * {@link DiscordProvider} with mock-oauth2-server as Discord's OAuth endpoints and {@link FakeDiscord} as its user
 * API. Followed: Discord Developer Documentation, Topics: OAuth2 (the authorization, token and revocation URLs, the
 * authorization code grant with client credentials by HTTP Basic, {@code prompt}, tokens expiring with a refresh
 * token) and Resources: User (the user object of Get Current User, its {@code email} and {@code verified} under the
 * {@code email} scope, and the CDN paths of avatars and default avatars).
 */
@Timeout(120)
class DiscordProviderTest {

    private static final String ISSUER_ID = "discord";
    private final MockOAuth2Server idp = new MockOAuth2Server();
    private FakeDiscord discord;

    @BeforeEach
    void start() throws Exception {
        idp.start();
        discord = new FakeDiscord();
    }

    @AfterEach
    void stop() {
        discord.close();
        idp.shutdown();
    }

    private DiscordProvider.Builder discord() {
        return DiscordProvider.builder("discord-client", "discord-secret")
                .upstream(u -> u.upstreamAuthorizationEndpoint(idp.authorizationEndpointUrl(ISSUER_ID).toString())
                        .upstreamTokenEndpoint(idp.tokenEndpointUrl(ISSUER_ID).toString())
                        .upstreamRevocationEndpoint(idp.revocationEndpointUrl(ISSUER_ID).toString()))
                .apiBaseUrl(discord.api())
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=");
    }

    private static SignInHarness harness(DiscordProvider provider) {
        SignInHarness h = new SignInHarness(provider, Tool.builder("discord").description("The caller on Discord")
                .canAccess(requireAuth())
                .execute((args, ctx) -> {
                    DiscordSession d = Auth.getAuthSession(ctx, DiscordSession.class);
                    return d.subject() + "|" + d.username() + "|" + d.globalName() + "|" + d.email() + "|"
                            + d.emailVerified() + "|" + d.avatarUrl() + "|" + d.upstreamTokens().accessToken();
                }).build());
        // mock-oauth2-server shows a login page for prompt, and authorizes OpenID requests only: the browser drops
        // the one and adds openid to the scope on its way there (the ID token it then also returns is not used)
        h.atProvider = url -> url.replaceAll("([?&])prompt=[^&]*&?", "$1")
                .replaceAll("([?&])scope=", "$1scope=openid%20");
        return h;
    }

    @Test
    void fullFlowFillsTheDiscordSessionFromTheUserApi() throws Exception {
        DiscordProvider provider = discord().build();
        try (SignInHarness h = harness(provider)) {
            SignInHarness.SignIn s = h.signIn(h.register(), "identify email");

            Map<String, String> up = s.upstreamQuery();
            assertEquals("identify email", up.get("scope"), s.upstreamUrl());
            assertEquals("discord-client", up.get("client_id"));
            assertTrue(h.lastConsentPage.contains("sign in with <strong>Discord</strong>"), "on the consent page");
            RecordedRequest token = takeRequestTo("/token");
            assertTrue(String.valueOf(token.getHeader("Authorization")).startsWith("Basic "), "HTTP Basic credentials");
            assertFalse(token.getBody().readUtf8().contains("client_secret"), "the secret is not in the form");

            String[] fields = h.callTool(s.accessToken(), "discord").split("\\|");
            assertEquals("80351110224678912", fields[0], "the subject is the user's id, which survives a rename");
            assertEquals("nelly", fields[1]);
            assertEquals("Nelly", fields[2]);
            assertEquals("nelly@example.com", fields[3]);
            assertEquals("true", fields[4]);
            assertEquals("https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png",
                    fields[5]);
            assertEquals(List.of(fields[6]), discord.tokens, "the user API was called once, with Discord's token");
            UpstreamTokens upstream = provider.loadUpstreamTokens(s.accessToken());
            assertNotNull(upstream.refreshToken(), "Discord's tokens expire and come with a refresh token");
            assertNotNull(upstream.expiresAt());
            assertFalse(s.tokens().toString().contains(fields[6]), "the client never sees Discord's token");
        }
    }

    @Test
    void extraAuthorizationParamsReachDiscord() throws Exception {
        try (SignInHarness h = harness(discord().extraAuthorizationParams(Map.of("prompt", "none")).build())) {
            SignInHarness.SignIn s = h.signIn(h.register(), "identify");
            assertEquals("none", s.upstreamQuery().get("prompt"), s.upstreamUrl());
            assertEquals("identify", s.upstreamQuery().get("scope"));
            assertNotNull(s.accessToken(), "signed in");
        }
    }

    @Test
    void aFailingUserApiRefusesTheSignInWithACleanOAuthError() throws Exception {
        try (SignInHarness h = harness(discord().build())) {
            String clientId = h.register();
            discord.userStatus = 502;
            SignInHarness.SignIn failed = h.signIn(clientId, "identify");
            assertTrue(failed.tokens().isEmpty());
            assertEquals("temporarily_unavailable", failed.clientRedirect().get("error"),
                    failed.clientRedirect().toString());
            assertEquals("client-state", failed.clientRedirect().get("state"));
            assertFalse(failed.clientRedirect().toString().contains("discord-internal"), "nothing of Discord's answer");

            discord.userStatus = 401;
            SignInHarness.SignIn refused = h.signIn(clientId, "identify");
            assertEquals("access_denied", refused.clientRedirect().get("error"), refused.clientRedirect().toString());
        }
    }

    @Test
    void revokingTheClientsGrantRevokesDiscordsTokenAtItsRevocationEndpoint() throws Exception {
        try (SignInHarness h = harness(discord().build())) {
            String clientId = h.register();
            SignInHarness.SignIn s = h.signIn(clientId, "identify email");
            HttpResponse<String> r = new Browser().postForm(h.base() + "/oauth/revoke",
                    Map.of("token", s.refreshToken(), "token_type_hint", "refresh_token", "client_id", clientId));
            assertEquals(200, r.statusCode(), r.body());
            RecordedRequest revoke = takeRequestTo("/revoke");
            assertTrue(String.valueOf(revoke.getHeader("Authorization")).startsWith("Basic "));
            assertTrue(revoke.getBody().readUtf8().contains("token="), "Discord's token is revoked");
            assertEquals(401, h.initializeStatus(s.accessToken()));
        }
    }

    @Test
    void theEndpointsAreDiscordsAndTheScopesIdentifyAndEmail() {
        Upstream u = DiscordProvider.discord("id", "secret");
        assertEquals("https://discord.com/oauth2/authorize", u.upstreamAuthorizationEndpoint());
        assertEquals("https://discord.com/api/oauth2/token", u.upstreamTokenEndpoint());
        assertEquals("https://discord.com/api/oauth2/token/revoke", u.upstreamRevocationEndpoint());
        assertEquals("basic", u.upstreamTokenEndpointAuthMethod());
        assertEquals("Discord", u.upstreamName());
        assertEquals(null, u.upstreamIssuer(), "Discord sends no ID token to verify");
        assertEquals("https://discord.com/api/v10", DiscordProvider.API_BASE_URL);
        DiscordProvider provider = DiscordProvider.builder("id", "secret").build();
        assertEquals(List.of("identify", "email"), provider.scopesSupported());
        assertTrue(provider.toString().contains("upstream=https://discord.com/oauth2/authorize"), provider.toString());
        assertFalse(provider.toString().contains("secret"), "the client secret is never printed");
    }

    @Test
    void avatarsAreTheUploadedOneElseDiscordsDefaultForTheAccount() {
        assertEquals("https://cdn.discordapp.com/avatars/1/abc.png", DiscordSession.avatarUrl("1", "abc", "0"));
        assertEquals("https://cdn.discordapp.com/avatars/1/a_abc.gif", DiscordSession.avatarUrl("1", "a_abc", "0"));
        // unique usernames: (id >> 22) % 6; legacy discriminators: discriminator % 5
        assertEquals("https://cdn.discordapp.com/embed/avatars/" + ((80351110224678912L >> 22) % 6) + ".png",
                DiscordSession.avatarUrl("80351110224678912", null, "0"));
        assertEquals("https://cdn.discordapp.com/embed/avatars/2.png",
                DiscordSession.avatarUrl("80351110224678912", null, "1337"));
    }

    @Test
    void badConfigurationIsRefusedSayingWhatToChange() {
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> DiscordProvider.builder(" ", "secret").build());
        assertTrue(id.getMessage().contains("client id is missing"), id.getMessage());
        assertTrue(id.getMessage().contains("Discord Developer Portal"), id.getMessage());
        IllegalArgumentException secret = assertThrows(IllegalArgumentException.class,
                () -> DiscordProvider.builder("id", null).build());
        assertTrue(secret.getMessage().contains("client secret is missing"), secret.getMessage());
        IllegalArgumentException api = assertThrows(IllegalArgumentException.class,
                () -> DiscordProvider.builder("id", "secret").apiBaseUrl("http://discord.example.com/api").build());
        assertTrue(api.getMessage().contains("apiBaseUrl must be an https URL"), api.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> DiscordProvider.builder("id", "secret").extraAuthorizationParams(Map.of("scope", "bot")).build());
        assertTrue(reserved.getMessage().contains("scope"), reserved.getMessage());
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
