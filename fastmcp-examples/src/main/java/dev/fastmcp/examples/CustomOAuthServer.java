package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.AuthSession;
import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An MCP server behind an {@link OAuthProxy} in front of any OAuth 2.0 server (SAP, Okta, Auth0, Keycloak, ...).
 *
 * <p>Environment: {@code OAUTH_AUTHORIZATION_ENDPOINT}, {@code OAUTH_TOKEN_ENDPOINT}, {@code OAUTH_CLIENT_ID},
 * {@code OAUTH_CLIENT_SECRET}, optionally {@code OAUTH_SCOPES} (space-separated), {@code OAUTH_PROXY_SECRET} (keys
 * that survive a restart), {@code OAUTH_STORAGE_DIR} (clients and tokens kept on disk, encrypted) and
 * {@code FASTMCP_BASE_URL} (the public URL; register {@code <base>/oauth/callback} as the redirect URI at the
 * identity provider).
 */
public final class CustomOAuthServer {

    private CustomOAuthServer() {
    }

    /** The tools of the custom-oauth example, behind {@code auth}. */
    public static FastMCP create(OAuthProxy auth) {
        return FastMCP.builder("custom-oauth", "1.0.0")
                .sessions(Env::sessions)
                .tasks(Env::tasks)
                .requestState(Env::requestState)
                .auth(auth)
                .addTool(Tool.builder("whoami")
                        .description("The subject, scopes and claims this server sees for the caller")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            AuthSession session = getAuthSession(ctx);
                            Map<String, Object> me = new LinkedHashMap<>();
                            me.put("subject", session.subject());
                            me.put("scopes", session.scopes());
                            me.put("claims", session.claims());
                            return me;
                        })
                        .build())
                .addTool(Tool.builder("admin-report")
                        .description("Only for callers with the admin role")
                        .canAccess(requireRole("admin"))
                        .execute((args, ctx) -> "All systems nominal")
                        .build())
                .addTool(Tool.builder("write-note")
                        .description("Needs the notes:write scope")
                        .canAccess(requireScopes("notes:write"))
                        .execute((args, ctx) -> "Note saved")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("OAUTH_AUTHORIZATION_ENDPOINT", "OAUTH_TOKEN_ENDPOINT", "OAUTH_CLIENT_ID",
                "OAUTH_CLIENT_SECRET");
        List<String> scopes = Env.list("OAUTH_SCOPES");
        OAuthProxy.Builder proxy = OAuthProxy.builder(Upstream.of(System.getenv("OAUTH_AUTHORIZATION_ENDPOINT"),
                        System.getenv("OAUTH_TOKEN_ENDPOINT"), System.getenv("OAUTH_CLIENT_ID"),
                        System.getenv("OAUTH_CLIENT_SECRET")))
                .scopes(scopes);
        // Keys, storage and the clients' policy from the environment, as every example with a proxy reads them.
        proxy.keysAndStorage(Env::configure).clients(Env::clients);
        FastMCP server = create(proxy.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "custom-oauth-shutdown"));
        Env.printCallback("custom-oauth", server);
    }
}
