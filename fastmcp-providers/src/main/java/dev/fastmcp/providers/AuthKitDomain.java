package dev.fastmcp.providers;

import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.util.Locale;

/**
 * A WorkOS AuthKit domain and where AuthKit serves its OAuth endpoints: the issuer is the domain's origin
 * ({@code https://<subdomain>.authkit.app}, or a custom authentication domain), and the authorization, token,
 * userinfo and key set endpoints are under {@code /oauth2/} of it.
 *
 * @param issuer the domain as an origin: {@code https://<host>} (a port when given), no trailing slash
 */
record AuthKitDomain(String issuer) {

    /**
     * Reads {@code domain} as given by a user: a host name ({@code your-app.authkit.app}) or an https origin
     * ({@code https://your-app.authkit.app}, a trailing slash allowed); plain http only on a loopback host, for
     * tests.
     *
     * @param preset the preset asking, named in the errors
     */
    static AuthKitDomain parse(String preset, String domain) {
        String hint = " Pass the AuthKit domain of your WorkOS environment (from the WorkOS dashboard), such as "
                + "'your-app.authkit.app' or 'https://auth.example.com' for a custom domain, to " + preset
                + ".builder(authkitDomain, ...)";
        if (domain == null || domain.isBlank()) {
            throw new IllegalArgumentException(preset + ": the AuthKit domain is missing (was "
                    + PresetBuilder.quoted(domain) + ")." + hint);
        }
        String d = domain.trim();
        String url = d.contains("://") ? d : "https://" + d;
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw new IllegalArgumentException(preset + ": the AuthKit domain '" + domain + "' is not a host name "
                    + "or URL." + hint);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri.getHost();
        if (host == null || !(scheme.equals("https") || scheme.equals("http") && Loopback.isLoopbackHost(host))) {
            throw new IllegalArgumentException(preset + ": the AuthKit domain '" + domain + "' must be a host name "
                    + "or an https URL (http only on localhost)." + hint);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (!(path.isEmpty() || path.equals("/")) || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(preset + ": the AuthKit domain '" + domain + "' must be the domain "
                    + "alone, without a path, query or user info: AuthKit's issuer is the domain's origin and its "
                    + "endpoints are under /oauth2/." + hint);
        }
        String origin = scheme + "://" + host.toLowerCase(Locale.ROOT) + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        return new AuthKitDomain(origin);
    }

    /** AuthKit's endpoint {@code name} ({@code authorize}, {@code token}, {@code userinfo}, {@code jwks}). */
    String endpoint(String name) {
        return issuer + "/oauth2/" + name;
    }

    /** AuthKit's OAuth endpoints under this domain, its issuer; it documents no revocation endpoint. */
    EndpointLayout layout() {
        return new EndpointLayout(issuer, endpoint("authorize"), endpoint("token"), endpoint("jwks"),
                endpoint("userinfo"), null);
    }
}
