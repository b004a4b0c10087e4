package dev.fastmcp.examples;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Runs one example server: {@code java -jar fastmcp-examples.jar [name]}.
 *
 * <p>Servers listen on {@code http://127.0.0.1:8080/mcp} unless {@code FASTMCP_HOST} or {@code FASTMCP_PORT}
 * say otherwise, and run until killed.
 */
public final class Main {

    /** The example run when no name is given. */
    static final String DEFAULT_EXAMPLE = "quickstart";

    /**
     * Every example, by name, in the order they are listed. Lambdas rather than method references, so that only
     * the example that runs is loaded.
     */
    static final Map<String, Example> EXAMPLES;

    /**
     * The servers our acceptance tests start by name (the conformance suite, the interop tests): runnable like the
     * examples, but not listed, since they show nothing a user should copy.
     */
    static final Map<String, Example> FIXTURES;

    static {
        Map<String, Example> examples = new LinkedHashMap<>();
        examples.put("quickstart", new Example(
                "OAuth-guarded tools behind the OAuth proxy, signing in through a local development identity "
                        + "provider (FASTMCP_BASE_URL, FASTMCP_DEV_IDP_PORT)", args -> QuickstartServer.main(args)));
        examples.put("hello", new Example(
                "A small tour: tools, a resource, a resource template and a prompt", args -> HelloServer.main(args)));
        examples.put("calculator", new Example(
                "The README's first server: one tool with typed arguments", args -> CalculatorServer.main(args)));
        examples.put("annotated", new Example(
                "Tools written as annotated methods of a plain object", args -> AnnotatedServer.main(args)));
        examples.put("apikey", new Example(
                "API keys through the authenticate hook, and canAccess guards (FASTMCP_API_KEY, FASTMCP_ADMIN_KEY)",
                args -> ApiKeyServer.main(args)));
        examples.put("jwt", new Example(
                "Tokens from an external authorization server, verified by JWKS (JWT_ISSUER, JWT_JWKS_URI)",
                args -> JwtServer.main(args)));
        examples.put("google", new Example(
                "Sign-in with Google (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)", args -> GoogleServer.main(args)));
        examples.put("github", new Example(
                "Sign-in with GitHub (GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET)", args -> GitHubServer.main(args)));
        examples.put("azure", new Example(
                "Sign-in with Microsoft Entra ID (AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_TENANT_ID)",
                args -> AzureServer.main(args)));
        examples.put("keycloak", new Example(
                "Sign-in with a Keycloak realm (KEYCLOAK_REALM_URL, KEYCLOAK_CLIENT_ID, KEYCLOAK_CLIENT_SECRET)",
                args -> KeycloakServer.main(args)));
        examples.put("okta", new Example(
                "Sign-in with Okta (OKTA_DOMAIN, OKTA_CLIENT_ID, OKTA_CLIENT_SECRET, optional "
                        + "OKTA_AUTHORIZATION_SERVER)", args -> OktaServer.main(args)));
        examples.put("auth0", new Example(
                "Sign-in with Auth0 (AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET, optional AUTH0_AUDIENCE)",
                args -> Auth0Server.main(args)));
        examples.put("cognito", new Example(
                "Sign-in with an Amazon Cognito user pool (COGNITO_DOMAIN, COGNITO_REGION, COGNITO_USER_POOL_ID, "
                        + "COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET)",
                args -> CognitoServer.main(args)));
        examples.put("workos", new Example(
                "Sign-in with WorkOS AuthKit (WORKOS_AUTHKIT_DOMAIN, WORKOS_CLIENT_ID, WORKOS_CLIENT_SECRET)",
                args -> WorkOSServer.main(args)));
        examples.put("discord", new Example(
                "Sign-in with Discord (DISCORD_CLIENT_ID, DISCORD_CLIENT_SECRET)", args -> DiscordServer.main(args)));
        examples.put("custom-oauth", new Example(
                "OAuthProxy in front of any OAuth 2.0 server (OAUTH_AUTHORIZATION_ENDPOINT, OAUTH_TOKEN_ENDPOINT, "
                        + "OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, OAUTH_SCOPES)",
                args -> CustomOAuthServer.main(args)));
        examples.put("stdio", new Example(
                "The hello server over stdio, for clients that start it themselves", args -> StdioServer.main(args)));
        examples.put("stateless", new Example(
                "Stateless Streamable HTTP: no sessions, any instance answers", args -> StatelessServer.main(args)));
        EXAMPLES = Collections.unmodifiableMap(examples);

        Map<String, Example> fixtures = new LinkedHashMap<>();
        fixtures.put("conformance", new Example(
                "The fixture for the official MCP conformance suite (everything-server)",
                args -> ConformanceServer.main(args)));
        fixtures.put("interop", new Example(
                "The fixture for the TypeScript SDK interop test (INTEROP_READ_TOKEN, INTEROP_WRITE_TOKEN)",
                args -> InteropServer.main(args)));
        fixtures.put("oauth-interop", new Example(
                "The fixture for the OAuth proxy interop test: OAuthProxy in front of an identity provider "
                        + "(UPSTREAM_AUTHORIZATION_ENDPOINT, UPSTREAM_TOKEN_ENDPOINT, UPSTREAM_CLIENT_ID, "
                        + "UPSTREAM_CLIENT_SECRET, OAUTH_PROXY_SECRET)",
                args -> OAuthInteropServer.main(args)));
        FIXTURES = Collections.unmodifiableMap(fixtures);
    }

    private Main() {
    }

    /** One runnable example: what it shows, and its entry point. */
    record Example(String description, EntryPoint entryPoint) {
    }

    /** An example's {@code main}. */
    @FunctionalInterface
    interface EntryPoint {
        void main(String[] args) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? DEFAULT_EXAMPLE : args[0];
        if (name.equals("-h") || name.equals("--help") || name.equals("help")) {
            System.out.print(usage());
            return;
        }
        Example example = EXAMPLES.containsKey(name) ? EXAMPLES.get(name) : FIXTURES.get(name);
        if (example == null) {
            System.err.println("Unknown example '" + name + "'.");
            System.err.print(usage());
            System.exit(2);
            return;
        }
        example.entryPoint().main(args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length));
    }

    /** The list of examples, as printed for {@code --help} and unknown names. */
    static String usage() {
        int width = EXAMPLES.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder("Usage: java -jar fastmcp-examples.jar [example]\n\nExamples:\n");
        EXAMPLES.forEach((name, example) -> out.append("  ").append(name)
                .append(" ".repeat(width - name.length() + 2))
                .append(example.description())
                .append(name.equals(DEFAULT_EXAMPLE) ? " (default)" : "")
                .append('\n'));
        out.append("\nEnvironment: FASTMCP_PORT (default 8080), FASTMCP_HOST (default 127.0.0.1), FASTMCP_BASE_URL "
                + "(the public URL, for servers behind a reverse proxy).\n");
        return out.toString();
    }
}
