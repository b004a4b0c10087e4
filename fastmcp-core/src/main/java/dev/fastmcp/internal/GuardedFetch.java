package dev.fastmcp.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntPredicate;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A GET of a URL chosen by a stranger (a client's metadata document, the keys it names), guarded against server-side
 * request forgery. The bounds of {@link BoundedFetch} hold (one deadline for the whole exchange, host name lookup
 * included, and a body cap), and so do these:
 * <ul>
 *   <li>the host is resolved once, and <em>every</em> address must pass the caller's {@link AddressRule} (usually
 *       {@link NetworkAddresses}) before anything is sent;</li>
 *   <li>the connection goes to an address that was checked: a socket connected to that {@link InetAddress}, with TLS
 *       layered on it for the host name (SNI, and the certificate checked for that name). No second lookup happens,
 *       so a name that resolves to a public address for the check and to an internal one for the connection (DNS
 *       rebinding) gains nothing;</li>
 *   <li>redirects are never followed: a 3xx is an answer like any other, for the caller to refuse;</li>
 *   <li>HTTP/1.1 only, {@code Connection: close}, no content coding, and the status line and headers are bounded
 *       too.</li>
 * </ul>
 * The JDK's {@code HttpClient} cannot connect to a given address (it resolves the name itself), hence this small
 * client of its own.
 */
public final class GuardedFetch {

    /** Resolves a host name (or an address literal, without brackets) to its addresses. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** Decides whether one resolved address may be connected to. */
    @FunctionalInterface
    public interface AddressRule {
        /** Why {@code address} is refused, as a phrase; null when it may be connected to. */
        String refusal(InetAddress address);
    }

    /** The URL or one of its addresses was refused; nothing was sent to it. */
    public static final class RefusedException extends IOException {
        private static final long serialVersionUID = 1L;

        RefusedException(String message) {
            super(message);
        }
    }

    /** The system's resolver. */
    public static final Resolver SYSTEM_RESOLVER = InetAddress::getAllByName;

    /**
     * Host name lookups block their thread for as long as the resolver takes, whatever the deadline, so they run
     * here: a few threads, a short queue, and a refusal beyond it, so that strangers choosing slow names cannot take
     * the server's workers.
     */
    private static final ThreadPoolExecutor LOOKUPS = lookups();

    private final Duration deadline;
    private final long maxBytes;
    private final SSLContext tls;
    private final Resolver resolver;

    /**
     * @param deadline for the whole exchange: lookup, connection, TLS handshake, headers and body
     * @param maxBytes the largest body read
     * @param tls      the TLS context of https URLs (its trust managers decide which certificates are trusted)
     * @param resolver how host names are resolved; {@link #SYSTEM_RESOLVER} outside tests
     */
    public GuardedFetch(Duration deadline, long maxBytes, SSLContext tls, Resolver resolver) {
        this.deadline = Objects.requireNonNull(deadline, "deadline == null");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive, was " + deadline);
        }
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.tls = Objects.requireNonNull(tls, "tls == null");
        this.resolver = Objects.requireNonNull(resolver, "resolver == null");
    }

    /** The deadline of one exchange. */
    public Duration deadline() {
        return deadline;
    }

    /**
     * Fetches {@code uri} ({@code https}, or {@code http} when the caller allows it) with a GET.
     *
     * @param headers    request headers to add (such as {@code If-None-Match}); no line breaks
     * @param rule       the check of every resolved address
     * @param bodyWanted the statuses whose body is read; any other body is left unread
     * @throws RefusedException     when the URL or one of its addresses is refused; nothing was sent
     * @throws HttpTimeoutException when the exchange did not complete within the deadline
     * @throws BoundedFetch.TooLargeException when a wanted body is larger than the cap
     * @throws IOException          when the exchange failed otherwise
     */
    public BoundedFetch.Response get(URI uri, Map<String, String> headers, AddressRule rule, IntPredicate bodyWanted)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new RefusedException("only https URLs are fetched, not '" + scheme + "'");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new RefusedException("the URL needs a host and no user information");
        }
        boolean https = scheme.equals("https");
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        int port = uri.getPort() < 0 ? (https ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new RefusedException("the URL's port " + port + " is not a TCP port");
        }
        InetAddress[] addresses = resolve(host, end);
        for (InetAddress address : addresses) {
            String why = rule.refusal(address);
            if (why != null) {
                throw new RefusedException(host + " resolves to " + address.getHostAddress() + ", " + why);
            }
        }
        Socket socket = connect(addresses, port, end);
        try {
            Socket channel = https ? secure(socket, host, port, end) : socket;
            writeRequest(channel.getOutputStream(), uri, headers);
            return new ResponseReader(channel, end, maxBytes).response(bodyWanted);
        } finally {
            socket.close();
        }
    }

    private InetAddress[] resolve(String host, long end) throws IOException, InterruptedException {
        Future<InetAddress[]> lookup;
        try {
            lookup = LOOKUPS.submit(() -> resolver.resolve(host));
        } catch (RejectedExecutionException e) {
            throw new IOException("too many host name lookups are under way; try again shortly");
        }
        try {
            InetAddress[] found = lookup.get(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (found == null || found.length == 0) {
                throw new UnknownHostException("no address for " + host);
            }
            return found;
        } catch (TimeoutException e) {
            lookup.cancel(true);
            throw new HttpTimeoutException("no address for " + host + " within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UnknownHostException u ? new UnknownHostException("unknown host " + host)
                    : new IOException("the lookup of " + host + " failed", e.getCause());
        } catch (InterruptedException e) {
            lookup.cancel(true);
            throw e;
        }
    }

    /** A socket connected to the first of the checked addresses that answers within the deadline. */
    private static Socket connect(InetAddress[] addresses, int port, long end) throws IOException {
        IOException last = null;
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(address, port), remainingMillis(end));
                return socket;
            } catch (IOException e) {
                socket.close();
                last = e;
            }
        }
        if (System.nanoTime() - end >= 0 || last instanceof SocketTimeoutException) {
            throw new HttpTimeoutException("could not connect within the deadline");
        }
        throw last;
    }

    /** TLS over the connected socket, for {@code host}: SNI when it is a name, the certificate checked for it. */
    private SSLSocket secure(Socket socket, String host, int port, long end) throws IOException {
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (Loopback.ipv4(host) == null && host.indexOf(':') < 0) {
            try {
                params.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException e) {
                throw new RefusedException("'" + host + "' is not a valid host name for TLS");
            }
        }
        ssl.setSSLParameters(params);
        ssl.setSoTimeout(remainingMillis(end));
        try {
            ssl.startHandshake();
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no TLS handshake within the deadline");
        }
        return ssl;
    }

    private static void writeRequest(OutputStream out, URI uri, Map<String, String> headers) throws IOException {
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder request = new StringBuilder(256).append("GET ").append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getRawAuthority()).append("\r\n");
        headers.forEach((name, value) -> {
            if ((name + value).chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new IllegalArgumentException("header " + name + " contains a line break");
            }
            request.append(name).append(": ").append(value).append("\r\n");
        });
        request.append("Accept-Encoding: identity\r\nConnection: close\r\n\r\n");
        out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The milliseconds left before {@code end} (a {@link System#nanoTime()}); none left is a timeout. */
    static int remainingMillis(long end) throws HttpTimeoutException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
        if (remaining <= 0) {
            throw new HttpTimeoutException("no complete response within the deadline");
        }
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    private static ThreadPoolExecutor lookups() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                r -> {
                    Thread t = new Thread(r, "fastmcp-host-lookup");
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }
}
