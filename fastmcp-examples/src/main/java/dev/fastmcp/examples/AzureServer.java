package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.AzureProvider;
import dev.fastmcp.providers.AzureSession;

/**
 * Sign-in with Microsoft Entra ID (Azure AD). In the Azure portal (App registrations, New registration) add a
 * "Web" redirect URI {@code <base URL>/oauth/callback}, create a client secret, and set {@code AZURE_CLIENT_ID},
 * {@code AZURE_CLIENT_SECRET}, {@code AZURE_TENANT_ID} (a tenant id, or {@code organizations}, {@code consumers},
 * {@code common}) and, for keys that survive a restart, {@code OAUTH_PROXY_SECRET}.
 */
public final class AzureServer {

    private AzureServer() {
    }

    public static FastMCP create(AzureProvider azure) {
        return FastMCP.builder("azure", "1.0.0")
                .auth(azure)
                .addTool(Tool.builder("whoami")
                        .description("The Microsoft account of the caller")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            AzureSession me = getAuthSession(ctx, AzureSession.class);
                            return me.name() + " <" + me.upn() + ">, tenant " + me.tid();
                        })
                        .build())
                .addTool(Tool.builder("admin-report")
                        .description("Only for users with the app role 'admin'")
                        .canAccess(requireRole("admin"))
                        .execute((args, ctx) -> "All systems nominal")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID");
        AzureProvider.Builder azure = AzureProvider.builder(
                        System.getenv("AZURE_CLIENT_ID"), System.getenv("AZURE_CLIENT_SECRET"))
                .tenant(System.getenv("AZURE_TENANT_ID"));
        azure.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(azure.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "azure-shutdown"));
        Env.printCallback("azure", server);
    }
}
