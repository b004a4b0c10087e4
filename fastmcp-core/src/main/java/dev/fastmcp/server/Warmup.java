package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shortens the cold start of an HTTP server by using a second core: while {@code start()} builds the MCP server on
 * the calling thread, a short-lived daemon thread loads what comes next, which is the JDK's platform MBean server
 * (XNIO registers itself there, and creating it is the single largest step of starting Undertow), Undertow's and
 * XNIO's classes, the JSON handling of a first {@code initialize}, and the mapper that binds the arguments of a
 * first {@code tools/call}. It only loads and initializes classes; nothing it does is observable, and a failure is
 * ignored. Skipped on a single core, where it would only compete.
 */
public final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    private static volatile boolean started;

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

    /** Starts the warm-up once per process (later servers in the same process find everything loaded). */
    public static void start() {
        if (started || Runtime.getRuntime().availableProcessors() < 2) {
            return;
        }
        started = true;
        Thread t = new Thread(Warmup::run, "fastmcp-warmup");
        t.setDaemon(true);
        t.start();
    }

    private static void run() {
        try {
            ManagementFactory.getPlatformMBeanServer();
            ClassLoader loader = Warmup.class.getClassLoader();
            for (String name : CLASSES) {
                Class.forName(name, true, loader);
            }
            McpSchema.JSONRPCMessage request = Json.parseMessage(("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
                    + "\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                    + "\"clientInfo\":{\"name\":\"warmup\",\"version\":\"0\"}}}").getBytes(StandardCharsets.UTF_8));
            McpSchema.InitializeRequest init = Json.MAPPER.convertValue(((McpSchema.JSONRPCRequest) request).params(),
                    McpSchema.InitializeRequest.class);
            Json.bytes(McpSchema.JSONRPCResponse.result(0, new McpSchema.InitializeResult(init.protocolVersion(),
                    McpSchema.ServerCapabilities.builder().tools(true).build(),
                    new McpSchema.Implementation("warmup", "0"), null)));
            Json.bytes(Map.of("jsonrpc", "2.0"));
            RecordSchemas.prepareBinding();
        } catch (Throwable e) {
            LOG.trace("Warm-up stopped early: {}", e.toString());
        }
    }
}
