package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamableHttpClientTest {

    record AddArgs(double a, double b) {
    }

    private FastMCP server;

    @BeforeEach
    void start() {
        server = FastMCP.builder("test", "1.0.0")
                .addTool(Tool.builder("add").description("Adds").parameters(AddArgs.class)
                        .execute((args, ctx) -> String.valueOf(args.a() + args.b())).build())
                .addTool(Tool.builder("steps").description("Reports progress and logs")
                        .execute((args, ctx) -> {
                            for (int i = 1; i <= 3; i++) {
                                ctx.log().info("step " + i);
                                ctx.reportProgress(i, 3.0, "step " + i);
                            }
                            return "done";
                        }).build())
                .build()
                .start(StartOptions.http().port(0));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void sdkClientListsAndCallsTools() {
        try (McpSyncClient client = TestClients.connect(server)) {
            List<String> names = client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            assertEquals(List.of("add", "steps"), names);
            McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("add",
                    Map.of("a", 2, "b", 3.5)));
            assertEquals("5.5", ((McpSchema.TextContent) result.content().get(0)).text());
        }
    }

    @Test
    void progressAndLogsStreamBeforeTheResult() {
        List<McpSchema.ProgressNotification> progress = new CopyOnWriteArrayList<>();
        List<McpSchema.LoggingMessageNotification> logs = new CopyOnWriteArrayList<>();
        try (McpSyncClient client = TestClients.connect(server,
                spec -> spec.progressConsumer(progress::add).loggingConsumer(logs::add))) {
            McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder().name("steps")
                    .arguments(Map.of()).progressToken("tok-1").build());
            assertEquals("done", ((McpSchema.TextContent) result.content().get(0)).text());
            // The SDK client hands notifications to consumers asynchronously: wait for them, boundedly.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while ((progress.size() < 3 || logs.size() < 3) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
            }
            assertEquals(3, progress.size());
            // The SDK client may hand notifications to consumers out of order; the wire order is checked in McpHttpTest.
            assertEquals(java.util.Set.of("step 1", "step 2", "step 3"),
                    logs.stream().map(McpSchema.LoggingMessageNotification::data).collect(java.util.stream.Collectors.toSet()));
            assertTrue(progress.stream().allMatch(p -> "tok-1".equals(p.progressToken())));
        }
    }
}
