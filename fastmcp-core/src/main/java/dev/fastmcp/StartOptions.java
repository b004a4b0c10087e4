package dev.fastmcp;

import dev.fastmcp.transport.ResolvedOptions;
import java.util.Locale;
import java.util.Map;

/**
 * How {@link FastMCP#start(StartOptions)} serves: the transport, and for HTTP the host, port, endpoint and
 * mode. What is not set here comes from the environment ({@code FASTMCP_TRANSPORT} = {@code http} or
 * {@code stdio}, {@code FASTMCP_HOST}, {@code FASTMCP_PORT}, {@code FASTMCP_ENDPOINT},
 * {@code FASTMCP_STATELESS}, and {@code FASTMCP_BASE_URL} when the builder has no {@code baseUrl}), then from the defaults: HTTP on {@code 127.0.0.1:8080}, endpoint {@code /mcp},
 * with sessions. On stdio, {@code FASTMCP_STDIO_TOKEN} is a credential the server verifies to give the session its
 * caller (see {@link #identity}).
 */
public final class StartOptions {

    /** The ways a server can talk to clients. */
    public enum Transport {
        /** Streamable HTTP (or stateless HTTP), on the embedded Undertow server. */
        HTTP,
        /** Standard input and output, for clients that start the server as a subprocess. */
        STDIO,
        /**
         * In memory: no port and no standard streams; clients in the same process connect with
         * {@link FastMCP#connectInMemory}. What test kits use ({@code fastmcp-testing}).
         */
        IN_MEMORY
    }

    private Transport transport;
    private String host;
    private Integer port;
    private String endpoint;
    private Boolean stateless;
    private AuthSession identity;
    private TokenVerifier testIdentities;

    private StartOptions() {
    }

    /** Options for HTTP. */
    public static StartOptions http() {
        StartOptions o = new StartOptions();
        o.transport = Transport.HTTP;
        return o;
    }

    /** Options for stdio. */
    public static StartOptions stdio() {
        StartOptions o = new StartOptions();
        o.transport = Transport.STDIO;
        return o;
    }

    /**
     * Options for serving in memory: clients of the same process connect with {@link FastMCP#connectInMemory}, each
     * connection a session of its own, as over stdio. Nothing listens.
     */
    public static StartOptions inMemory() {
        StartOptions o = new StartOptions();
        o.transport = Transport.IN_MEMORY;
        return o;
    }

    /** Nothing set: everything from the environment or the defaults. */
    public static StartOptions fromEnvironment() {
        return new StartOptions();
    }

    /** The interface to bind; default {@code 127.0.0.1}. Binding beyond loopback exposes the server. */
    public StartOptions host(String host) {
        this.host = host;
        return this;
    }

