package dev.fastmcp.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The revision 2026-07-28 of MCP (stateless, {@code server/discover}), served beside the older revisions: its
 * version, {@code _meta} keys and error codes, and which era a request belongs to.
 */
public final class ModernProtocol {

    /** The revision served on the modern path. */
    public static final String VERSION = "2026-07-28";
    /** The versions a modern request may declare: -32022's {@code supported}. */
    public static final List<String> SUPPORTED = List.of(VERSION);
    /**
     * {@code server/discover}'s {@code supportedVersions}, newest first: the modern revision and the older ones the
     * same endpoint serves through {@code initialize}, so that a client can choose either era.
     */
    public static final List<String> ADVERTISED = List.of(VERSION, "2025-11-25", "2025-06-18", "2025-03-26");
    /** Revisions with {@code initialize} and sessions: a request declaring one of these takes the legacy path. */
    public static final Set<String> LEGACY = Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25");

    public static final String PROTOCOL_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String CLIENT_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String SERVER_INFO = "io.modelcontextprotocol/serverInfo";
    public static final String SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

    /** A routing header ({@code MCP-Protocol-Version}, {@code Mcp-Method}, {@code Mcp-Name}, ...) is wrong. */
    public static final int HEADER_MISMATCH = -32020;
    /** The request needs a capability the client did not declare. */
    public static final int MISSING_CAPABILITY = -32021;
    /** The declared version is not served. */
    public static final int UNSUPPORTED_VERSION = -32022;

    public static final String DISCOVER = "server/discover";
    public static final String LISTEN = "subscriptions/listen";

    private ModernProtocol() {
    }

    /** Whether an {@code MCP-Protocol-Version} header alone puts a request on the modern path. */
    public static boolean modernHeader(String versionHeader) {
        return versionHeader != null && !LEGACY.contains(versionHeader.strip());
    }

    /**
     * Whether a request belongs to the modern path: a version header outside the legacy set, {@code _meta} with
     * the keys only modern clients send, or {@code server/discover}. Everything else (sessions, {@code initialize},
     * a legacy version or none) stays on the legacy path.
     */
    public static boolean isModern(String versionHeader, String method, Object params) {
        return modernHeader(versionHeader) || DISCOVER.equals(method) || hasModernMeta(params);
    }

    /** Whether {@code params._meta} carries a key only modern clients send. */
    public static boolean hasModernMeta(Object params) {
        return params instanceof Map<?, ?> p && p.get("_meta") instanceof Map<?, ?> meta
                && (meta.containsKey(PROTOCOL_VERSION) || meta.containsKey(CLIENT_CAPABILITIES)
                        || meta.containsKey(CLIENT_INFO));
    }

    /** The 400 with -32020 for a routing header that is missing or does not match the body. */
    public static JsonRpcException headerMismatch(Object id, String message) {
        return new JsonRpcException(400, id, HEADER_MISMATCH, message);
    }

    /** The 400 with -32021 naming the capabilities the client must declare, each as an empty object. */
    public static JsonRpcException missingCapabilities(Object id, Map<String, Object> required) {
        return new JsonRpcException(400, id, MISSING_CAPABILITY, "Missing required client capability: "
                + String.join(", ", required.keySet()), Map.of("requiredCapabilities", required), Map.of());
    }

    /** {@code names} as a {@code ClientCapabilities} object, each with an empty object. */
    static Map<String, Object> capabilities(Iterable<String> names) {
        Map<String, Object> out = new LinkedHashMap<>();
        names.forEach(n -> out.put(n, Map.of()));
        return out;
    }
}
