package dev.fastmcp;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.function.IntSupplier;
import org.xnio.Options;

/** The embedded Undertow server: the only class that builds one. */
final class HttpServer {

    static {
        // Undertow and XNIO log through JBoss Logging; send it to SLF4J like the rest, unless told otherwise.
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
    }

    private final Undertow undertow;
    private final Routes routes;
    private final int port;

    private HttpServer(Undertow undertow, Routes routes, int port) {
        this.undertow = undertow;
        this.routes = routes;
        this.port = port;
    }

    static HttpServer start(Settings s, StartOptions.Resolved o, McpBackend backend, boolean streaming,
            IntSupplier sessionCount) {
        RequestAuthenticator auth = new RequestAuthenticator(s.authenticator());
        McpEndpoint endpoint = new McpEndpoint(backend, auth, s.maxRequestBytes(), streaming);
        Routes routes = new Routes(o.endpoint(), endpoint, s.routes(), auth, sessionCount, s.maxRequestBytes());
        OriginGuard guard = new OriginGuard(routes, s.dnsRebindingProtection(), isLoopback(o.host()),
                s.allowedHosts(), s.allowedOrigins(), s.cors());
        int cores = Runtime.getRuntime().availableProcessors();
        int idleMillis = (int) Math.max(120_000, s.keepAliveInterval().toMillis() * 3);
        Undertow undertow = Undertow.builder()
                .addHttpListener(o.port(), o.host())
                .setHandler(guard)
                .setIoThreads(Math.max(2, cores))
                .setWorkerThreads(Math.max(16, cores * 8))
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, idleMillis)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 60_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 64 * 1024)
                // Above our own limit, so that the body receivers answer 413 before Undertow cuts the connection.
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, s.maxRequestBytes() + 64 * 1024)
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                .build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            if (e.getCause() instanceof BindException) {
                throw new IllegalStateException("Port " + o.port() + " on " + o.host() + " is already in use; "
                        + "stop the other process, set FASTMCP_PORT, or use port 0 for a free port", e);
            }
            throw e;
        }
        InetSocketAddress address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        return new HttpServer(undertow, routes, address.getPort());
    }

    int port() {
        return port;
    }

    void stopping() {
        routes.stopping();
    }

    void stop() {
        undertow.stop();
    }

    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
