package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The redirect URI rules of the OAuth proxy: what a client may register, when a requested redirect URI equals a
 * registered one, and how {@code allowedRedirectUriPatterns} match.
 *
 * <p>Every check works on a parsed URI, component by component; no rule is a regular expression or a prefix test
 * over the raw string, so a wildcard can never reach from the host into the path, the query, the fragment or the
 * userinfo (the bypass {@code https://evil.com/.example.com/} of FastMCP TypeScript's glob patterns).
 *
 * <h2>Acceptable redirect URIs ({@link #registrationError})</h2>
 * <ul>
 *   <li>{@code https} with a host;</li>
 *   <li>{@code http} only on a loopback host: {@code localhost} (and {@code *.localhost}, RFC 6761),
 *       {@code 127.0.0.0/8} or {@code [::1]} (RFC 8252 §7.3);</li>
 *   <li>a private-use scheme of a native app (RFC 8252 §7.1), such as {@code com.example.app:/cb},
 *       {@code cursor://anysphere.cursor-retrieval/oauth/callback} or {@code claude://callback}. The URI must be
 *       hierarchical (its scheme is followed by {@code /}); opaque forms such as {@code urn:...} are refused.</li>
 * </ul>
 * Always refused: relative URIs, fragments, userinfo, dot segments (also percent-encoded or behind an encoded
 * slash), the schemes listed in {@link #DANGEROUS_SCHEMES}, spaces, control characters (also percent-encoded in the
 * path), URIs longer than {@value #MAX_LENGTH} characters, and <b>any non-ASCII character</b>. The last one is a
 * decision: an internationalised host must be registered in its punycode ({@code xn--}) form and a non-ASCII path
 * percent-encoded. Normalising instead would make the registered string differ from what the client sends later, and
 * the exact match below would then need the same normalisation everywhere; refusing keeps one spelling per URI.
 */
final class RedirectUris {

    /** The longest redirect URI accepted. */
    static final int MAX_LENGTH = 2048;

    /**
     * Schemes never accepted: they run code or read local content in a browser ({@code javascript}, {@code data},
     * {@code vbscript}, {@code file}, {@code blob}, {@code about}, {@code view-source}, {@code jar},
     * {@code filesystem}), or are not an HTTP redirect target at all ({@code ftp}, {@code ftps}, {@code ws},
     * {@code wss}).
     */
    static final Set<String> DANGEROUS_SCHEMES = Set.of("javascript", "data", "file", "vbscript", "about", "blob",
            "ftp", "ftps", "ws", "wss", "view-source", "jar", "filesystem");

    private RedirectUris() {
    }

    /**
     * Why {@code uri} cannot be registered by a client, or {@code null} when it can. The reason is written for the
     * client developer and is safe to return in an RFC 7591 {@code invalid_redirect_uri} error.
     */
    static String registrationError(String uri) {
        if (uri == null || uri.isEmpty()) {
            return "redirect URI is empty";
        }
        if (uri.length() > MAX_LENGTH) {
            return "redirect URI is longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c == 0x7F) {
                return "redirect URI contains a space or a control character";
            }
            if (c > 0x7E) {
                return "redirect URI contains a non-ASCII character; use the punycode (xn--) form of the host and"
                        + " percent-encode the path";
            }
        }
        if (uri.indexOf('#') >= 0) {
            return "redirect URI must not contain a fragment (RFC 6749 §3.1.2)";
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return "redirect URI is not a valid URI";
        }
        if (!parsed.isAbsolute()) {
            return "redirect URI must be absolute (RFC 6749 §3.1.2)";
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if (DANGEROUS_SCHEMES.contains(scheme)) {
            return "redirect URI scheme '" + scheme + "' is not allowed";
        }
        if (parsed.isOpaque()) {
            return "redirect URI must be hierarchical (scheme followed by '/'), e.g. com.example.app:/callback";
        }
        String authority = parsed.getRawAuthority();
        if (authority != null && authority.indexOf('@') >= 0) {
            return "redirect URI must not contain userinfo ('user@host')";
        }
        if (authority != null && parsed.getHost() == null) {
            return "redirect URI has an invalid host";
        }
        if (parsed.getPort() > 65535) {
            return "redirect URI has an invalid port";
        }
        if (hasDotSegmentOrEncodedControl(parsed.getRawPath())) {
            return "redirect URI path must not contain '.' or '..' segments (also percent-encoded) or encoded"
                    + " control characters";
        }
        if (scheme.equals("https")) {
            return parsed.getHost() == null ? "https redirect URI needs a host" : null;
        }
        if (scheme.equals("http")) {
            if (parsed.getHost() == null || !Loopback.isLoopbackHost(parsed.getHost())) {
                return "http redirect URIs are only allowed on a loopback host (localhost, 127.0.0.1, [::1]);"
                        + " use https";
            }
            return null;
        }
        return null;
    }

    /**
     * Whether {@code requested} is one of the {@code registered} redirect URIs. The comparison is exact, except
     * that scheme and host compare case-insensitively and, for an {@code http} URI on a loopback host, the port
     * may differ (RFC 8252 §7.3: native apps listen on an ephemeral port). Path and query must be identical, never
     * case-folded nor decoded. A requested URI that could not have been registered never matches.
     */
    static boolean matchesRegistered(String requested, List<String> registered) {
        if (registered == null || registrationError(requested) != null) {
            return false;
        }
        URI req = URI.create(requested);
        for (String candidate : registered) {
            if (candidate == null) {
                continue;
            }
            if (candidate.equals(requested)) {
                return true;
            }
            if (registrationError(candidate) == null && sameComponents(req, URI.create(candidate))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sameComponents(URI a, URI b) {
        if (!a.getScheme().equalsIgnoreCase(b.getScheme())
                || !equalsIgnoreCase(a.getHost(), b.getHost())
                || !Objects.equals(a.getRawPath(), b.getRawPath())
                || !Objects.equals(a.getRawQuery(), b.getRawQuery())
                || (a.getRawAuthority() == null) != (b.getRawAuthority() == null)) {
            return false;
        }
        boolean loopbackHttp = a.getScheme().equalsIgnoreCase("http") && Loopback.isLoopbackHost(a.getHost());
        return loopbackHttp || a.getPort() == b.getPort();
    }

    /**
     * Whether {@code uri} matches one of the {@code allowedRedirectUriPatterns}. The URI must first be acceptable
     * to {@link #registrationError} (so userinfo, fragments, dot segments and http off loopback never match).
     *
     * <p>Pattern grammar, matched component by component against the parsed URI:
     * <pre>
     * pattern   = scheme "://" host [ ":" port ] [ path ] [ "?" query ]
     *           / scheme ":" path [ "?" query ]              ; no authority, e.g. com.example.app:/cb
     * scheme    = the URI's scheme, compared case-insensitively, no wildcard
     * host      = a host name or IP literal, compared case-insensitively
     *           / "*." domain   ; one or more labels in front of domain: *.example.com matches a.example.com and
     *                           ; a.b.example.com, never example.com itself nor example.com.evil.com
     * port      = digits        ; exactly that port
     *           / "*"           ; any port, or none
     *                           ; absent: the URI has no port or the scheme's default (80 for http, 443 for https)
     * path      = absent        ; any path (so the documented "http://localhost:*" allows any callback path)
     *           / "/" ... "/*"  ; prefix aligned on a segment: /cb/* matches /cb/ and /cb/x/y, not /cb nor /cbx
     *           / "/" ...       ; exactly that path, case-sensitive, no decoding ("/" also matches an empty path)
     * query     = "*"           ; any query, or none
     *           / text          ; exactly that query
     *                           ; no "?" in the pattern: the URI must have no query
     * </pre>
     * A {@code *} anywhere else, a fragment, userinfo, whitespace or non-ASCII text makes a pattern invalid, and an
     * invalid pattern matches nothing. An empty list matches nothing.
     */
    static boolean matchesPattern(String uri, List<String> patterns) {
        if (patterns == null || patterns.isEmpty() || registrationError(uri) != null) {
            return false;
        }
        URI parsed = URI.create(uri);
        for (String pattern : patterns) {
            Pattern p = Pattern.parse(pattern);
            if (p != null && p.matches(parsed)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code pattern} follows the grammar of {@link #matchesPattern} (an invalid one matches nothing). */
    static boolean isValidPattern(String pattern) {
        return Pattern.parse(pattern) != null;
    }

    /** A parsed {@code allowedRedirectUriPatterns} entry; see {@link #matchesPattern} for the grammar. */
    private record Pattern(String scheme, boolean hasAuthority, String host, boolean hostWildcard, String port,
            String path, boolean pathPrefix, String query) {

        static Pattern parse(String text) {
            if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
                return null;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c <= 0x20 || c >= 0x7F || c == '#' || c == '@' || c == '\\') {
                    return null;
                }
            }
            int colon = text.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!scheme.matches("[a-z][a-z0-9+.-]*")) {
                return null;
            }
            String rest = text.substring(colon + 1);
            String query = null;
            int q = rest.indexOf('?');
            if (q >= 0) {
                query = rest.substring(q + 1);
                rest = rest.substring(0, q);
                if (!query.equals("*") && query.indexOf('*') >= 0) {
                    return null;
                }
            }
            boolean hasAuthority = rest.startsWith("//");
            String host = null;
            String port = null;
            boolean hostWildcard = false;
            String path;
            if (hasAuthority) {
                int slash = rest.indexOf('/', 2);
                String authority = slash < 0 ? rest.substring(2) : rest.substring(2, slash);
                path = slash < 0 ? null : rest.substring(slash);
                int portColon = authority.startsWith("[") ? authority.indexOf(':', authority.indexOf(']') + 1)
                        : authority.lastIndexOf(':');
                host = portColon < 0 ? authority : authority.substring(0, portColon);
                if (portColon >= 0) {
                    port = authority.substring(portColon + 1);
                    if (!port.equals("*") && !port.matches("[0-9]{1,5}")) {
                        return null;
                    }
                }
                host = host.toLowerCase(Locale.ROOT);
                if (host.startsWith("*.")) {
                    hostWildcard = true;
                    host = host.substring(2);
                }
                if (host.isEmpty() || host.indexOf('*') >= 0 || host.startsWith(".") || host.contains("..")) {
                    return null;
                }
            } else {
                path = rest;
                if (!path.startsWith("/")) {
                    return null;
                }
            }
            boolean pathPrefix = false;
            if (path != null) {
                if (path.endsWith("/*")) {
                    pathPrefix = true;
                    path = path.substring(0, path.length() - 1);
                }
                if (path.indexOf('*') >= 0 || hasDotSegmentOrEncodedControl(path)) {
                    return null;
                }
            }
            return new Pattern(scheme, hasAuthority, host, hostWildcard, port, path, pathPrefix, query);
        }

        boolean matches(URI uri) {
            if (!scheme.equalsIgnoreCase(uri.getScheme()) || hasAuthority != (uri.getRawAuthority() != null)) {
                return false;
            }
            if (hasAuthority && !(hostMatches(uri.getHost()) && portMatches(uri.getPort()))) {
                return false;
            }
            return pathMatches(uri.getRawPath()) && queryMatches(uri.getRawQuery());
        }

        private boolean hostMatches(String uriHost) {
            if (uriHost == null) {
                return false;
            }
            String h = uriHost.toLowerCase(Locale.ROOT);
            if (!hostWildcard) {
                return h.equals(host);
            }
            // One or more whole labels in front of ".domain"; the parsed host holds no '/', '?', '#' or '@'.
            return h.length() > host.length() + 1 && h.endsWith("." + host) && !h.startsWith(".")
                    && !h.startsWith("[");
        }

        private boolean portMatches(int uriPort) {
            if ("*".equals(port)) {
                return true;
            }
            if (port == null) {
                return uriPort == -1 || uriPort == defaultPort(scheme);
            }
            return uriPort == Integer.parseInt(port)
                    || (uriPort == -1 && Integer.parseInt(port) == defaultPort(scheme));
        }

        private boolean pathMatches(String uriPath) {
            if (path == null) {
                return true;
            }
            String p = uriPath == null || uriPath.isEmpty() ? (hasAuthority ? "/" : "") : uriPath;
            return pathPrefix ? p.startsWith(path) : p.equals(path);
        }

        private boolean queryMatches(String uriQuery) {
            if (query == null) {
                return uriQuery == null;
            }
            return query.equals("*") || query.equals(uriQuery);
        }

        private static int defaultPort(String scheme) {
            return switch (scheme) {
                case "http" -> 80;
                case "https" -> 443;
                default -> -2;
            };
        }
    }

    /**
     * Whether a raw path holds a {@code .} or {@code ..} segment once percent-decoded (so {@code %2e%2e} and
     * {@code ..%2f} count, as does a backslash used as a separator), or a percent-encoded control character.
     */
    static boolean hasDotSegmentOrEncodedControl(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return false;
        }
        StringBuilder decoded = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%' && i + 2 < rawPath.length()) {
                int hi = Character.digit(rawPath.charAt(i + 1), 16);
                int lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    c = (char) (hi * 16 + lo);
                    i += 2;
                }
            }
            if (c < 0x20 || c == 0x7F) {
                return true;
            }
            decoded.append(c);
        }
        for (String segment : decoded.toString().split("[/\\\\]", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static boolean equalsIgnoreCase(String a, String b) {
        return a == null ? b == null : a.equalsIgnoreCase(b);
    }

}
