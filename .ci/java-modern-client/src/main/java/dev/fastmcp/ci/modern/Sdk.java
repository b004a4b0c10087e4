package dev.fastmcp.ci.modern;

import static dev.fastmcp.ci.modern.Checks.require;

import io.modelcontextprotocol.modern.McpSchema;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.McpSyncClient;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer;
import io.modelcontextprotocol.modern.client.transport.McpHttpStatusException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** What both programs do with the SDK's modern client: build one with a fixed token, read results and refusals. */
final class Sdk {

    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private Sdk() {
    }

    /**
     * A client sending {@code token} (none when null), without an authorization error handler: a 401 or 403 reaches
     * the caller as it is.
     *
     * @param sentVersions collects the {@code MCP-Protocol-Version} header of every request
     */
    static McpSyncClient client(URI endpoint, String token, Set<String> sentVersions) {
        HttpClientMcpTransport.Builder transport = HttpClientMcpTransport.builder(endpoint)
                .connectTimeout(Duration.ofSeconds(5));
        transport.requestCustomizer(McpHttpRequestCustomizer.fromSync((request, headers, context) -> {
            recordVersion(headers.get("MCP-Protocol-Version"), sentVersions);
            if (token != null) {
                headers.set("Authorization", "Bearer " + token);
            }
        }));
        return McpClient.sync(transport.build()).callTimeout(CALL_TIMEOUT).build();
    }

    static void recordVersion(List<String> versions, Set<String> sentVersions) {
        sentVersions.addAll(versions.isEmpty() ? List.of("(none)") : versions);
    }

    /** Runs a request that must fail, and returns the HTTP status error the SDK client surfaces for it. */
    static McpHttpStatusException refusal(Supplier<?> request) {
        Object result;
        try {
            result = request.get();
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof McpHttpStatusException status) {
                    return status;
                }
            }
            throw e;
        }
        throw new AssertionError("the request succeeded: " + result);
    }

    /** The one text content of a successful tool result. */
    static String text(McpSchema.CallToolResult result) {
        require(!Boolean.TRUE.equals(result.isError()), "isError: " + result);
        List<McpSchema.Content> content = result.content();
        require(content != null && content.size() == 1 && content.get(0) instanceof McpSchema.TextContent,
                "content: " + content);
        return ((McpSchema.TextContent) content.get(0)).text();
    }
}
