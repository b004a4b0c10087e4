package dev.fastmcp.transport;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.HttpRoute;
import dev.fastmcp.ServerRequest;
import dev.fastmcp.internal.Loopback;
import dev.fastmcp.server.Metadata;
import dev.fastmcp.server.ModernDispatcher;
import dev.fastmcp.server.PublicUrls;
import dev.fastmcp.server.Settings;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.DefaultByteBufferPool;
import io.undertow.server.HttpHandler;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.xnio.Options;

/** The embedded Undertow server: the only class that builds one. */
final class HttpServer {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\[\\]-]{1,100}");

    /** Buffers freed on a thread that did not take them, kept for the next taker (at most 1 MiB of 16 KiB ones). */
    private static final int SHARED_BUFFERS = 64;

    private final Undertow undertow;
    private final Routes routes;
    private final ModernHttp modern;
    private final int port;
    private final AuthProvider.ServerUrls urls;
    private final boolean loopback;

    private HttpServer(Undertow undertow, Routes routes, ModernHttp modern, int port, AuthProvider.ServerUrls urls,
            boolean loopback) {
        this.undertow = undertow;
        this.routes = routes;
        this.modern = modern;
        this.port = port;
        this.urls = urls;
        this.loopback = loopback;
    }

    /**
     * Undertow's own buffers for this heap (heap buffers of 512 bytes under 64 MiB, else direct ones of 1 KiB under
     * 128 MiB and of about 16 KiB above), with a shared queue of up to {@link #SHARED_BUFFERS}. Undertow's default
     * pool has none, so a buffer freed on another thread than the one that took it was dropped: the request bytes an
     * I/O thread read ahead, freed where the body is read (a worker or the tool executor, for MCP 2026-07-28 with
     * authentication), and the I/O thread then allocated and zeroed a new direct buffer for the next request, which
     * the garbage collector had to find and free.
     */
    private static DefaultByteBufferPool bufferPool() {
        long heap = Runtime.getRuntime().maxMemory();
        boolean direct = heap >= 64L * 1024 * 1024;
        int size = !direct ? 512 : heap < 128L * 1024 * 1024 ? 1024 : 16 * 1024 - 20;
        return new DefaultByteBufferPool(direct, size, SHARED_BUFFERS, 4);
    }

    static HttpServer start(Settings s, ResolvedOptions o, McpBackend backend, ModernDispatcher dispatcher,
            boolean streaming,
            java.util.concurrent.Executor userCode,
            java.util.function.BiPredicate<String, Object> runsInline) {
        boolean secured = s.provider() != null || s.authenticator() != null;
        String configuredBase = s.baseUrl() != null ? s.baseUrl() : o.baseUrl() == null ? null
                : PublicUrls.normalizeBaseUrl(o.baseUrl(), s.allowInsecureHttpBaseUrl());
        // The routes need the public URLs, which need the bound port: serve 503 until they are installed.
        Late late = new Late();
        int cores = Runtime.getRuntime().availableProcessors();
        int idleMillis = (int) Math.max(120_000, s.keepAliveInterval().toMillis() * 3);
        Undertow undertow = Undertow.builder()
                .addHttpListener(o.port(), o.host())
                .setHandler(late)
                .setIoThreads(Math.max(2, cores))
                .setWorkerThreads(Math.max(16, cores * 8))
                .setByteBufferPool(bufferPool())
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
        InetSocketAddress bound = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
        int port = bound.getPort();
        // The address the socket is bound to, not a guess from the host's name.
        boolean loopback = Loopback.isLoopbackAddress(bound.getAddress());
        try {
            if (secured && configuredBase == null && !loopback) {
                throw new IllegalStateException("Server '" + s.name() + "' binds " + o.host() + " with auth configured "
                        + "but no baseUrl: set baseUrl(\"https://your.public.host\") or FASTMCP_BASE_URL; it is never guessed from Host");
            }
            String host = o.host().contains(":") ? "[" + o.host() + "]" : o.host();
            String base = configuredBase != null ? configuredBase : "http://" + host + ":" + port;
            String mcpPath = PublicUrls.path(base) + o.endpoint();
            String resource = base + o.endpoint();
            AuthProvider.ServerUrls urls = new AuthProvider.ServerUrls(base, resource,
                    PublicUrls.wellKnown(resource, "oauth-protected-resource"));
            if (s.provider() != null) {
                s.provider().configure(urls);
            }
            java.util.function.Function<ServerRequest, AuthProvider.ServerUrls> urlsFor = configuredBase != null
                    ? req -> urls : req -> loopbackUrls(req, urls, o.endpoint());
            RequestAuthenticator auth = new RequestAuthenticator(s.authenticator(), s.provider(),
                    req -> urlsFor.apply(req).protectedResourceMetadata(), s.requiredScopes(), s.scopeHierarchy(),
                    o.testIdentities());
            ModernHttp modern = new ModernHttp(dispatcher, s.keepAliveInterval().toSeconds());
            McpEndpoint endpoint = new McpEndpoint(backend, modern, auth, s.maxRequestBytes(), streaming,
                    s.trustForwardedHeaders(), userCode, runsInline);
            List<Settings.Route> all = new ArrayList<>(s.routes());
            java.util.Set<String> publicCors = new java.util.LinkedHashSet<>();
            if (s.provider() != null) {
                for (HttpRoute r : Metadata.routes(s.name(), s.provider(), urls, urlsFor)) {
                    all.add(new Settings.Route(r.method(), r.path(), r.handler(), false, r.maxBodyBytes()));
                    if (r.publicCors()) {
                        publicCors.add(r.path());
                    }
                }
                for (HttpRoute r : s.provider().routes()) {
                    all.add(new Settings.Route(r.method(), urls.basePath() + r.path(), r.handler(), false,
                            r.maxBodyBytes()));
                    if (r.publicCors()) {
                        publicCors.add(urls.basePath() + r.path());
                    }
                }
            }
            Routes routes = new Routes(mcpPath, endpoint, all, auth, s.maxRequestBytes(),
                    s.trustForwardedHeaders());
            late.next = new OriginGuard(routes, mcpPath, s.dnsRebindingProtection(), loopback, s.allowedHosts(),
                    s.allowedOrigins(), s.cors(), s.trustForwardedHeaders(), publicCors);
            return new HttpServer(undertow, routes, modern, port, urls, loopback);
        } catch (RuntimeException e) {
            undertow.stop();
            throw e;
        }
    }

    int port() {
        return port;
    }

    AuthProvider.ServerUrls urls() {
        return urls;
    }

    /** Whether the listening socket is bound to a loopback address. */
    boolean loopback() {
        return loopback;
    }

    void stopping() {
        routes.stopping();
        modern.stopping();
    }

    void stop() {
        undertow.stop();
    }

    /**
     * Without a configured base URL (a loopback development server), the public URLs follow the loopback
     * name the client used, so a client on {@code localhost} is not told the resource is {@code 127.0.0.1}
     * (clients check the resource's origin). Only loopback names count; anything else gets the defaults.
     */
    private static AuthProvider.ServerUrls loopbackUrls(ServerRequest req, AuthProvider.ServerUrls defaults,
            String endpoint) {
        String host = req.header("host");
        if (host == null || !HOST.matcher(host).matches()
                || !Loopback.isLoopbackHost(OriginGuard.hostName(host))) {
            return defaults;
        }
        String base = "http://" + host.toLowerCase(java.util.Locale.ROOT);
        String resource = base + endpoint;
        return new AuthProvider.ServerUrls(base, resource, PublicUrls.wellKnown(resource, "oauth-protected-resource"));
    }

    /** The root handler, installed once the public URLs are known. */
    private static final class Late implements HttpHandler {
        volatile HttpHandler next;

        @Override
        public void handleRequest(io.undertow.server.HttpServerExchange ex) throws Exception {
            HttpHandler handler = next;
            if (handler == null) {
                ex.setStatusCode(503);
                ex.endExchange();
                return;
            }
            handler.handleRequest(ex);
        }
    }
}
