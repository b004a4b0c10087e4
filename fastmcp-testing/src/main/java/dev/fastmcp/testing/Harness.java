package dev.fastmcp.testing;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.util.Map;

/** The server under test, how clients reach it, and whether the test kit started it (and so trusts identities). */
final class Harness {

    private final FastMCP server;
    private final boolean http;
    private final TestIdentities identities;

    private Harness(FastMCP server, boolean http, TestIdentities identities) {
        this.server = server;
        this.http = http;
        this.identities = identities;
    }

    static Harness start(FastMCP server, boolean http) {
        if (server.isRunning()) {
            return new Harness(server, http, null);
        }
        TestIdentities identities = new TestIdentities();
        // Everything set, so that no FASTMCP_* variable of the developer's shell changes what is tested.
        StartOptions options = http ? StartOptions.http().host("127.0.0.1").port(0).endpoint("/mcp").stateless(false)
                : StartOptions.inMemory();
        server.start(options.trustTestIdentities(identities));
        return new Harness(server, http, identities);
    }

    String token(TestIdentity identity) {
        if (identity == null) {
            return null;
        }
        if (identities == null) {
            throw new IllegalStateException("MCP server '" + server.name() + "' was started before the test "
                    + "client, so it does not trust test identities: let the client start it (pass it unstarted "
                    + "to McpTestClient.inMemory or overHttp)");
        }
        return identities.tokenFor(identity);
    }

    McpClientTransport transport(String token, Map<String, String> headers) {
        if (!http) {
            if (!headers.isEmpty()) {
                throw new IllegalStateException("A client in memory sends no HTTP headers (" + headers.keySet()
                        + "): give its caller with identity(...) or bearerToken(...), or test over HTTP");
            }
            try {
                return new MemoryClientTransport(server, token);
            } catch (dev.fastmcp.CredentialsRefusedException e) {
                throw new ConnectionRefusedException(e.getMessage(),
                        new HttpRefusal(e.status(), e.wwwAuthenticate()), e);
            }
        }
        String url;
        try {
            url = server.url();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("MCP server '" + server.name() + "' is running, but not over HTTP: "
                    + "use McpTestClient.inMemory, or stop it and let McpTestClient.overHttp start it");
        }
        return HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + server.port())
                .endpoint(URI.create(url).getPath())
                .httpRequestCustomizer((request, method, uri, body, context) -> {
                    if (token != null) {
                        request.header("Authorization", "Bearer " + token);
                    }
                    headers.forEach(request::header);
                })
                .build();
    }

    void stop() {
        if (identities != null) {
            server.stop();
        }
    }

    /** A client of the server, connected and initialized as {@code o} says. */
    McpSyncClient connect(McpTestClient.Options o, Recorder recorder) {
        String token = o.bearerToken != null ? o.bearerToken : token(o.identity);
        McpClientTransport transport = recorder.recording(transport(token, o.headers));
        McpSchema.ClientCapabilities.Builder capabilities = McpSchema.ClientCapabilities.builder();
        McpClient.SyncSpec spec = McpClient.sync(transport).requestTimeout(o.requestTimeout)
                .clientInfo(new McpSchema.Implementation("fastmcp-testing", "1"));
        if (o.elicitation != null) {
            capabilities.elicitation();
            spec.elicitation(o.elicitation);
        }
        if (o.sampling != null) {
            capabilities.sampling();
            spec.sampling(o.sampling);
        }
        if (!o.roots.isEmpty()) {
            capabilities.roots(false);
            spec.roots(o.roots);
        }
        McpSyncClient client = spec.capabilities(capabilities.build()).build();
        try {
            client.initialize();
            if (client.getServerCapabilities().logging() != null) {
                client.setLoggingLevel(o.logLevel);
            }
        } catch (RuntimeException e) {
            client.close();
            HttpRefusal refusal = HttpRefusal.of(e);
            throw new ConnectionRefusedException("The test client could not connect to MCP server '" + server.name()
                    + "'" + (o.identity == null ? "" : " as " + o.identity) + ": "
                    + (refusal != null ? "refused with " + refusal : Checks.causes(e)), refusal, e);
        }
        return client;
    }
}
