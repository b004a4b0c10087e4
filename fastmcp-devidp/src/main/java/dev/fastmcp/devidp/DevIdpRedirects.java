package dev.fastmcp.devidp;

import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;

/** Redirect URI matching of the development identity provider. */
final class DevIdpRedirects {

    private DevIdpRedirects() {
    }

    static URI parse(String uri) {
        if (uri == null) {
            return null;
        }
        try {
            return new URI(uri);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** An absolute http(s) URI with a host, and no fragment or userinfo. */
    static boolean isValidRegistration(String uri) {
        URI u = parse(uri);
        return u != null && u.getHost() != null && u.getRawFragment() == null && u.getRawUserInfo() == null
                && ("http".equals(u.getScheme()) || "https".equals(u.getScheme()));
    }

    /**
     * Whether {@code requested} is one of {@code registered}: the same string, or, for a loopback registration,
     * the same URI on another port (RFC 8252 §7.3).
     */
    static boolean matches(List<String> registered, String requested) {
        if (requested == null || registered.contains(requested) || !isValidRegistration(requested)) {
            return requested != null && registered.contains(requested);
        }
        URI r = parse(requested);
        for (String candidate : registered) {
            URI c = parse(candidate);
            if (c != null && Loopback.isLoopbackHost(c.getHost()) && c.getScheme().equals(r.getScheme())
                    && c.getHost().equalsIgnoreCase(r.getHost())
                    && Objects.equals(c.getRawPath(), r.getRawPath())
                    && Objects.equals(c.getRawQuery(), r.getRawQuery())) {
                return true;
            }
        }
        return false;
    }
}
