package dev.fastmcp.transport;

import dev.fastmcp.server.Blueprint;
import dev.fastmcp.server.Components;
import dev.fastmcp.server.LiveComponents;
import dev.fastmcp.server.Json;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.SdkServer;
import dev.fastmcp.server.ToolExecutors;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stdio server in this JVM (so that its log can be captured), with lines written to and read from it by hand.
 * Public for the tests of other packages, which cannot reach the stdio transport themselves.
 */
public final class StdioPipe implements AutoCloseable {

    private final PipedOutputStream toServer = new PipedOutputStream();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StdioTransport transport;
    private final SdkServer sdk;
    private final ExecutorService executor = ToolExecutors.bounded(4);
    private final LiveComponents live;

    /** A server of what {@code blueprint} holds, checked first as {@code build()} does. */
    public StdioPipe(Blueprint blueprint) throws IOException {
        blueprint.validate();
        PipedInputStream in = new PipedInputStream(toServer, 1 << 16);
        OutputStream out = new OutputStream() {
            private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                if (b == '\n') {
                    lines.add(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else {
                    line.write(b);
                }
            }
        };
        Components components = blueprint.components(executor);
        transport = new StdioTransport(components, new ModernDispatcher(blueprint.settings(), components), in, out);
        sdk = SdkServer.withSessions(blueprint.settings(), components, transport);
        live = new LiveComponents(components);
        live.attach(sdk);
        transport.start();
    }

    /** Announces that a resource changed, as {@code FastMCP.notifyResourceUpdated} does for a running server. */
    public void resourceUpdated(String uri) {
        live.notifyResourceUpdated(uri);
    }

    /** Writes one line to the server. */
    public void send(String json) throws IOException {
        toServer.write((json + "\n").getBytes(StandardCharsets.UTF_8));
        toServer.flush();
    }

    /** The next line the server writes, within {@code seconds}, as it was written. */
    public String nextLine(int seconds) throws InterruptedException {
        String line = lines.poll(seconds, TimeUnit.SECONDS);
        if (line == null) {
            throw new AssertionError("the server wrote nothing within " + seconds + " s");
        }
        return line;
    }

    /** The next line the server writes, within {@code seconds}. */
    public Map<String, Object> next(int seconds) throws InterruptedException {
        return Json.parseObject(nextLine(seconds), "a line from the server");
    }

    /** Sends a request and returns the server's answer to it (lines before it are skipped). */
    public Map<String, Object> call(int id, String method, String paramsJson)
            throws IOException, InterruptedException {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
                + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Map<String, Object> m = next(15);
            if (m.containsKey("id") && String.valueOf(id).equals(String.valueOf(m.get("id")))) {
                return m;
            }
        }
        throw new AssertionError("no answer to request " + id);
    }

    /** Initializes the session; returns the answer to {@code initialize}. */
    public Map<String, Object> initialize() throws IOException, InterruptedException {
        Map<String, Object> r = call(0, "initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"pipe\",\"version\":\"1\"}}");
        send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        return r;
    }

    @Override
    public void close() throws IOException {
        toServer.close();
        transport.stop();
        sdk.close();
        executor.shutdownNow();
    }
}
