package dev.fastmcp.server;

import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.util.Locale;

/** The public URLs of a server: base URL validation and the well-known locations (RFC 8414 and RFC 9728). */
public final class PublicUrls {

    private PublicUrls() {
    }

    /** Validates a base URL and returns its canonical form: lower-case scheme and host, no trailing slash. */
    public static String normalizeBaseUrl(String url, boolean allowInsecureHttp) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("baseUrl '" + url + "' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("baseUrl '" + url + "' must be an absolute http(s) URL, "
                    + "such as https://mcp.example.com");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("baseUrl '" + url + "' must not have user info, a query or a fragment");
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (scheme.equals("http") && !allowInsecureHttp && !Loopback.isLoopbackHost(host)) {
            throw new IllegalArgumentException("baseUrl '" + url + "' uses plain http on a non-loopback host: "
                    + "tokens would travel unencrypted. Use https, or call allowInsecureHttpBaseUrl() to accept it");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        return scheme + "://" + host + port + path;
    }

    static String origin(String baseUrl) {
        URI uri = URI.create(baseUrl);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    public static String path(String baseUrl) {
        String p = URI.create(baseUrl).getRawPath();
        return p == null ? "" : p;
    }

    /** The well-known URL for {@code suffix} of a resource or issuer: path inserted after the well-known part. */
    public static String wellKnown(String url, String suffix) {
        return origin(url) + "/.well-known/" + suffix + path(url);
    }
}
