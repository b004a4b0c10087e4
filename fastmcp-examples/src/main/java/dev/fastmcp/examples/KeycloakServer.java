package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.KeycloakProvider;
import dev.fastmcp.providers.KeycloakSession;

/**
 * Sign-in with a Keycloak realm. In the Keycloak admin console (Clients, Create client) create an OpenID Connect
 * client with client authentication on and the standard flow, add {@code <base URL>/oauth/callback} as a valid
 * redirect URI, then set {@code KEYCLOAK_REALM_URL} (such as {@code https://sso.example.com/realms/main}),
 * {@code KEYCLOAK_CLIENT_ID}, {@code KEYCLOAK_CLIENT_SECRET} (the client's Credentials tab) and, for keys that
 * survive a restart, {@code OAUTH_PROXY_SECRET}.
 */
public final class KeycloakServer {

    private KeycloakServer() {
    }

    public static FastMCP create(KeycloakProvider keycloak) {
        return FastMCP.builder("keycloak", "1.0.0")
                .auth(keycloak)
                .addTool(Tool.builder("whoami")
                        .description("The Keycloak user of the caller and their roles")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            KeycloakSession me = getAuthSession(ctx, KeycloakSession.class);
                            return me.username() + " <" + me.email() + ">, realm roles " + me.realmRoles()
                                    + ", client roles " + me.clientRoles();
                        })
                        .build())
                .addTool(Tool.builder("admin-report")
                        .description("Only for users with the realm role 'admin'")
                        .canAccess(requireRole("admin"))
                        .execute((args, ctx) -> "All systems nominal")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("KEYCLOAK_REALM_URL", "KEYCLOAK_CLIENT_ID", "KEYCLOAK_CLIENT_SECRET");
        KeycloakProvider.Builder keycloak = KeycloakProvider.builder(System.getenv("KEYCLOAK_REALM_URL"),
                System.getenv("KEYCLOAK_CLIENT_ID"), System.getenv("KEYCLOAK_CLIENT_SECRET"));
        keycloak.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(keycloak.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "keycloak-shutdown"));
        Env.printCallback("keycloak", server);
    }
}
