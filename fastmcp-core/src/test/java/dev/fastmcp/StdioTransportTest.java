package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real server subprocess ({@link StdioTestServer}) over stdio, driven by the SDK's stdio client and by hand. */
@Timeout(60)
class StdioTransportTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SERVER_CLASS = "dev.fastmcp.StdioTestServer";

    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final List<Process> rawProcesses = new ArrayList<>();
    private Set<Long> childrenBefore;
    private McpSyncClient client;

    @BeforeEach
    void rememberChildren() {
        childrenBefore = ProcessHandle.current().children().map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    @AfterEach
    void killServers() throws InterruptedException {
        if (client != null) {
            try {
                client.closeGracefully();
            } catch (RuntimeException ignored) {
                // killed below anyway
            }
        }
        for (Process p : rawProcesses) {
            p.destroyForcibly();
        }
        // whatever this test started and is still alive (the SDK transport keeps its Process to itself)
        List<ProcessHandle> started = ProcessHandle.current().children()
                .filter(h -> !childrenBefore.contains(h.pid()))
                .toList();
        for (ProcessHandle h : started) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
        for (ProcessHandle h : started) {
            h.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
            assertFalse(h.isAlive(), "server subprocess " + h.pid() + " still alive");
        }
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static List<String> serverArgs() {
        return List.of("-cp", System.getProperty("java.class.path"), SERVER_CLASS);
    }

    private McpSyncClient sdkClient() {
        StdioClientTransport transport = new StdioClientTransport(
                ServerParameters.builder(javaBinary()).args(serverArgs()).build(), McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(stderr::add);
        McpSyncClient c = McpClient.sync(transport)
                .requestTimeout(Duration.ofSeconds(10))
                .initializationTimeout(Duration.ofSeconds(40))
                .build();
        client = c;
        return c;
    }

    private static String onlyText(McpSchema.CallToolResult result) {
        assertEquals(1, result.content().size(), () -> "expected exactly one content item: " + result);
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    @Test
    void sdkClientInitializesListsAndCallsATool() {
        McpSyncClient c = sdkClient();
        McpSchema.InitializeResult init = c.initialize();
        assertEquals("stdio-test", init.serverInfo().name(), stderr::toString);
        assertEquals("1.2.3", init.serverInfo().version());
        assertNotNull(init.capabilities().tools());

        List<String> names = c.listTools().tools().stream().map(McpSchema.Tool::name).toList();
        assertEquals(List.of("echo", "noisy"), names);

        McpSchema.CallToolResult result = c.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "over stdio")));
        assertNotEquals(Boolean.TRUE, result.isError(), result::toString);
        assertEquals("echo: over stdio", onlyText(result));

        McpSchema.CallToolResult invalid = c.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", 5)));
        assertEquals(Boolean.TRUE, invalid.isError(), invalid::toString);
    }

    @Test
    void toolWritingToSystemOutDoesNotBreakTheSdkClient() {
        McpSyncClient c = sdkClient();
        c.initialize();
        McpSchema.CallToolResult noisy = c.callTool(new McpSchema.CallToolRequest("noisy", Map.of()));
        assertEquals("still fine", onlyText(noisy));
        // the client must still be usable afterwards
        McpSchema.CallToolResult after = c.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "after")));
        assertEquals("echo: after", onlyText(after));
    }

    @Test
    void stdoutCarriesOnlyJsonRpcMessages() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(serverArgs());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        rawProcesses.add(process);

        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        }, "stdio-test-reader");
        reader.setDaemon(true);
        reader.start();

        OutputStream out = process.getOutputStream();
        send(out, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
                + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
        List<String> seen = new ArrayList<>();
        awaitResponse(lines, seen, 1, 40);
        send(out, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        send(out, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"noisy\",\"arguments\":{}}}");
        JsonNode noisy = awaitResponse(lines, seen, 2, 15);
        assertEquals("still fine", noisy.get("result").get("content").get(0).get("text").asString());
        send(out, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"arguments\":{\"text\":\"x\"}}}");
        awaitResponse(lines, seen, 3, 15);
        Thread.sleep(200);
        lines.drainTo(seen);

        for (String line : seen) {
            JsonNode message;
            try {
                message = JSON.readTree(line);
            } catch (RuntimeException e) {
                throw new AssertionError("stdout carried a line that is not JSON: '" + line + "' (all lines: " + seen + ")");
            }
            assertTrue(message.isObject() && "2.0".equals(message.path("jsonrpc").asString()),
                    () -> "stdout carried a non-JSON-RPC line: " + line);
        }
    }

    private static void send(OutputStream out, String json) throws IOException {
        out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Reads lines until the response with {@code id}; every line read is added to {@code seen}. */
    private static JsonNode awaitResponse(BlockingQueue<String> lines, List<String> seen, int id, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("no response to request " + id + " within " + seconds + " s; stdout so far: "
                        + seen);
            }
            seen.add(line);
            try {
                JsonNode node = JSON.readTree(line);
                if (node.isObject() && node.has("id") && node.get("id").asInt() == id
                        && (node.has("result") || node.has("error"))) {
                    return node;
                }
            } catch (RuntimeException notJson) {
                // recorded in seen; judged by the caller
            }
        }
    }
}
