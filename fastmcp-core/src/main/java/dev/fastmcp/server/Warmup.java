package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shortens the cold start by using a second core. Two short-lived daemon threads load and initialize classes and
 * build what a first request builds, while the calling thread does its own work: one from {@code FastMCP.builder},
 * for the JSON of a first {@code initialize}, {@code tools/list} and {@code tools/call} (the JSON mapper, and the
 * serializers and deserializers it makes for the SDK's types on first use, which otherwise fell on the first
 * requests), while the tools are built; one from {@code start()} on HTTP, for the JDK's platform MBean server (XNIO
 * registers itself there, the largest step of starting Undertow) and Undertow's and XNIO's classes, while the MCP
 * server is built. Nothing they do is observable, and a failure is ignored. Skipped on a single core, where they
 * would only compete.
 */
public final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    private static volatile boolean jsonStarted;
    private static volatile boolean httpStarted;

    private static final String[] CLASSES = {
        "io.undertow.Undertow",
        "io.undertow.server.HttpServerExchange",
        "io.undertow.server.protocol.http.HttpOpenListener",
        "io.undertow.server.protocol.http.HttpReadListener",
        "io.undertow.server.protocol.http.HttpRequestParser",
        "io.undertow.server.protocol.http.HttpResponseConduit",
        "io.undertow.io.AsyncSenderImpl",
        "io.undertow.util.Headers",
        "io.undertow.util.Methods",
        "org.xnio.nio.NioXnio",
        "org.xnio.nio.NioXnioWorker",
        "org.xnio.nio.WorkerThread",
        "org.xnio.nio.NioTcpServer",
        "org.jboss.threads.EnhancedQueueExecutor",
    };

    private Warmup() {
    }

    /** Starts the JSON warm-up once per process (later servers in the same process find everything made). */
    public static void json() {
        if (jsonStarted || Runtime.getRuntime().availableProcessors() < 2) {
            return;
        }
        jsonStarted = true;
        spawn(Warmup::runJson);
    }

    /** Starts the HTTP warm-up once per process, and the JSON one if it has not started. */
    public static void start() {
        json();
        if (httpStarted || Runtime.getRuntime().availableProcessors() < 2) {
            return;
        }
        httpStarted = true;
        spawn(Warmup::runHttp);
    }

    private static void spawn(Runnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable e) {
                LOG.trace("Warm-up stopped early: {}", e.toString());
            }
        }, "fastmcp-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void runHttp() {
        ManagementFactory.getPlatformMBeanServer();
        ClassLoader loader = Warmup.class.getClassLoader();
        for (String name : CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException e) {
                return;
            }
        }
    }

    private static void runJson() {
        McpSchema.JSONRPCMessage request = Json.parseMessage(("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
                + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"warmup\",\"version\":\"0\"}}}").getBytes(StandardCharsets.UTF_8));
        McpSchema.InitializeRequest init = Json.MAPPER.convertValue(((McpSchema.JSONRPCRequest) request).params(),
                McpSchema.InitializeRequest.class);
        Json.bytes(McpSchema.JSONRPCResponse.result(0, new McpSchema.InitializeResult(init.protocolVersion(),
                McpSchema.ServerCapabilities.builder().tools(true).resources(true, true).prompts(true).logging()
                        .completions().build(),
                new McpSchema.Implementation("warmup", "0"), "warmup")));
        Json.bytes(Map.of("jsonrpc", "2.0"));
        Json.parseMessage("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"
                .getBytes(StandardCharsets.UTF_8));
        Json.bytes(McpSchema.JSONRPCResponse.result(1, new McpSchema.ListToolsResult(List.of(McpSchema.Tool.builder()
                .name("warmup").description("warmup").inputSchema(Json.MAPPER, "{\"type\":\"object\"}").build()),
                null)));
        McpSchema.JSONRPCMessage call = Json.parseMessage(("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                + "\"tools/call\",\"params\":{\"name\":\"warmup\",\"arguments\":{\"a\":1}}}")
                .getBytes(StandardCharsets.UTF_8));
        Json.MAPPER.convertValue(((McpSchema.JSONRPCRequest) call).params(), McpSchema.CallToolRequest.class);
        Json.bytes(McpSchema.JSONRPCResponse.result(2, McpSchema.CallToolResult.builder()
                .content(List.of(new McpSchema.TextContent("3"))).isError(false).build()));
        RecordSchemas.prepareBinding();
    }
}
