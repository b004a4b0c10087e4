package dev.fastmcp.transport;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;

/**
 * The one reader of the headers a reverse proxy sets, {@code X-Forwarded-For} and {@code X-Forwarded-Host}: read
 * only when the server trusts them ({@code trustForwardedHeaders}). Of a list, only the last entry counts, the one
 * our proxy set; earlier ones are whatever the client sent, so taking the first would let anyone choose their
 * address (and escape every per-address limit) or the host their request is checked against.
 */
final class ForwardedHeaders {

    private ForwardedHeaders() {
    }

    /** The client's address: the proxy's last {@code X-Forwarded-For} entry when trusted, else the peer's. */
    static String clientAddress(HttpServerExchange ex, boolean trusted) {
        String forwarded = trusted ? lastEntry(ex, "X-Forwarded-For") : null;
        if (forwarded != null) {
            return forwarded;
        }
        InetSocketAddress peer = ex.getSourceAddress();
        return peer == null || peer.getAddress() == null ? "" : peer.getAddress().getHostAddress();
    }

    /** The host the client asked for: the proxy's last {@code X-Forwarded-Host} entry when trusted, else Host. */
    static String host(HttpServerExchange ex, boolean trusted) {
        String forwarded = trusted ? lastEntry(ex, "X-Forwarded-Host") : null;
        return forwarded != null ? forwarded : ex.getRequestHeaders().getFirst(Headers.HOST);
    }

    /** The last comma-separated entry of the header's last line; null when absent or blank. */
    private static String lastEntry(HttpServerExchange ex, String name) {
        HeaderValues values = ex.getRequestHeaders().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        String line = values.getLast();
        String last = line.substring(line.lastIndexOf(',') + 1).trim();
        return last.isEmpty() ? null : last;
    }
}
