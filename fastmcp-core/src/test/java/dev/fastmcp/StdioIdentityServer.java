package dev.fastmcp;

import java.util.List;
import java.util.Map;

/**
 * A server on stdio for {@link StdioIdentityTest}, run in its own JVM, with a tool only an identified caller sees. Its
 * argument says where the session's identity comes from: {@code code} ({@code StartOptions.identity}),
 * {@code hook} (an {@code authenticate} hook checking {@code FASTMCP_STDIO_TOKEN}), {@code provider} (an auth
 * provider's token verifier), {@code none} (no authentication at all).
 */
public final class StdioIdentityServer {

    static final String HOOK_TOKEN = "hook-token-4c1e9a";
    static final String PROVIDER_TOKEN = "provider-token-77b2d0";

    private StdioIdentityServer() {
    }

    public static void main(String[] args) {
        FastMCP.Builder builder = FastMCP.builder("stdio-identity", "1.0.0")
                .addTool(Tool.builder("open").execute((a, ctx) -> "open to " + ctx.auth()).build())
                .addTool(Tool.builder("whoami").canAccess(Auth.requireAuth())
                        .execute((a, ctx) -> Auth.getAuthSession(ctx).subject() + " "
                                + new java.util.TreeSet<>(ctx.auth().scopes()))
                        .build())
                .addTool(Tool.builder("reader").canAccess(Auth.requireScopes("notes:read"))
                        .execute((a, ctx) -> "reads").build());
        StartOptions options = StartOptions.stdio();
        switch (args[0]) {
            case "code" -> options.identity(AuthSession.of("local-user", List.of("notes:read")));
            case "hook" -> builder.authenticate(request -> ("Bearer " + HOOK_TOKEN).equals(
                    request.header("authorization")) ? AuthSession.of("hook-user", List.of("notes:read")) : null);
            case "provider" -> builder.auth(new AuthProvider() {
                @Override
                public TokenVerifier tokenVerifier() {
                    return token -> PROVIDER_TOKEN.equals(token)
                            ? TokenVerification.valid(AuthSession.of("provider-user", "cli", List.of("notes:read"),
                                    Map.of(), null))
                            : TokenVerification.invalid("unknown token");
                }

                @Override
                public List<String> authorizationServers() {
                    return List.of("https://as.example.com");
                }
            });
            case "none" -> {
                // no authentication, no identity
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
        builder.build().start(options);
    }
}
