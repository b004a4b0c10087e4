package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.util.Locale;

/**
 * Which RFC 8707 {@code resource} values name this server at {@code /oauth/authorize} and {@code /oauth/token}. The
 * tokens we issue are always for our MCP endpoint; a request naming any other resource is refused with
 * {@code invalid_target}, so that a client never holds a token it believes good for another server.
 *
 * <p>Accepted, besides an absent {@code resource}: our MCP endpoint's URL, and the server's base URL (its bare
 * origin when it has no path), since the MCP endpoint is the only resource the server protects. Each is compared
 * with the scheme and host in any case, the default port written or not, a trailing slash or none, and any query
 * string: hosted clients send the URL the user typed, query included. The path must otherwise be the same string:
 * {@code /mcpx}, {@code /mcp/tools}, {@code /other/../mcp} or an encoded {@code /%6Dcp} are other resources. A value
 * with user information or a fragment (which RFC 8707 §2 forbids) is refused, since a name such as
 * {@code https://our.host@evil.example/mcp} reads as ours to a person and points elsewhere. A server on a loopback
 * host accepts its URLs under any loopback name.
 */
final class ResourceIndicators {

    private final Target resource;
    private final Target base;

    /**
     * @param resource the MCP endpoint's public URL
     * @param baseUrl  the server's public base URL
     */
    ResourceIndicators(String resource, String baseUrl) {
        this.resource = Target.of(resource);
        this.base = Target.of(baseUrl);
        if (this.resource == null || this.base == null) {
            throw new IllegalArgumentException("The server's resource '" + resource + "' and base URL '" + baseUrl
                    + "' must be absolute http(s) URLs without user information or fragment");
        }
    }

    /** Whether {@code requested} names this server: absent, or one of the accepted forms. */
    boolean accepts(String requested) {
        if (requested == null) {
            return true;
        }
        Target t = Target.of(requested);
        return t != null && (names(t, resource) || names(t, base));
    }

    /**
     * Whether {@code t} is {@code ours}; a server on a loopback host also answers under the other loopback names
     * (a development server tells a client on {@code localhost} that its resource is on {@code localhost}), and
     * another process cannot hold the same port on this machine.
     */
    private static boolean names(Target t, Target ours) {
        if (t.equals(ours)) {
            return true;
        }
        return Loopback.isLoopbackHost(ours.host()) && Loopback.isLoopbackHost(t.host())
                && t.equals(new Target(ours.scheme(), t.host(), ours.port(), ours.path()));
    }

    /** A URL reduced to what tells resources apart: lower-case scheme and host, explicit port, path without '/'. */
    private record Target(String scheme, String host, int port, String path) {

        static Target of(String url) {
            URI u;
            try {
                u = new URI(url.trim());
            } catch (Exception e) {
                return null;
            }
            if (u.getScheme() == null || u.getRawAuthority() == null || u.getHost() == null
                    || u.getRawUserInfo() != null || u.getRawFragment() != null) {
                return null;
            }
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            int port = u.getPort() >= 0 ? u.getPort() : scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            if (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new Target(scheme, u.getHost().toLowerCase(Locale.ROOT), port, path);
        }
    }
}