    /** The port; {@code 0} picks a free one, readable with {@link FastMCP#port()} after start. */
    public StartOptions port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535, was " + port);
        }
        this.port = port;
        return this;
    }

    /** The MCP endpoint path; default {@code /mcp}. */
    public StartOptions endpoint(String endpoint) {
        this.endpoint = endpoint;
        return this;
    }

    /** Stateless HTTP: no sessions, plain JSON replies, no server-to-client requests. */
    public StartOptions stateless(boolean stateless) {
        this.stateless = stateless;
        return this;
    }

    /**
     * The caller of the stdio session. A client that starts a server over stdio sends no credentials, so without an
     * identity its requests are unauthenticated and every component with a {@code canAccess} check that needs a
     * caller ({@code requireAuth()}, scopes, roles) is hidden from it; the server warns at start when it has such
     * components.
     *
     * <p>This identity is trusted as it is, since it comes from your code: build it from what you control (your
     * configuration, the operating system's user), never from what the process that starts the server could choose.
     * For that, the server verifies a credential instead: when no identity is given here, {@code FASTMCP_STDIO_TOKEN}
     * in the server's environment is checked at start as the bearer token of an HTTP request would be (by the
     * {@code authenticate} hook, given a request carrying it as {@code Authorization: Bearer}, else by the auth
     * provider's token verifier, with the server's {@code requiredScopes}), and the server refuses to start when it
     * is refused or there is no authentication to check it with.
     *
     * @throws IllegalArgumentException at start, over HTTP: there every request authenticates itself
     */
    public StartOptions identity(AuthSession identity) {
        this.identity = java.util.Objects.requireNonNull(identity, "identity == null");
        return this;
    }

    /**
     * Accepts, besides the credentials the server's own authentication accepts, the bearer tokens that
     * {@code verifier} recognises: how a test kit gives a request an identity without a sign-in. Such a token is
     * checked first; one the verifier refuses goes on to the server's own authentication. The session it yields then
     * goes where a verified one goes: the server's {@code requiredScopes}, {@code canAccess}, the binding of sessions
     * to their subject, {@link Context#auth()}. A server with no authentication ({@code auth(...)} or
     * {@code authenticate(...)}) refuses such tokens, since none of its real callers could have an identity.
     *
     * <p>For tests only: over HTTP it is refused unless the server listens on a loopback address, and the server
     * logs a warning at start. {@code fastmcp-testing} passes a verifier of random tokens known to the test alone. A
     * verifier that throws counts as not recognising the token.
     *
     * @throws IllegalArgumentException at start, on stdio (its one session's caller is {@link #identity}), and over
     *                                  HTTP on a host beyond loopback
     */
    public StartOptions trustTestIdentities(TokenVerifier verifier) {
        this.testIdentities = java.util.Objects.requireNonNull(verifier, "verifier == null");
        return this;
    }

    /** These options after applying the environment and the defaults. */
    ResolvedOptions resolve(Map<String, String> env) {
        if (transport == Transport.IN_MEMORY) {
            // Nothing listens, so nothing of the environment applies; only the endpoint names the requests.
            if (identity != null) {
                throw new IllegalArgumentException("identity(...) is the caller of a stdio session; in memory each "
                        + "connection has its own (FastMCP.connectInMemory)");
            }
            if (Boolean.TRUE.equals(stateless)) {
                throw new IllegalArgumentException("stateless(true) is a mode of HTTP; in memory each connection is "
                        + "a session");
            }
            String e = endpoint != null ? endpoint : "/mcp";
            return new ResolvedOptions(Transport.IN_MEMORY, "127.0.0.1", 0, e, false, null, null, null,
                    testIdentities);
        }
        Transport t = transport != null ? transport : parseTransport(env.get("FASTMCP_TRANSPORT"));
        String h = host != null ? host : env.getOrDefault("FASTMCP_HOST", "127.0.0.1");
        int p = port != null ? port : parsePort(env.get("FASTMCP_PORT"));
        String e = endpoint != null ? endpoint : env.getOrDefault("FASTMCP_ENDPOINT", "/mcp");
        boolean s = stateless != null ? stateless : parseFlag("FASTMCP_STATELESS", env.get("FASTMCP_STATELESS"));
        if (!e.startsWith("/")) {
            throw new IllegalArgumentException("endpoint must start with '/', was '" + e + "'");
        }
        String base = env.get("FASTMCP_BASE_URL");
        String token = null;
        if (t == Transport.STDIO) {
            String v = env.get("FASTMCP_STDIO_TOKEN");
            token = v == null || v.isBlank() ? null : v.strip();
            if (testIdentities != null) {
                throw new IllegalArgumentException("trustTestIdentities(...) is for servers over HTTP or in memory; "
                        + "the caller of a stdio session is identity(...)");
            }
        } else if (identity != null) {
            throw new IllegalArgumentException("identity(...) is the caller of a stdio session; over HTTP each "
                    + "request authenticates itself (authenticate(...) or auth(...) on the builder)");
        } else if (testIdentities != null && !dev.fastmcp.internal.Loopback.isLoopbackHost(h)) {
            throw new IllegalArgumentException("trustTestIdentities(...) is for tests, on a loopback address; this "
                    + "server would listen on '" + h + "'. Listen on 127.0.0.1, or drop trustTestIdentities");
        }
        return new ResolvedOptions(t, h, p, e, s, base == null || base.isBlank() ? null : base.trim(), identity,
                token, testIdentities);
    }

    /** A yes/no environment variable: true, 1 or yes; false, 0 or no (any case); unset or blank is false. */
    private static boolean parseFlag(String name, String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false (1 or 0), was '"
                    + value + "'");
        };
    }

    private static Transport parseTransport(String value) {
        if (value == null || value.isBlank()) {
            return Transport.HTTP;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "http", "httpstream", "http-stream", "streamable-http" -> Transport.HTTP;
            case "stdio" -> Transport.STDIO;
            default -> throw new IllegalArgumentException("FASTMCP_TRANSPORT must be 'http' or 'stdio', was '"
                    + value + "'");
        };
    }

    private static int parsePort(String value) {
        if (value == null || value.isBlank()) {
            return 8080;
        }
        try {
            int p = Integer.parseInt(value.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("FASTMCP_PORT must be a port number 0-65535, was '" + value + "'");
    }
}
