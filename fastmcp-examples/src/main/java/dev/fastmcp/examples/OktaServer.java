package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.OktaProvider;
import dev.fastmcp.providers.OktaSession;

/**
 * Sign-in with Okta. In the Okta Admin Console (Applications, Create App Integration) create an OIDC Web
 * Application with the Authorization Code and Refresh Token grant types and {@code <base URL>/oauth/callback} as
 * a sign-in redirect URI, assign it to its users, then set {@code OKTA_DOMAIN} (such as
 * {@code https://dev-123.okta.com}), {@code OKTA_CLIENT_ID}, {@code OKTA_CLIENT_SECRET}, optionally
 * {@code OKTA_AUTHORIZATION_SERVER} (a custom authorization server's id, such as {@code default}; unset, the org
 * authorization server) and, for keys that survive a restart, {@code OAUTH_PROXY_SECRET}.
 */
public final class OktaServer {

    private OktaServer() {
    }

    public static FastMCP create(OktaProvider okta) {
        return FastMCP.builder("okta", "1.0.0")
                .auth(okta)
                .addTool(Tool.builder("whoami")
                        .description("The Okta user of the caller and their groups")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            OktaSession me = getAuthSession(ctx, OktaSession.class);
                            return me.name() + " <" + me.email() + ">, groups " + me.groups();
                        })
                        .build())
                .addTool(Tool.builder("admin-report")
                        .description("Only for members of the Okta group 'mcp-admins' (needs a groups claim)")
                        .canAccess(requireRole("mcp-admins"))
                        .execute((args, ctx) -> "All systems nominal")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("OKTA_DOMAIN", "OKTA_CLIENT_ID", "OKTA_CLIENT_SECRET");
        OktaProvider.Builder okta = OktaProvider.builder(System.getenv("OKTA_DOMAIN"),
                System.getenv("OKTA_CLIENT_ID"), System.getenv("OKTA_CLIENT_SECRET"));
        String authorizationServer = System.getenv("OKTA_AUTHORIZATION_SERVER");
        if (authorizationServer != null && !authorizationServer.isBlank()) {
            okta.authorizationServer(authorizationServer);
        }
        okta.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(okta.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "okta-shutdown"));
        Env.printCallback("okta", server);
    }
}
