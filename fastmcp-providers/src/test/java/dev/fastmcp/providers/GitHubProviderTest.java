package dev.fastmcp.providers;

import static dev.fastmcp.Auth.requireAuth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Auth;
import dev.fastmcp.Tool;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link GitHubProvider} against a local server shaped like GitHub. */
@Timeout(120)
class GitHubProviderTest {

    private FakeGitHub github;
    private SignInHarness h;
    private GitHubProvider provider;

    @BeforeEach
    void start() throws Exception {
        github = new FakeGitHub();
        provider = GitHubProvider.builder(FakeGitHub.CLIENT_ID, FakeGitHub.CLIENT_SECRET)
                .webBaseUrl(github.base())
                .apiBaseUrl(github.base() + "/api/v3")
                .secret("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=")
                .build();
        h = new SignInHarness(provider, Tool.builder("github").description("The caller on GitHub")
                .canAccess(requireAuth())
                .execute((args, ctx) -> {
                    GitHubSession s = Auth.getAuthSession(ctx, GitHubSession.class);
                    return s.subject() + "|" + s.login() + "|" + s.id() + "|" + s.name() + "|" + s.email() + "|"
                            + s.upstreamTokens().accessToken();
                }).build());
    }

    @AfterEach
    void stop() {
        h.close();
        github.close();
    }

    @Test
    void fullFlowFillsTheGitHubSessionFromTheUserApi() throws Exception {
        SignInHarness.SignIn s = h.signIn(h.register(), "read:user user:email");

        assertEquals("read:user user:email", s.upstreamQuery().get("scope"));
        assertEquals(FakeGitHub.CLIENT_ID, s.upstreamQuery().get("client_id"));
        assertNotNull(s.upstreamQuery().get("code_challenge"), "PKCE upstream too");
        FakeGitHub.Seen token = github.last("/login/oauth/access_token");
        assertEquals("application/json", token.header("Accept"), "GitHub answers a form unless asked for JSON");
        assertEquals(FakeGitHub.CLIENT_SECRET, token.params().get("client_secret"), "credentials in the form");
        FakeGitHub.Seen user = github.last("/api/v3/user");
        assertEquals("application/vnd.github+json", user.header("Accept"));
        assertEquals("2022-11-28", user.header("X-GitHub-Api-Version"));

        String[] fields = h.callTool(s.accessToken(), "github").split("\\|");
        assertEquals("583231", fields[0], "the subject is the numeric id, which survives a rename");
        assertEquals("octocat", fields[1]);
        assertEquals("583231", fields[2]);
        assertEquals("The Octocat", fields[3]);
        assertEquals("octocat@example.com", fields[4], "the primary verified address of /user/emails");
        assertTrue(fields[5].startsWith("gho_"), "tools get GitHub's token");
        assertEquals(fields[5], provider.loadUpstreamTokens(s.accessToken()).accessToken());
        assertNull(provider.loadUpstreamTokens(s.accessToken()).expiresAt(), "GitHub gave no expiry");
        assertTrue(!s.tokens().toString().contains(fields[5]), "the client never sees GitHub's token");
    }

    @Test
    void aTokenThatNeverExpiresIsRecheckedAtEachRefreshAndARevokedOneEndsTheGrant() throws Exception {
        String clientId = h.register();
        SignInHarness.SignIn s = h.signIn(clientId, "read:user user:email");
        int callsAtSignIn = github.userCalls.get();

        HttpResponse<String> first = h.refresh(clientId, s.refreshToken());
        assertEquals(200, first.statusCode(), first.body());
        assertEquals(callsAtSignIn + 1, github.userCalls.get(), "the refresh asked GitHub about the token again");
        String access2 = (String) Browser.json(first).get("access_token");
        String refresh2 = (String) Browser.json(first).get("refresh_token");
        assertEquals(200, h.initializeStatus(access2));

        github.revoke(provider.loadUpstreamTokens(access2).accessToken());
        HttpResponse<String> second = h.refresh(clientId, refresh2);
        assertEquals(400, second.statusCode(), second.body());
        assertEquals("invalid_grant", Browser.json(second).get("error"));
        assertTrue(!second.body().contains("Bad credentials"), "GitHub's text never reaches the client");
        assertEquals(401, h.initializeStatus(access2), "the grant's access token stops with it");
    }

    @Test
    void aFailingUserApiRefusesTheSignInWithACleanOAuthError() throws Exception {
        String clientId = h.register();
        github.userStatus = 502;
        SignInHarness.SignIn failed = h.signIn(clientId, "read:user");
        assertTrue(failed.tokens().isEmpty());
        assertEquals("temporarily_unavailable", failed.clientRedirect().get("error"), failed.clientRedirect().toString());
        assertEquals("client-state", failed.clientRedirect().get("state"));
        assertTrue(!failed.clientRedirect().toString().contains("internal-host"), "nothing of GitHub's answer leaks");

        github.userStatus = 401;
        SignInHarness.SignIn refused = h.signIn(clientId, "read:user");
        assertEquals("access_denied", refused.clientRedirect().get("error"), refused.clientRedirect().toString());
    }
}
