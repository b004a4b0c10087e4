package dev.fastmcp.ci.modern;

import static dev.fastmcp.ci.modern.Checks.require;

import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.transport.McpHttpStatusException;
import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The official Java SDK's client for MCP 2026-07-28 against the fastmcp-java "interop" example, a protected
 * resource with two static bearer tokens. Run by {@code .ci/java-modern-client.sh}, which starts the server and
 * sets {@code INTEROP_MCP_URL}, {@code INTEROP_READ_TOKEN} (scope {@code notes:read}) and
 * {@code INTEROP_WRITE_TOKEN} (scopes {@code notes:read notes:write}). Prints one PASS or FAIL line per check
 * and a closing count; exits 1 on any failure. Tokens are never printed.
 */
public final class ModernClientInterop {

    static final String MODERN = "2026-07-28";
    static final Set<String> SCOPES = Set.of("notes:read", "notes:write");
    /** What both tokens see: write-note stays listed for the reader (a step-up), admin is listed for neither. */
    static final Set<String> LISTED = Set.of("whoami", "read-note", "write-note");

    /** Every MCP-Protocol-Version header the clients sent, to show that they spoke only the new revision. */
    private static final Set<String> SENT_VERSIONS = ConcurrentHashMap.newKeySet();

    private ModernClientInterop() {
    }

    public static void main(String[] args) {
        URI endpoint = URI.create(env("INTEROP_MCP_URL"));
        String readToken = env("INTEROP_READ_TOKEN");
        String writeToken = env("INTEROP_WRITE_TOKEN");
        Checks checks = new Checks("java-modern-client");
        checks.secret(readToken);
        checks.secret(writeToken);
        McpSyncClient anonymous = Sdk.client(endpoint, null, SENT_VERSIONS);
        McpSyncClient reader = Sdk.client(endpoint, readToken, SENT_VERSIONS);
        McpSyncClient writer = Sdk.client(endpoint, writeToken, SENT_VERSIONS);

        checks.check("no token: server/discover is refused with 401 and a Bearer challenge", () -> {
            McpHttpStatusException refused = Sdk.refusal(anonymous::discover);
            require(refused.statusCode() == 401, "status " + refused.statusCode() + ", body: " + refused.body());
            Challenge challenge = Challenge.parse(refused.headers().firstValue("WWW-Authenticate").orElse(null));
            require(challenge.get("resource_metadata") != null, "no resource_metadata in: " + challenge.header());
            return "401 resource_metadata=" + challenge.get("resource_metadata");
        });
        checks.check("no token: tools/list is refused with 401", () -> {
            McpHttpStatusException refused = Sdk.refusal(() -> anonymous.tools().list());
            require(refused.statusCode() == 401, "status " + refused.statusCode() + ", body: " + refused.body());
            return "401";
        });
        checks.check("read token: server/discover lists " + MODERN, () -> {
            McpSchema.DiscoverResult discovered = reader.discover();
            require(discovered.supportedVersions() != null && discovered.supportedVersions().contains(MODERN),
                    "supportedVersions: " + discovered.supportedVersions());
            return "supportedVersions=" + discovered.supportedVersions();
        });
        checks.check("read token: tools/list shows the tools of notes:read and the step-up write-note", () -> {
            Set<String> names = toolNames(reader.tools().list());
            require(names.equals(LISTED), "tools: " + names);
            return String.join(" ", names);
        });
        checks.check("write token: tools/list shows the same tools, admin still hidden", () -> {
            Set<String> names = toolNames(writer.tools().list());
            require(names.equals(LISTED), "tools: " + names);
            return String.join(" ", names);
        });
        checks.check("read token: tools/call whoami names the reader", () -> {
            String text = Sdk.text(reader.tool("whoami").call());
            require(text.equals("interop-reader"), "text: " + text);
            return text;
        });
        checks.check("read token: tools/call read-note is served", () -> {
            String text = Sdk.text(reader.tool("read-note").call());
            require(text.startsWith("note: "), "text: " + text);
            return text;
        });
        checks.check("read token: tools/call write-note is 403 insufficient_scope naming every scope", () -> {
            McpHttpStatusException refused = Sdk.refusal(
                    () -> reader.tool("write-note").arguments(Map.of("text", "from the reader")).call());
            require(refused.statusCode() == 403, "status " + refused.statusCode() + ", body: " + refused.body());
            Challenge challenge = Challenge.parse(refused.headers().firstValue("WWW-Authenticate").orElse(null));
            require("insufficient_scope".equals(challenge.get("error")), "error in: " + challenge.header());
            require(challenge.scopes().equals(SCOPES), "scope in: " + challenge.header());
            return "403 error=insufficient_scope scope=\"" + challenge.get("scope") + "\"";
        });
        checks.check("write token: tools/call write-note is served", () -> {
            String text = Sdk.text(writer.tool("write-note").arguments(Map.of("text", "from the writer")).call());
            require(text.equals("saved by interop-writer"), "text: " + text);
            return text;
        });

        checks.check("every request carried MCP-Protocol-Version " + MODERN, () -> {
            require(SENT_VERSIONS.equals(Set.of(MODERN)), "sent: " + SENT_VERSIONS);
            return "sent: " + SENT_VERSIONS;
        });

        System.exit(checks.report() ? 0 : 1);
    }

    private static Set<String> toolNames(McpSchema.ListToolsResult result) {
        return result.tools().stream().map(McpSchema.Tool::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("java-modern-client: " + name + " is not set");
            System.exit(2);
        }
        return value;
    }
}
