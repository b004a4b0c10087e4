package dev.fastmcp.testing;

import dev.fastmcp.FastMCP;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A real MCP client (the MCP Java SDK's) connected to a {@link FastMCP} server under test: in memory, or over HTTP
 * on a free loopback port. A server that is not running yet is started by the client, and stopped when it closes.
 *
 * <pre>{@code
 * try (McpTestClient client = McpTestClient.inMemory(server)) {
 *     client.callTool("add", Map.of("a", 1, "b", 2)).assertText("3");
 *     McpTestClient alice = client.as(TestIdentity.subject("alice").scopes("notes:write"));
 *     alice.callTool("save_note", Map.of("text", "hi")).assertSuccess();
 * }
 * }</pre>
 *
 * <p>In memory, each client is a session of its own over the server's stdio transport, without a port; over HTTP it
 * is a session of the Streamable HTTP transport, as a remote client's. Both speak the protocol revisions of the
 * SDK's client (2025-11-25 and before). Identities ({@link #as}, {@link Options#identity}) reach the server as bearer
 * tokens it checks through its own authentication; they need a server the client started itself, since that is
 * when it is told to trust them.
 */
public final class McpTestClient implements AutoCloseable {

    private final Harness harness;
    private final McpTestClient root;
    private final Options options;
    private final Recorder recorder = new Recorder();
    private final McpSyncClient client;
    private final List<McpTestClient> derived = new CopyOnWriteArrayList<>();
    private final AtomicLong calls = new AtomicLong();
    private volatile boolean closed;

    private McpTestClient(Harness harness, McpTestClient root, Options options) {
        this.harness = harness;
        this.root = root == null ? this : root;
        this.options = options;
        this.client = harness.connect(options, recorder);
    }

    /** A client of {@code server} in memory, with no identity. */
    public static McpTestClient inMemory(FastMCP server) {
        return inMemory(server, UnaryOperator.identity());
    }

    /**
     * A client of {@code server} in memory, set up by {@code options}. The server is started in memory
     * ({@code StartOptions.inMemory()}) unless it is running.
     *
     * @throws IllegalStateException      when the server runs over HTTP
     * @throws ConnectionRefusedException when the server refuses the client's credentials
     */
    public static McpTestClient inMemory(FastMCP server, UnaryOperator<Options> options) {
        return open(server, false, options);
    }

    /** A client of {@code server} over HTTP, with no identity. */
    public static McpTestClient overHttp(FastMCP server) {
        return overHttp(server, UnaryOperator.identity());
    }

    /**
     * A client of {@code server} over HTTP, set up by {@code options}. The server is started on
     * {@code 127.0.0.1}, on a free port, unless it is running.
     *
     * @throws IllegalStateException      when the server runs in memory or on stdio
     * @throws ConnectionRefusedException when the server refuses the client's credentials, with the HTTP refusal
     */
    public static McpTestClient overHttp(FastMCP server, UnaryOperator<Options> options) {
        return open(server, true, options);
    }

    private static McpTestClient open(FastMCP server, boolean http, UnaryOperator<Options> change) {
        Objects.requireNonNull(server, "server == null");
        Options options = Objects.requireNonNull(change.apply(new Options()), "the options function returned null");
        Harness harness = Harness.start(server, http);
        try {
            return new McpTestClient(harness, null, options);
        } catch (RuntimeException | Error e) {
            harness.stop();
            throw e;
        }
    }

    /**
     * Another client of the same server, in the same way and with the same options, as {@code identity}: a session
     * of its own. It is closed with this client.
     */
    public McpTestClient as(TestIdentity identity) {
        Objects.requireNonNull(identity, "identity == null");
        return with(o -> o.identity(identity));
    }

    /**
     * Another client of the same server, in the same way, with this client's options changed by {@code change}: a
     * session of its own. It is closed with this client.
     */
    public McpTestClient with(UnaryOperator<Options> change) {
        if (closed || root.closed) {
            throw new IllegalStateException("This test client is closed; open another from an open one");
        }
        Options changed = Objects.requireNonNull(change.apply(options.copy()), "the options function returned null");
        McpTestClient other = new McpTestClient(harness, root, changed);
        root.derived.add(other);
        return other;
    }

    /** Calls tool {@code name} with no arguments. */
    public ToolResult callTool(String name) {
        return callTool(name, Map.of());
    }

    /**
     * Calls tool {@code name}. A JSON-RPC error (an unknown tool, arguments that do not match) is returned in the
     * result, as {@link ToolResult#protocolError()}, for its assertions; so is what the call reported as it ran: its
     * progress, and the log messages received while it ran (with one call at a time on this client, exactly its
     * own; make concurrent calls from clients of their own).
     */
    public ToolResult callTool(String name, Map<String, ?> arguments) {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(arguments, "arguments == null");
        String progressToken = "fastmcp-test-" + calls.incrementAndGet();
        int logsBefore = recorder.logCount();
        McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder().name(name)
                .arguments(new LinkedHashMap<>(arguments)).progressToken(progressToken).build();
        McpSchema.CallToolResult result = null;
        ProtocolError error = null;
        HttpRefusal refusal = null;
        try {
            result = client.callTool(request);
        } catch (McpError e) {
            error = Checks.protocolError(e);
        } catch (RuntimeException e) {
            refusal = HttpRefusal.of(e);
            if (refusal == null) {
                throw e;
            }
        }
        return new ToolResult(name, result, error, refusal, recorder.progress(progressToken),
                recorder.logs(logsBefore));
    }

    /** The tools the client is offered (all pages). */
    public List<McpSchema.Tool> tools() {
        List<McpSchema.Tool> all = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListToolsResult page = client.listTools(cursor);
            all.addAll(page.tools());
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** The names of the tools the client is offered. */
    public List<String> toolNames() {
        return tools().stream().map(McpSchema.Tool::name).toList();
    }

    /** The tool {@code name} as listed, with its schemas. */
    public McpSchema.Tool tool(String name) {
        return tools().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() ->
                new AssertionError("Tool '" + name + "' is not listed; the client sees " + toolNames()));
    }

    /** Reads the resource at {@code uri}. */
    public ResourceResult readResource(String uri) {
        Objects.requireNonNull(uri, "uri == null");
        try {
            return new ResourceResult(uri, client.readResource(new McpSchema.ReadResourceRequest(uri)), null);
        } catch (McpError e) {
            return new ResourceResult(uri, null, Checks.protocolError(e));
        }
    }

    /** The URIs of the resources the client is offered (all pages). */
    public List<String> resourceUris() {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListResourcesResult page = client.listResources(cursor);
            page.resources().forEach(r -> all.add(r.uri()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** The URI templates of the resource templates the client is offered (all pages). */
    public List<String> resourceTemplates() {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListResourceTemplatesResult page = client.listResourceTemplates(cursor);
            page.resourceTemplates().forEach(r -> all.add(r.uriTemplate()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** Gets prompt {@code name} with no arguments. */
    public PromptResult getPrompt(String name) {
        return getPrompt(name, Map.of());
    }

    /** Gets prompt {@code name} rendered with {@code arguments}. */
    public PromptResult getPrompt(String name, Map<String, ?> arguments) {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(arguments, "arguments == null");
        try {
            return new PromptResult(name, client.getPrompt(new McpSchema.GetPromptRequest(name,
                    new LinkedHashMap<>(arguments))), null);
        } catch (McpError e) {
            return new PromptResult(name, null, Checks.protocolError(e));
        }
    }

    /** The names of the prompts the client is offered (all pages). */
    public List<String> promptNames() {
        List<String> all = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListPromptsResult page = client.listPrompts(cursor);
            page.prompts().forEach(p -> all.add(p.name()));
            cursor = page.nextCursor();
        } while (cursor != null);
        return all;
    }

    /** Every log message this client received so far, in order. */
    public List<LogEntry> logs() {
        return recorder.logs(0);
    }

    /** The SDK's client underneath, for what this class does not offer. */
    public McpSyncClient sdk() {
        return client;
    }

    /**
     * Closes this client, the clients made from it with {@link #as} and {@link #with}, and stops the server when
     * this client started it (the {@code FastMCP} stays usable: {@code close()} it to release its threads).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        RuntimeException failed = null;
        for (McpTestClient other : derived) {
            try {
                other.close();
            } catch (RuntimeException e) {
                failed = failed == null ? e : failed;
            }
        }
        try {
            client.closeGracefully();
        } catch (RuntimeException e) {
            failed = failed == null ? e : failed;
        } finally {
            if (root == this) {
                harness.stop();
            }
        }
        if (failed != null) {
            throw failed;
        }
    }

    /** How a client is set up: who it is, and how it answers what the server asks of it. */
    public static final class Options {
        TestIdentity identity;
        String bearerToken;
        Map<String, String> headers = Map.of();
        java.util.function.Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> elicitation;
        java.util.function.Function<McpSchema.CreateMessageRequest, McpSchema.CreateMessageResult> sampling;
        List<McpSchema.Root> roots = List.of();
        java.time.Duration requestTimeout = java.time.Duration.ofSeconds(30);
        McpSchema.LoggingLevel logLevel = McpSchema.LoggingLevel.DEBUG;

        Options() {
        }

        Options copy() {
            Options o = new Options();
            o.identity = identity;
            o.bearerToken = bearerToken;
            o.headers = headers;
            o.elicitation = elicitation;
            o.sampling = sampling;
            o.roots = roots;
            o.requestTimeout = requestTimeout;
            o.logLevel = logLevel;
            return o;
        }

        /** Who the client is; default nobody (no credentials). Replaces a {@link #bearerToken}. */
        public Options identity(TestIdentity identity) {
            this.identity = Objects.requireNonNull(identity, "identity == null");
            this.bearerToken = null;
            return this;
        }

        /**
         * A real credential the client presents as it is ({@code Authorization: Bearer} over HTTP, the connection's
         * credential in memory), such as a token from a test identity provider; the server verifies it as any
         * other. Replaces an {@link #identity}.
         */
        public Options bearerToken(String token) {
            if (token == null || token.isBlank()) {
                throw new IllegalArgumentException("bearerToken must not be blank");
            }
            this.bearerToken = token;
            this.identity = null;
            return this;
        }

        /**
         * A header the client sends with every HTTP request, such as the API key an {@code authenticate} hook reads,
         * or one a tool reads with {@code ctx.header(...)}. Over HTTP only: a client in memory has no HTTP requests
         * (its credential is {@link #identity} or {@link #bearerToken}).
         */
        public Options header(String name, String value) {
            if (name == null || name.isBlank() || value == null) {
                throw new IllegalArgumentException("header needs a name and a value, was " + name + ": " + value);
            }
            if (name.equalsIgnoreCase("Authorization")) {
                throw new IllegalArgumentException("Give the Authorization header as bearerToken(...) or identity(...)");
            }
            Map<String, String> more = new java.util.LinkedHashMap<>(headers);
            more.put(name, value);
            this.headers = Map.copyOf(more);
            return this;
        }

        /** How the client answers {@code ctx.elicit(...)}; without it the client does not offer elicitation. */
        public Options elicitation(
                java.util.function.Function<McpSchema.ElicitFormRequest, McpSchema.ElicitResult> handler) {
            this.elicitation = Objects.requireNonNull(handler, "handler == null");
            return this;
        }

        /** How the client answers {@code ctx.sample(...)}; without it the client does not offer sampling. */
        public Options sampling(
                java.util.function.Function<McpSchema.CreateMessageRequest, McpSchema.CreateMessageResult> handler) {
            this.sampling = Objects.requireNonNull(handler, "handler == null");
            return this;
        }

        /** The roots the client offers ({@code roots/list}); default none, and no roots capability. */
        public Options roots(McpSchema.Root... roots) {
            this.roots = List.of(roots);
            return this;
        }

        /** How long a request may take before the client gives up; default 30 seconds. */
        public Options requestTimeout(java.time.Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /** The lowest level of log messages the client asks for ({@code logging/setLevel}); default DEBUG. */
        public Options logLevel(McpSchema.LoggingLevel level) {
            this.logLevel = Objects.requireNonNull(level, "level == null");
            return this;
        }
    }
}
