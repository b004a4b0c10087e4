package dev.fastmcp;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** Real MCP clients (the SDK's) for tests. */
final class TestClients {

    private TestClients() {
    }

    static McpSyncClient connect(FastMCP server) {
        return connect(server, UnaryOperator.identity());
    }

    static McpSyncClient connect(FastMCP server, UnaryOperator<McpClient.SyncSpec> customize) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + server.port())
                .endpoint("/mcp")
                .build();
        McpSyncClient client = customize.apply(McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20)))
                .build();
        client.initialize();
        return client;
    }
}
