package dev.fastmcp;

import io.modelcontextprotocol.spec.McpSchema;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shortens the cold start of an HTTP server by using a second core, in two steps on one short-lived daemon thread.
 *
 * <p>{@link #early()}, from {@link FastMCP#builder}: while the calling thread builds the tools (schema
 * generation, the JSON mappers), it loads what no builder step touches: the JDK's platform MBean server (XNIO
 * registers itself there, and creating it is the single largest step of starting Undertow), Undertow's and XNIO's
 * classes, and the JDK's secure random numbers (session ids). {@link #http()}, from the start of an HTTP server
 * once the MCP server is built: the JSON handling of a first {@code initialize}, then the binding mapper of the
 * first {@code tools/call}. JSON work waits for {@code http()} so that it never initializes Jackson's classes at
 * the same time as the builder does. It only loads and initializes classes; nothing it does is observable, and
 * a failure is ignored. Skipped on a single core, where it would only compete.
 */
final class Warmup {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    /** How long the thread waits for an HTTP start after the first step: servers usually start right away. */
    private static final long WAIT_FOR_HTTP_SECONDS = 30;
    private static final CountDownLatch HTTP = new CountDownLatch(1);
    private static volatile boolean started;

    private static final String[] CLASSES = {
        "dev.fastmcp.HttpServer", // first: it points JBoss Logging at SLF4J before Undertow's loggers are made
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

    /** Starts the warm-up thread, once per process (later servers in the same process find everything loaded). */
    static void early() {
        if (started) {
            return;
        }
        synchronized (Warmup.class) {
            if (started || Runtime.getRuntime().availableProcessors() < 2) {
                return;
            }
            started = true;
        }
        Thread t = new Thread(Warmup::run, "fastmcp-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** An HTTP server is starting and its MCP server is built: the thread goes on with the JSON of a first request. */
    static void http() {
        early(); // a no-op when the builder already started it
        HTTP.countDown();
    }

    private static void run() {
        try {
            ManagementFactory.getPlatformMBeanServer();
            ClassLoader loader = Warmup.class.getClassLoader();
            for (String name : CLASSES) {
                Class.forName(name, true, loader);
            }
            UUID.randomUUID();
            if (!HTTP.await(WAIT_FOR_HTTP_SECONDS, TimeUnit.SECONDS)) {
                return;
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
