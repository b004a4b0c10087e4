package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.AuthSession;
import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import java.util.List;
import java.util.Map;

/**
 * API keys with the {@code authenticate} hook, and tools guarded by {@code canAccess}. Keys come from
 * {@code FASTMCP_API_KEY} (a user) and {@code FASTMCP_ADMIN_KEY} (an admin); send one as {@code X-API-Key}.
 */
public final class ApiKeyServer {

    private ApiKeyServer() {
    }

    public static FastMCP create(String userKey, String adminKey) {
        return FastMCP.builder("apikey", "1.0.0")
                .authenticate(request -> {
                    String key = request.header("x-api-key");
                    if (adminKey.equals(key)) {
                        return AuthSession.of("admin", null, List.of("notes:read"), Map.of("role", "admin"), null);
                    }
                    return userKey.equals(key) ? AuthSession.of("user", List.of("notes:read")) : null;
                })
                .addTool(Tool.builder("whoami")
                        .description("Who the caller is")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> getAuthSession(ctx).subject())
                        .build())
                .addTool(Tool.builder("admin-report")
                        .description("Only for admins")
                        .canAccess(requireAll(requireAuth(), requireRole("admin")))
                        .execute((args, ctx) -> "All systems nominal")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("FASTMCP_API_KEY", "FASTMCP_ADMIN_KEY");
        FastMCP server = create(System.getenv("FASTMCP_API_KEY"), System.getenv("FASTMCP_ADMIN_KEY")).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
}
