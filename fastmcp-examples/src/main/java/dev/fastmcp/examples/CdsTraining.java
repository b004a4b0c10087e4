package dev.fastmcp.examples;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The training run behind the AppCDS archive that the build writes next to the jar
 * ({@code target/fastmcp-examples.jsa}): run by the build as
 * {@code java -XX:ArchiveClassesAtExit=target/fastmcp-examples.jsa -cp target/fastmcp-examples.jar
 * dev.fastmcp.examples.CdsTraining}, with {@code FASTMCP_HOST=127.0.0.1} and {@code FASTMCP_PORT=0}.
 *
 * <p>It starts the {@code calculator} example exactly as {@code java -jar fastmcp-examples.jar calculator} does,
 * finds the port the server was given through XNIO's management bean of its listener, answers one
 * {@code initialize} and one {@code tools/call} over real loopback HTTP, then exits with status 0, which is when
 * the JVM writes the archive. Any failure, or more than {@link #LIMIT} in all, ends it with status 1.
 */
final class CdsTraining {

    /** The most the whole run may take. */
    static final Duration LIMIT = Duration.ofSeconds(60);

    private static final String PROTOCOL_VERSION = "2025-06-18";

    private CdsTraining() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(LIMIT.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("CDS training: no result after " + LIMIT.toSeconds() + " s, giving up");
            Runtime.getRuntime().halt(1);
        }, "cds-training-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            train();
        } catch (Exception e) {
            System.err.println("CDS training failed: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static void train() throws Exception {
        if (!"0".equals(System.getenv("FASTMCP_PORT"))) {
            throw new IllegalStateException("run it with FASTMCP_PORT=0 (and FASTMCP_HOST=127.0.0.1)");
        }
        Main.main(new String[] {"calculator"});
        URI mcp = URI.create("http://" + listenerAddress() + "/mcp");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> init = post(client, mcp, null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                + "\"params\":{\"protocolVersion\":\"" + PROTOCOL_VERSION + "\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"cds-training\",\"version\":\"1.0\"}}}");
        if (!init.body().contains("\"result\"")) {
            throw new IllegalStateException("initialize was refused: " + init.body());
        }
        String session = init.headers().firstValue("Mcp-Session-Id")
                .orElseThrow(() -> new IllegalStateException("initialize gave no session: " + init.body()));
        post(client, mcp, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        HttpResponse<String> call = post(client, mcp, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
                + "\"tools/call\",\"params\":{\"name\":\"add\",\"arguments\":{\"a\":1,\"b\":2}}}");
        if (!call.body().contains("\"3.0\"")) {
            throw new IllegalStateException("tools/call did not add 1 and 2: " + call.body());
        }
    }

    /** The one HTTP listener of this JVM, as host:port, from the management bean XNIO registers for it. */
    private static String listenerAddress() throws Exception {
        MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> listeners = beans.queryNames(new ObjectName("org.xnio:type=Xnio,provider=*,worker=*,address=*"),
                null);
        if (listeners.size() != 1) {
            throw new IllegalStateException("expected one XNIO listener, found " + listeners);
        }
        Object address = beans.getAttribute(listeners.iterator().next(), "BindAddress");
        if (address instanceof InetSocketAddress socket) {
            return socket.getHostString() + ":" + socket.getPort();
        }
        String text = String.valueOf(address); // "/127.0.0.1:port" or "host/127.0.0.1:port"
        return "127.0.0.1:" + text.substring(text.lastIndexOf(':') + 1);
    }

    private static HttpResponse<String> post(HttpClient client, URI uri, String session, String body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            request.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", PROTOCOL_VERSION);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response;
    }
}
