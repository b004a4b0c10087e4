package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.RemoteAuthProvider;
import dev.fastmcp.auth.jwt.JWKSVerifier;

/**
 * A server trusting an external authorization server (Keycloak, Auth0, WorkOS AuthKit, ...): tokens are
 * verified against its JWKS. Configure with {@code JWT_ISSUER}, {@code JWT_JWKS_URI}, {@code FASTMCP_BASE_URL}.
 */
public final class JwtServer {

    private JwtServer() {
    }

    public static FastMCP create(String issuer, String jwksUri, String baseUrl) {
        return FastMCP.builder("jwt", "1.0.0")
                .baseUrl(baseUrl)
                .auth(RemoteAuthProvider.builder(
                                JWKSVerifier.builder(jwksUri).issuer(issuer).audience(baseUrl + "/mcp").build())
                        .authorizationServers(issuer)
                        .scopesSupported("notes:read", "notes:write")
                        .build())
                .addTool(Tool.builder("whoami")
                        .description("Who the caller is")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> getAuthSession(ctx).subject())
                        .build())
                .addTool(Tool.builder("write-note")
                        .description("Needs the notes:write scope")
                        .canAccess(requireScopes("notes:write"))
                        .execute((args, ctx) -> "saved")
                        .build())
                .build();
    }

    public static void main(String[] args) {
        String base = Env.baseUrl() != null ? Env.baseUrl() : "http://127.0.0.1:8080";
        Env.requireAll("JWT_ISSUER", "JWT_JWKS_URI");
        FastMCP server = create(System.getenv("JWT_ISSUER"), System.getenv("JWT_JWKS_URI"), base).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    }
}
