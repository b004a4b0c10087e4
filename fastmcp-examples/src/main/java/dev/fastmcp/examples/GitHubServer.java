package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.GitHubProvider;
import dev.fastmcp.providers.GitHubSession;

/**
 * Sign-in with GitHub. In GitHub (Settings, Developer settings, OAuth Apps) register an application with
 * {@code <base URL>/oauth/callback} as its authorization callback URL, then set {@code GITHUB_CLIENT_ID},
 * {@code GITHUB_CLIENT_SECRET} and, for keys that survive a restart, {@code OAUTH_PROXY_SECRET}.
 */
public final class GitHubServer {

    private GitHubServer() {
    }

    public static FastMCP create(GitHubProvider github) {
        return FastMCP.builder("github", "1.0.0")
                .auth(github)
                .addTool(Tool.builder("whoami")
                        .description("The GitHub account of the caller")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            GitHubSession me = getAuthSession(ctx, GitHubSession.class);
                            return "@" + me.login() + " (" + me.name() + ")";
                        })
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET");
        GitHubProvider.Builder github = GitHubProvider.builder(
                System.getenv("GITHUB_CLIENT_ID"), System.getenv("GITHUB_CLIENT_SECRET"));
        github.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(github.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "github-shutdown"));
        Env.printCallback("github", server);
    }
}
