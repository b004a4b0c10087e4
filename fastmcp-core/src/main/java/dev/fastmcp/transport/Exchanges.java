package dev.fastmcp.transport;

import dev.fastmcp.ServerRequest;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Reading Undertow exchanges into our own request type, and media-type checks. */
final class Exchanges {

    private Exchanges() {
    }

    static ServerRequest request(HttpServerExchange ex, Map<String, String> pathParams, byte[] body,
            boolean trustForwarded) {
        // Built straight into an immutable map (which ServerRequest then keeps as is): this runs for every request.
        HeaderMap requestHeaders = ex.getRequestHeaders();
        List<Map.Entry<String, List<String>>> entries = new ArrayList<>(requestHeaders.size()); // size() counts values
        for (HeaderValues values : requestHeaders) {
            entries.add(Map.entry(lowerCase(values.getHeaderName()),
                    values.size() == 1 ? List.of(values.getFirst()) : List.copyOf(values)));
        }
        @SuppressWarnings("unchecked")
        Map<String, List<String>> headers = Map.ofEntries(entries.toArray(Map.Entry[]::new));
        Map<String, List<String>> query = Map.of();
        if (!ex.getQueryParameters().isEmpty()) {
            query = new LinkedHashMap<>();
            for (Map.Entry<String, Deque<String>> e : ex.getQueryParameters().entrySet()) {
                query.put(e.getKey(), new ArrayList<>(e.getValue()));
            }
        }
        String remote = ForwardedHeaders.clientAddress(ex, trustForwarded);
        return new ServerRequest(ex.getRequestMethod().toString(), ex.getRelativePath().isEmpty() ? ex.getRequestPath()
                : ex.getRequestPath(), headers, query, pathParams, remote, body, null);
    }

    /** Header names seen so far, lower-cased once (bounded: names beyond it are lower-cased each time). */
    private static final ConcurrentHashMap<HttpString, String> LOWER_CASE = new ConcurrentHashMap<>();
    private static final int MAX_LOWER_CASE = 512;

    private static String lowerCase(HttpString name) {
        String lower = LOWER_CASE.get(name); // HttpString's equals and hashCode ignore case
        if (lower == null) {
            lower = name.toString().toLowerCase(Locale.ROOT);
            if (LOWER_CASE.size() < MAX_LOWER_CASE) {
                LOWER_CASE.putIfAbsent(name, lower);
            }
        }
        return lower;
    }

    /** Whether an {@code Accept} header admits {@code type}; a missing header admits anything. */
    static boolean accepts(String accept, String type) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        // Scanned in place (this runs for every request): each comma-separated range, without its parameters and
        // surrounding blanks, compared ignoring case.
        int major = type.indexOf('/') + 1; // "application/" with its slash
        int n = accept.length();
        for (int start = 0; start <= n; ) {
            int comma = accept.indexOf(',', start);
            if (comma < 0) {
                comma = n;
            }
            int end = accept.indexOf(';', start);
            if (end < 0 || end > comma) {
                end = comma;
            }
            int a = start;
            int b = end;
            while (a < b && accept.charAt(a) <= ' ') {
                a++;
            }
            while (b > a && accept.charAt(b - 1) <= ' ') {
                b--;
            }
            int len = b - a;
            if (len == type.length() && sameAscii(accept, a, type, len)
                    || len == 3 && accept.startsWith("*/*", a)
                    || len == major + 1 && sameAscii(accept, a, type, major) && accept.charAt(b - 1) == '*') {
                return true;
            }
            start = comma + 1;
        }
        return false;
    }

    /** Whether {@code len} chars of {@code s} from {@code from} are {@code lower}'s first ones, ASCII letters in any case. */
    private static boolean sameAscii(String s, int from, String lower, int len) {
        for (int i = 0; i < len; i++) {
            char c = s.charAt(from + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
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
