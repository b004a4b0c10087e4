package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.Auth0Provider;
import dev.fastmcp.providers.Auth0Session;

/**
 * Sign-in with Auth0. In the Auth0 Dashboard create a "Regular Web Application" with {@code <base URL>/oauth/callback}
 * in its Allowed Callback URLs and the Refresh Token grant, then set {@code AUTH0_DOMAIN} (such as
 * {@code example.us.auth0.com}), {@code AUTH0_CLIENT_ID}, {@code AUTH0_CLIENT_SECRET}, optionally
 * {@code AUTH0_AUDIENCE} (the identifier of your API, for its permissions) and, for keys that survive a restart,
 * {@code OAUTH_PROXY_SECRET}.
 */
public final class Auth0Server {

    private Auth0Server() {
    }

    public static FastMCP create(Auth0Provider auth0) {
        return FastMCP.builder("auth0", "1.0.0")
                .auth(auth0)
                .addTool(Tool.builder("whoami")
                        .description("The Auth0 user of the caller, and their permissions for the API")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            Auth0Session me = getAuthSession(ctx, Auth0Session.class);
                            return me.name() + " <" + me.email() + ">, permissions " + me.permissions();
                        })
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "AUTH0_CLIENT_SECRET");
        Auth0Provider.Builder auth0 = Auth0Provider.builder(System.getenv("AUTH0_DOMAIN"),
                System.getenv("AUTH0_CLIENT_ID"), System.getenv("AUTH0_CLIENT_SECRET"));
        String audience = System.getenv("AUTH0_AUDIENCE");
        if (audience != null && !audience.isBlank()) {
            auth0.audience(audience);
        }
        auth0.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(auth0.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "auth0-shutdown"));
        Env.printCallback("auth0", server);
    }
}
