package dev.fastmcp;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading Undertow exchanges into our own request type, and media-type checks. */
final class Exchanges {

    private Exchanges() {
    }

    static ServerRequest request(HttpServerExchange ex, Map<String, String> pathParams, byte[] body,
            boolean trustForwarded) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HeaderValues values : ex.getRequestHeaders()) {
            headers.put(values.getHeaderName().toString().toLowerCase(Locale.ROOT), List.copyOf(values));
        }
        Map<String, List<String>> query = new LinkedHashMap<>();
        for (Map.Entry<String, Deque<String>> e : ex.getQueryParameters().entrySet()) {
            query.put(e.getKey(), new ArrayList<>(e.getValue()));
        }
        InetSocketAddress peer = ex.getSourceAddress();
        String remote = peer == null || peer.getAddress() == null ? "" : peer.getAddress().getHostAddress();
        String forwarded = ex.getRequestHeaders().getFirst("X-Forwarded-For");
        if (trustForwarded && forwarded != null && !forwarded.isBlank()) {
            // The last entry is the one our proxy appended; earlier ones are whatever the client sent, so taking
            // the first would let anyone choose their address (and escape every per-address rate limit).
            String[] hops = forwarded.split(",");
            String last = hops[hops.length - 1].trim();
            if (!last.isEmpty()) {
                remote = last;
            }
        }
        return new ServerRequest(ex.getRequestMethod().toString(), ex.getRelativePath().isEmpty() ? ex.getRequestPath()
                : ex.getRequestPath(), headers, query, pathParams, remote, body, null);
    }

    /** Whether an {@code Accept} header admits {@code type}; a missing header admits anything. */
    static boolean accepts(String accept, String type) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        String major = type.substring(0, type.indexOf('/'));
        for (String range : accept.split(",")) {
            String media = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (media.equals(type) || media.equals("*/*") || media.equals(major + "/*")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a {@code Content-Type} header is JSON. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json");
    }
}
