package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.TaskSupport;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.proxy.MachineClient;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fixture for the OAuth proxy interop tests with the official TypeScript SDK client and the Java SDK's client
 * of MCP 2026-07-28 ({@code .ci/oauth-interop.sh}): an MCP server behind an {@link OAuthProxy} in front of an
 * OAuth 2.0 / OIDC identity provider (in CI, oauth2-mock-server). Consent is on, so the client's browser sees the
 * consent page. With the variables {@code MACHINE_CLIENT_*} set, it also serves machine clients through the
 * client-credentials grant (the MCP extension {@code io.modelcontextprotocol/oauth-client-credentials}).
 *
 * <p>Environment:
 * <ul>
 *   <li>{@code UPSTREAM_AUTHORIZATION_ENDPOINT}, {@code UPSTREAM_TOKEN_ENDPOINT}: the identity provider's endpoints;
 *   <li>{@code UPSTREAM_CLIENT_ID}, {@code UPSTREAM_CLIENT_SECRET}: this server's client at the identity provider;
 *   <li>{@code OAUTH_PROXY_SECRET}: the secret the proxy's signing, storage and consent keys are derived from,
 *       random key material ({@code openssl rand -hex 32});
 *   <li>{@code UPSTREAM_SCOPES} (optional): the scopes offered to clients and asked of the upstream,
 *       space-separated (default {@value #DEFAULT_SCOPES});
 *   <li>{@code FASTMCP_CIMD_ALLOWED}, {@code FASTMCP_DEV_INSECURE_CIMD} (optional): which client metadata documents
 *       are accepted, as every example with an OAuth proxy reads them ({@link Env#clients}); CI accepts documents
 *       it serves on this machine, from one URL prefix only;
 *   <li>{@code MACHINE_CLIENT_SECRET} (optional): the secret of the machine client {@code interop-report}, at least
 *       32 characters ({@code openssl rand -hex 32}); it authenticates with it ({@code client_secret_basic}, or
 *       {@code client_secret_post}) and is allowed no scope: the tools that need none;
 *   <li>{@code MACHINE_CLIENT_JWKS} (optional): the path of a file holding the public JWK set
 *       ({@code {"keys": [...]}}) of the machine client {@code interop-deploy}, which signs RFC 7523 assertions with
 *       the matching private key ({@code private_key_jwt}) and is allowed {@value #WRITE_SCOPE}.
 * </ul>
 * Without either, the client-credentials grant is off. An invalid secret or key set stops the fixture with a message.
 *
 * <p>Several instances behind a load balancer ({@code .ci/scale-out.sh}) share their state through the variables
 * every example with an OAuth proxy reads ({@link Env#configure}): {@code REDIS_URL} (and optionally
 * {@code REDIS_KEY_PREFIX}) with the same {@code OAUTH_PROXY_SECRET} on each; {@code FASTMCP_BASE_URL} set to the
 * load balancer's URL on each. With {@code REDIS_URL} its sessions of MCP 2025-11-25 and earlier are shared too
 * ({@link Env#sessions}): any instance serves any session, and a client's answer to {@code greet}'s question
 * reaches the instance that asked.
 *
 * <p>Tools: for any authenticated caller, {@code whoami} (the subject of the caller's session), {@code echo}
 * (returns its {@code text} argument) and {@code greet} (asks the user's name through the client, form-mode
 * elicitation: an input-required round trip in MCP 2026-07-28), {@code countdown} (a task of the tasks extension for
 * a client that declares it, shared by the instances with {@code REDIS_URL}, {@link Env#tasks}); {@code write-note}
 * needs the scope
 * {@value #WRITE_SCOPE}, and is listed to every caller, so that a token without that scope gets the 403 step-up.
 *
 * <p>Listens on {@code FASTMCP_HOST:FASTMCP_PORT} (default {@code 127.0.0.1:8080}), at the base URL
 * {@code FASTMCP_BASE_URL} (default: its loopback address), until killed.
 */
public final class OAuthInteropServer {

    /** The scope {@code write-note} needs; offered by default, so a client can step up to it. */
    public static final String WRITE_SCOPE = "notes:write";

    /** The scopes offered to clients, and asked of the upstream, when {@code UPSTREAM_SCOPES} is unset. */
    public static final String DEFAULT_SCOPES = "openid profile " + WRITE_SCOPE;

    private static final Map<String, Object> NAME_FORM = Map.of("type", "object",
            "properties", Map.of("name", Map.of("type", "string", "description", "Your name")),
            "required", List.of("name"));

    private OAuthInteropServer() {
    }

    /** The arguments of {@code echo}. */
    record Echo(String text) {
    }

    /** The arguments of {@code countdown}. */
    record Countdown(int seconds) {
    }

    /** The arguments of {@code write-note}. */
    record Note(String text) {
    }

    /**
     * Describes the fixture (not started) in front of the given identity provider, with these machine clients (none:
     * the client-credentials grant off).
     */
    public static FastMCP create(String authorizationEndpoint, String tokenEndpoint, String clientId,
            String clientSecret, String secret, List<MachineClient> machines, String... scopes) {
        OAuthProxy proxy = OAuthProxy.builder(Upstream.of(authorizationEndpoint, tokenEndpoint, clientId, clientSecret))
                .scopes(scopes)
                .claimsAndConsent(c -> c.consentRequired(true))
                .clients(Env::clients)
                .clients(c -> c.clientCredentials(machines))
                .keysAndStorage(Env::configure)
                .secret(secret)
                .build();

        return FastMCP.builder("fastmcp-oauth-interop", "1.0.0")
                .sessions(Env::sessions)
                .tasks(Env::tasks)
                .auth(proxy)
                .addTool(Tool.builder("whoami")
                        .description("The subject of the caller's session")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> ctx.auth().subject())
                        .build())
                .addTool(Tool.builder("echo")
                        .description("Returns its text argument")
                        .parameters(Echo.class)
                        .canAccess(requireAuth())
                        .execute((in, ctx) -> in.text())
                        .build())
                .addTool(Tool.builder("greet")
                        .description("Asks the user's name and greets them")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            McpSchema.ElicitResult answer = ctx.elicit("What is your name?", NAME_FORM);
                            Object name = answer.content() == null ? null : answer.content().get("name");
                            return answer.action() == McpSchema.ElicitResult.Action.ACCEPT && name != null
                                    ? "Hello, " + name + " (" + ctx.auth().subject() + ")"
                                    : "No name given (" + answer.action() + ")";
                        })
                        .build())
                .addTool(Tool.builder("countdown")
                        .description("Counts down from seconds (1 to 60), a status message each second; runs as a "
                                + "task for a client of the tasks extension")
                        .parameters(Countdown.class)
                        .taskSupport(TaskSupport.OPTIONAL)
                        .canAccess(requireAuth())
                        .execute((in, ctx) -> {
                            int seconds = Math.max(1, Math.min(60, in.seconds()));
                            for (int left = seconds; left > 0; left--) {
                                ctx.reportProgress(seconds - left, (double) seconds, left + " seconds left");
                                Thread.sleep(1000);
                            }
                            return "liftoff for " + ctx.auth().subject();
                        })
                        .build())
                .addTool(Tool.builder("write-note")
                        .description("Saves a note; needs the scope " + WRITE_SCOPE)
                        .parameters(Note.class)
                        .canAccess(requireScopes(WRITE_SCOPE))
                        .execute((in, ctx) -> "saved for " + ctx.auth().subject())
                        .build())
                .build();
    }

    /**
     * The machine clients from {@code MACHINE_CLIENT_SECRET} and {@code MACHINE_CLIENT_JWKS}, each only when its
     * variable is set.
     *
     * @throws IOException when the file named by {@code MACHINE_CLIENT_JWKS} cannot be read
     * @throws IllegalArgumentException for a secret shorter than 32 characters, or a file that is not a public JWK set
     */
    static List<MachineClient> machineClients() throws IOException {
        List<MachineClient> machines = new ArrayList<>();
        String secret = System.getenv("MACHINE_CLIENT_SECRET");
        if (secret != null && !secret.isBlank()) {
            // A scheduled job with a shared secret: the tools that need no scope.
            machines.add(MachineClient.withSecret("interop-report", secret));
        }
        String jwksFile = System.getenv("MACHINE_CLIENT_JWKS");
        if (jwksFile != null && !jwksFile.isBlank()) {
            // A service that signs each token request with its private key; the server holds its public keys only.
            machines.add(MachineClient.withPublicKeys("interop-deploy", Files.readString(Path.of(jwksFile)))
                    .scopes(WRITE_SCOPE));
        }
        return machines;
    }

    /** Starts the fixture configured from the environment. */
    public static void main(String[] args) {
        String scopes = System.getenv("UPSTREAM_SCOPES");
        String[] scopeList = Arrays.stream((scopes == null || scopes.isBlank() ? DEFAULT_SCOPES : scopes).trim()
                .split("\\s+")).toArray(String[]::new);
        List<MachineClient> machines;
        try {
            machines = machineClients();
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("MACHINE_CLIENT_SECRET, MACHINE_CLIENT_JWKS: " + (e instanceof IOException
                    ? "cannot read the JWK set file: " + e : e.getMessage()));
            System.exit(2);
            return;
        }
        Env.requireAll("UPSTREAM_AUTHORIZATION_ENDPOINT", "UPSTREAM_TOKEN_ENDPOINT", "UPSTREAM_CLIENT_ID",
                "UPSTREAM_CLIENT_SECRET", "OAUTH_PROXY_SECRET");
        FastMCP server = create(
                System.getenv("UPSTREAM_AUTHORIZATION_ENDPOINT"),
                System.getenv("UPSTREAM_TOKEN_ENDPOINT"),
                System.getenv("UPSTREAM_CLIENT_ID"),
                System.getenv("UPSTREAM_CLIENT_SECRET"),
                System.getenv("OAUTH_PROXY_SECRET"),
                machines,
                scopeList);
        if (!machines.isEmpty()) {
            System.err.println("oauth-interop: the client-credentials grant is on for "
                    + machines.stream().map(MachineClient::toString).toList());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "oauth-interop-shutdown"));
        server.start();
        System.err.println("oauth-interop: MCP server at " + server.url());
    }
}
