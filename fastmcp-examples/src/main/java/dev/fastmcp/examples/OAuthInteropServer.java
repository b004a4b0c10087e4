package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The fixture for the OAuth proxy interop tests with the official TypeScript SDK client and the Java SDK's client
 * of MCP 2026-07-28 ({@code .ci/oauth-interop.sh}): an MCP server behind an {@link OAuthProxy} in front of an
 * OAuth 2.0 / OIDC identity provider (in CI, oauth2-mock-server). Consent is on, so the client's browser sees the
 * consent page.
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
 *       it serves on this machine, from one URL prefix only.
 * </ul>
 *
 * <p>Tools: for any authenticated caller, {@code whoami} (the subject of the caller's session), {@code echo}
 * (returns its {@code text} argument) and {@code greet} (asks the user's name through the client, form-mode
 * elicitation: an input-required round trip in MCP 2026-07-28); {@code write-note} needs the scope
 * {@value #WRITE_SCOPE}, and is listed to every caller, so that a token without that scope gets the 403 step-up.
 *
 * <p>Listens on {@code FASTMCP_HOST:FASTMCP_PORT} (default {@code 127.0.0.1:8080}) with the default loopback
 * base URL, until killed.
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

    /** The arguments of {@code write-note}. */
    record Note(String text) {
    }

    /** Describes the fixture (not started) in front of the given identity provider. */
    public static FastMCP create(String authorizationEndpoint, String tokenEndpoint, String clientId,
            String clientSecret, String secret, String... scopes) {
        OAuthProxy proxy = OAuthProxy.builder(Upstream.of(authorizationEndpoint, tokenEndpoint, clientId, clientSecret))
                .scopes(scopes)
                .claimsAndConsent(c -> c.consentRequired(true))
                .clients(Env::clients)
                .secret(secret)
                .build();

        return FastMCP.builder("fastmcp-oauth-interop", "1.0.0")
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
                .addTool(Tool.builder("write-note")
                        .description("Saves a note; needs the scope " + WRITE_SCOPE)
                        .parameters(Note.class)
                        .canAccess(requireScopes(WRITE_SCOPE))
                        .execute((in, ctx) -> "saved for " + ctx.auth().subject())
                        .build())
                .build();
    }

    /** Starts the fixture configured from the environment. */
    public static void main(String[] args) {
        String scopes = System.getenv("UPSTREAM_SCOPES");
        String[] scopeList = Arrays.stream((scopes == null || scopes.isBlank() ? DEFAULT_SCOPES : scopes).trim()
                .split("\\s+")).toArray(String[]::new);
        FastMCP server = create(
                Env.require("UPSTREAM_AUTHORIZATION_ENDPOINT"),
                Env.require("UPSTREAM_TOKEN_ENDPOINT"),
                Env.require("UPSTREAM_CLIENT_ID"),
                Env.require("UPSTREAM_CLIENT_SECRET"),
                Env.require("OAUTH_PROXY_SECRET"),
                scopeList);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "oauth-interop-shutdown"));
        server.start();
        System.err.println("oauth-interop: MCP server at " + server.url());
    }
}
