package dev.fastmcp.ci.modern;

import static dev.fastmcp.ci.modern.Checks.require;

import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.McpSyncElicitationHandler;
import io.modelcontextprotocol.modern.client.transport.McpHttpStatusException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The official Java SDK's client of MCP 2026-07-28 signs in through the fastmcp-java "oauth-interop" example, an
 * OAuth proxy in front of a real upstream identity provider. Run by {@code .ci/oauth-interop.sh} after the
 * TypeScript test, against the same server and upstream; it sets {@code OAUTH_INTEROP_MCP_URL},
 * {@code OAUTH_INTEROP_UPSTREAM_ISSUER} and {@code OAUTH_INTEROP_UPSTREAM_SUBJECT} (the upstream's default user).
 *
 * <p>The SDK client drives the sign-in: its authorization error handler answers the 401 by walking the OAuth flow
 * ({@link OAuthFlow}) in a {@link Browser} that approves on the consent page, and the SDK retries with the token.
 * Then: the tools, the 403 step-up and a step-up sign-in, an input-required round through the SDK's elicitation
 * handler, and, over plain HTTP ({@link RawModern}), a {@code requestState} that was altered, that belongs to
 * another user, or to the same user through another registered client, each refused with -32602. The second user
 * signs in from a browser that carries the upstream's {@code upstream_user} cookie (see upstream.mjs).
 *
 * <p>Prints one PASS or FAIL line per check and a closing count; exits 1 on any failure. Tokens, codes, cookies
 * and client ids are never printed.
 */
public final class ModernClientOAuth {

    static final String MODERN = "2026-07-28";
    /** The first sign-in asks for no more than it needs to list and call the tools: write-note is a step-up. */
    static final String FIRST_SCOPE = "openid profile";
    static final String WRITE_SCOPE = "notes:write";
    static final Set<String> TOOLS = Set.of("countdown", "echo", "greet", "whoami", "write-note");
    static final String SECOND_USER = "oauth-interop-second-user";
    static final String NAME = "Ada Lovelace";

    /** Every MCP-Protocol-Version header the SDK clients sent, to show that they spoke only the new revision. */
    private static final Set<String> SENT_VERSIONS = ConcurrentHashMap.newKeySet();

    private ModernClientOAuth() {
    }

    public static void main(String[] args) {
        URI endpoint = URI.create(env("OAUTH_INTEROP_MCP_URL"));
        URI upstream = URI.create(env("OAUTH_INTEROP_UPSTREAM_ISSUER"));
        String firstUser = System.getenv().getOrDefault("OAUTH_INTEROP_UPSTREAM_SUBJECT", "oauth-interop-user");
        Checks checks = new Checks("java-modern-oauth");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        OAuthFlow flow = new OAuthFlow(http, endpoint, checks);
        RawModern raw = new RawModern(http, endpoint, MODERN);
        checks.print("java-modern-oauth: server " + endpoint + ", upstream " + upstream);

        List<McpSchema.ElicitFormRequest> asked = Collections.synchronizedList(new ArrayList<>());
        McpSyncElicitationHandler<McpSchema.ElicitFormRequest> answerName = request -> {
            asked.add(request);
            return McpSchema.ElicitResult.accept(Map.of("name", NAME));
        };
        OAuthUser.App app = new OAuthUser.App(flow, "fastmcp-java-modern-client");
        Browser firstBrowser = new Browser("browser-1", http, checks);
        OAuthUser first = new OAuthUser(app, firstBrowser, FIRST_SCOPE);
        McpSyncClient anonymous = Sdk.client(endpoint, null, SENT_VERSIONS);
        McpSyncClient client = first.client(endpoint, false, answerName, SENT_VERSIONS);

        checks.print("\n---- without a token");
        checks.check("no token: server/discover is refused with 401 and a challenge naming resource_metadata",
                () -> unauthorized(Sdk.refusal(anonymous::discover)));
        checks.check("no token: tools/list is refused with 401 and a challenge naming resource_metadata",
                () -> unauthorized(Sdk.refusal(() -> anonymous.tools().list())));

        checks.print("\n---- the SDK client signs in through the proxy (its authorization error handler)");
        checks.check("server/discover: 401, the handler signs in, the SDK retries with the token and lists " + MODERN,
                () -> {
                    McpSchema.DiscoverResult discovered = client.discover();
                    require(discovered.supportedVersions() != null && discovered.supportedVersions().contains(MODERN),
                            "supportedVersions: " + discovered.supportedVersions());
                    require(first.signIns().size() == 1, "sign-ins: " + first.signIns().size());
                    return "supportedVersions=" + discovered.supportedVersions();
                });
        checks.check("protected resource metadata names the MCP URL; its authorization server is this server", () -> {
            OAuthFlow.Discovery d = app.discovery();
            require(d != null, "no sign-in happened");
            return "resource=" + d.resource().get("resource") + " authorization_servers="
                    + d.resource().get("authorization_servers") + " scopes_supported="
                    + d.resource().get("scopes_supported");
        });
        checks.check("authorization server metadata: issuer, endpoints on the server's origin, S256, iss parameter",
                () -> {
                    OAuthFlow.Discovery d = app.discovery();
                    require(d != null, "no sign-in happened");
                    require(Boolean.TRUE.equals(d.server().get("authorization_response_iss_parameter_supported")),
                            "authorization_response_iss_parameter_supported: "
                                    + d.server().get("authorization_response_iss_parameter_supported"));
                    return "issuer=" + d.issuer() + " registration_endpoint=" + d.server().get("registration_endpoint");
                });
        checks.check("dynamic client registration: a public client with a loopback redirect URI", () -> {
            require(app.client() != null, "no client");
            return "client_id=" + checks.secret(app.client().clientId()) + " redirect_uri=" + OAuthFlow.REDIRECT_URI;
        });
        checks.check("browser: consent page, approve, upstream /authorize, proxy callback, the app's redirect URI with "
                + "state and iss", () -> browserPath(first, endpoint, upstream));
        checks.check("the token holds the scopes asked for, " + FIRST_SCOPE, () -> {
            require(first.tokens() != null, "no tokens");
            require(first.tokens().scopes().equals(Set.of(FIRST_SCOPE.split(" "))),
                    "scope: " + first.tokens().scopes());
            return "scope=" + String.join(" ", first.tokens().scopes());
        });

        checks.print("\n---- with the token");
        checks.check("tools/list: " + String.join(", ", new TreeSet<>(TOOLS)) + " (write-note listed for a step-up)",
                () -> {
                    Set<String> names = client.tools().list().tools().stream().map(McpSchema.Tool::name)
                            .collect(Collectors.toCollection(TreeSet::new));
                    require(names.equals(TOOLS), "tools: " + names);
                    return String.join(" ", names);
                });
        checks.check("tools/call whoami: the upstream user's subject", () -> {
            String text = Sdk.text(client.tool("whoami").call());
            require(text.equals(firstUser), "whoami: " + text);
            return text;
        });
        checks.check("tools/call echo", () -> {
            String text = Sdk.text(client.tool("echo").arguments(Map.of("text", "through the proxy")).call());
            require(text.equals("through the proxy"), "echo: " + text);
            return text;
        });
        checks.check("tools/call write-note without " + WRITE_SCOPE + ": 403 insufficient_scope naming every scope "
                + "the call needs", () -> {
                    McpHttpStatusException refused = Sdk.refusal(
                            () -> client.tool("write-note").arguments(Map.of("text", "a note")).call());
                    require(refused.statusCode() == 403,
                            "status " + refused.statusCode() + ", body: " + refused.body());
                    Challenge challenge = Challenge.parse(
                            refused.headers().firstValue("WWW-Authenticate").orElse(null));
                    require("insufficient_scope".equals(challenge.get("error")), "error in: " + challenge.header());
                    Set<String> needed = Set.of("openid", "profile", WRITE_SCOPE);
                    require(challenge.scopes().equals(needed), "scope " + challenge.scopes() + " is not what the "
                            + "token holds plus what the call needs, " + needed + ": " + challenge.header());
                    require(challenge.get("resource_metadata") != null,
                            "no resource_metadata in: " + challenge.header());
                    require(first.refusals().size() == 1, "the handler saw " + first.refusals().size() + " 403s");
                    return "403 scope=\"" + challenge.get("scope") + "\"";
                });
        checks.check("step-up: a client whose handler signs in again with the challenge's scope; write-note served",
                () -> {
                    McpSyncClient stepUp = first.client(endpoint, true, null, SENT_VERSIONS);
                    String text = Sdk.text(stepUp.tool("write-note").arguments(Map.of("text", "a note")).call());
                    require(text.equals("saved for " + firstUser), "write-note: " + text);
                    require(first.signIns().size() == 2, "sign-ins: " + first.signIns().size());
                    require(first.tokens().scopes().contains(WRITE_SCOPE), "scope: " + first.tokens().scopes());
                    OAuthFlow.SignIn again = first.signIns().get(1);
                    return text + "; scope=" + String.join(" ", first.tokens().scopes()) + "; consent page "
                            + (again.consentShown() ? "shown again for the new scope" : "not shown");
                });

        checks.print("\n---- an input-required round trip through the SDK client");
        checks.check("tools/call greet: the server asks for a name, the SDK's form elicitation handler answers, the "
                + "SDK retries with the answer and the requestState", () -> {
                    asked.clear();
                    String text = Sdk.text(client.tool("greet").call());
                    require(asked.size() == 1, "the elicitation handler ran " + asked.size() + " times");
                    McpSchema.ElicitFormRequest question = asked.get(0);
                    require("What is your name?".equals(question.message()), "message: " + question.message());
                    require(String.valueOf(question.requestedSchema().get("required")).contains("name"),
                            "requestedSchema: " + question.requestedSchema());
                    require(text.equals("Hello, " + NAME + " (" + firstUser + ")"), "greet: " + text);
                    return text;
                });

        checks.print("\n---- requestState over plain HTTP: altered, another user's, another client's");
        AtomicReference<String> firstState = new AtomicReference<>();
        Supplier<String> state = () -> {
            require(firstState.get() != null, "no requestState from the first round");
            return firstState.get();
        };
        checks.check("first round of greet: input_required with a requestState", () -> {
            RawModern.Reply reply = raw.callTool(first.accessToken(), "greet", null, null);
            Map<String, Object> result = reply.result();
            require("input_required".equals(result.get("resultType")), "result: " + result);
            require(result.get("inputRequests") instanceof Map<?, ?> m && m.containsKey("input_1"),
                    "inputRequests: " + result.get("inputRequests"));
            require(result.get("requestState") instanceof String s && !s.isEmpty(), "no requestState: " + result);
            firstState.set((String) result.get("requestState"));
            return "HTTP " + reply.status() + ", requestState of " + firstState.get().length() + " characters";
        });
        checks.check("a requestState with one byte changed: -32602, not echoed", () -> {
            String altered = alter(state.get());
            return refusedState(raw.callTool(first.accessToken(), "greet", answer(), altered), state.get(), altered);
        });
        OAuthUser second = new OAuthUser(app, new Browser("browser-2", http, checks).signedInUpstream(upstream,
                SECOND_USER), FIRST_SCOPE);
        checks.check("a second user signs in through the same client (another browser, another upstream user)", () -> {
            String text = Sdk.text(second.client(endpoint, false, null, SENT_VERSIONS).tool("whoami").call());
            require(text.equals(SECOND_USER), "whoami: " + text);
            return "whoami=" + text + "; " + browserPath(second, endpoint, upstream);
        });
        checks.check("the first user's requestState sent by the second user: -32602, not echoed", () -> {
            return refusedState(raw.callTool(second.accessToken(), "greet", answer(), state.get()), state.get(), null);
        });
        OAuthUser elsewhere = new OAuthUser(new OAuthUser.App(flow, "fastmcp-java-modern-client-2"), firstBrowser,
                FIRST_SCOPE);
        checks.check("the first user signs in through a second registered client", () -> {
            String text = Sdk.text(elsewhere.client(endpoint, false, null, SENT_VERSIONS).tool("whoami").call());
            require(text.equals(firstUser), "whoami: " + text);
            require(!elsewhere.app().client().clientId().equals(app.client().clientId()), "the same client id");
            return "whoami=" + text + " client_id=" + checks.secret(elsewhere.app().client().clientId());
        });
        checks.check("the first user's requestState through the second client: -32602, not echoed", () -> {
            return refusedState(raw.callTool(elsewhere.accessToken(), "greet", answer(), state.get()), state.get(),
                    null);
        });
        checks.check("the requestState still completes for its own user and client", () -> {
            RawModern.Reply reply = raw.callTool(first.accessToken(), "greet", answer(), state.get());
            Map<String, Object> result = reply.result();
            require("complete".equals(result.get("resultType")), "result: " + result);
            String text = String.valueOf(((Map<?, ?>) ((List<?>) result.get("content")).get(0)).get("text"));
            require(text.equals("Hello, Grace Hopper (" + firstUser + ")"), "text: " + text);
            return text;
        });

        checks.check("every request of the SDK clients carried MCP-Protocol-Version " + MODERN, () -> {
            require(SENT_VERSIONS.equals(Set.of(MODERN)), "sent: " + SENT_VERSIONS);
            return "sent: " + SENT_VERSIONS;
        });
        System.exit(checks.report() ? 0 : 1);
    }

    /** The 401 of a request without a token: a Bearer challenge naming the protected resource metadata. */
    private static String unauthorized(McpHttpStatusException refused) {
        require(refused.statusCode() == 401, "status " + refused.statusCode() + ", body: " + refused.body());
        Challenge challenge = Challenge.parse(refused.headers().firstValue("WWW-Authenticate").orElse(null));
        require(challenge.get("resource_metadata") != null, "no resource_metadata in: " + challenge.header());
        return "401 resource_metadata=" + challenge.get("resource_metadata");
    }

    /** The browser's path through the latest sign-in of {@code user}, a first one: the consent page is shown. */
    private static String browserPath(OAuthUser user, URI endpoint, URI upstream) {
        List<OAuthFlow.SignIn> signIns = user.signIns();
        require(!signIns.isEmpty(), "no sign-in happened");
        OAuthFlow.SignIn signIn = signIns.get(signIns.size() - 1);
        String server = Browser.origin(endpoint);
        List<String> hops = signIn.hops();
        require(signIn.consentShown(), "no consent page: " + signIn.hops());
        int toUpstream = hops.indexOf("GET " + Browser.origin(upstream) + "/authorize -> 302");
        require(toUpstream >= 0, "the browser never went to the upstream's /authorize: " + hops);
        require(hops.subList(toUpstream, hops.size()).contains("GET " + server + "/oauth/callback -> 302"),
                "the upstream did not send the browser back to the proxy's callback: " + hops);
        require(signIn.iss() != null, "no iss in the redirect to the app");
        return String.join(" | ", hops) + " | iss=" + signIn.iss();
    }

    /** The answer to greet's question, as the SDK would send it. */
    private static Map<String, Object> answer() {
        return Map.of("input_1", Map.of("action", "accept", "content", Map.of("name", "Grace Hopper")));
    }

    /** A refusal of a requestState: JSON-RPC -32602, no result, and neither state in the reply. */
    private static String refusedState(RawModern.Reply reply, String original, String sent) {
        Map<String, Object> error = reply.error();
        require(error.get("code") instanceof Number n && n.intValue() == -32602, "error: " + error);
        require(!reply.body().contains(original), "the reply echoes the requestState");
        require(sent == null || !reply.body().contains(sent), "the reply echoes the altered requestState");
        require(!reply.body().contains("Hello"), "the tool ran: " + reply.body());
        return "HTTP " + reply.status() + " " + error.get("code") + " " + error.get("message");
    }

    /** The state with one byte of its decoded form changed (in the middle, inside the sealed part). */
    static String alter(String state) {
        byte[] bytes = Base64.getUrlDecoder().decode(state);
        bytes[bytes.length / 2] ^= 0x01;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("java-modern-oauth: " + name + " is not set");
            System.exit(2);
        }
        return value;
    }
}
