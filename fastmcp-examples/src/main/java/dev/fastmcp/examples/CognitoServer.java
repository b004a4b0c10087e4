package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.CognitoProvider;
import dev.fastmcp.providers.CognitoSession;

/**
 * Sign-in with an Amazon Cognito user pool. In the Amazon Cognito console give the pool a domain and create an app
 * client with a client secret, {@code <base URL>/oauth/callback} as an allowed callback URL and the scopes
 * {@code openid email profile}, then set {@code COGNITO_DOMAIN} (such as
 * {@code https://myapp.auth.eu-west-1.amazoncognito.com}), {@code COGNITO_REGION}, {@code COGNITO_USER_POOL_ID},
 * {@code COGNITO_CLIENT_ID}, {@code COGNITO_CLIENT_SECRET} and, for keys that survive a restart,
 * {@code OAUTH_PROXY_SECRET}.
 */
public final class CognitoServer {

    private CognitoServer() {
    }

    public static FastMCP create(CognitoProvider cognito) {
        return FastMCP.builder("cognito", "1.0.0")
                .auth(cognito)
                .addTool(Tool.builder("whoami")
                        .description("The user pool account of the caller, and their groups")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            CognitoSession me = getAuthSession(ctx, CognitoSession.class);
                            return me.username() + " <" + me.email() + ">, groups " + me.groups();
                        })
                        .build())
                .addTool(Tool.builder("admin-report")
                        .description("Only for members of the group 'admin'")
                        .canAccess(requireRole("admin"))
                        .execute((args, ctx) -> "All systems nominal")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("COGNITO_DOMAIN", "COGNITO_REGION", "COGNITO_USER_POOL_ID", "COGNITO_CLIENT_ID",
                "COGNITO_CLIENT_SECRET");
        CognitoProvider.Builder cognito = CognitoProvider.builder(System.getenv("COGNITO_DOMAIN"),
                        System.getenv("COGNITO_CLIENT_ID"), System.getenv("COGNITO_CLIENT_SECRET"))
                .userPool(System.getenv("COGNITO_REGION"), System.getenv("COGNITO_USER_POOL_ID"));
        cognito.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(cognito.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "cognito-shutdown"));
        Env.printCallback("cognito", server);
    }
}
