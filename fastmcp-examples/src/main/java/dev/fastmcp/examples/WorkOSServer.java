package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.WorkOSProvider;
import dev.fastmcp.providers.WorkOSSession;

/**
 * Sign-in with WorkOS AuthKit through the OAuth proxy. In the WorkOS dashboard (Connect) create an OAuth application
 * with a client secret and {@code <base URL>/oauth/callback} as a redirect URI, then set
 * {@code WORKOS_AUTHKIT_DOMAIN} (such as {@code your-app.authkit.app}), {@code WORKOS_CLIENT_ID},
 * {@code WORKOS_CLIENT_SECRET} and, for keys that survive a restart, {@code OAUTH_PROXY_SECRET}.
 */
public final class WorkOSServer {

    private WorkOSServer() {
    }

    public static FastMCP create(WorkOSProvider workos) {
        return FastMCP.builder("workos", "1.0.0")
                .auth(workos)
                .addTool(Tool.builder("whoami")
                        .description("The WorkOS user of the caller")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            WorkOSSession me = getAuthSession(ctx, WorkOSSession.class);
                            String who = me.firstName() + " " + me.lastName() + " <" + me.email() + ">";
                            return me.organizationId() == null ? who
                                    : who + ", " + me.role() + " in " + me.organizationId();
                        })
                        .build())
                .addTool(Tool.builder("admin-report")
                        .description("Only for users whose WorkOS role is 'admin'")
                        .canAccess(requireRole("admin"))
                        .execute((args, ctx) -> "All systems nominal")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("WORKOS_AUTHKIT_DOMAIN", "WORKOS_CLIENT_ID", "WORKOS_CLIENT_SECRET");
        WorkOSProvider.Builder workos = WorkOSProvider.builder(System.getenv("WORKOS_AUTHKIT_DOMAIN"),
                System.getenv("WORKOS_CLIENT_ID"), System.getenv("WORKOS_CLIENT_SECRET"));
        workos.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(workos.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "workos-shutdown"));
        Env.printCallback("workos", server);
    }
}
