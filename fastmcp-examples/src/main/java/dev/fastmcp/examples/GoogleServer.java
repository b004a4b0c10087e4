package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.GoogleProvider;
import dev.fastmcp.providers.GoogleSession;

/**
 * Sign-in with Google. In the Google Cloud console (APIs and services, Credentials) create an OAuth client ID of
 * type "Web application" with {@code <base URL>/oauth/callback} as an authorized redirect URI, then set
 * {@code GOOGLE_CLIENT_ID}, {@code GOOGLE_CLIENT_SECRET} and, for keys that survive a restart,
 * {@code OAUTH_PROXY_SECRET}.
 */
public final class GoogleServer {

    private GoogleServer() {
    }

    public static FastMCP create(GoogleProvider google) {
        return FastMCP.builder("google", "1.0.0")
                .auth(google)
                .addTool(Tool.builder("whoami")
                        .description("The Google account of the caller")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            GoogleSession me = getAuthSession(ctx, GoogleSession.class);
                            return me.name() + " <" + me.email() + ">" + (me.emailVerified() ? "" : " (unverified)");
                        })
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET");
        GoogleProvider.Builder google = GoogleProvider.builder(
                System.getenv("GOOGLE_CLIENT_ID"), System.getenv("GOOGLE_CLIENT_SECRET"));
        google.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(google.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "google-shutdown"));
        Env.printCallback("google", server);
    }
}
