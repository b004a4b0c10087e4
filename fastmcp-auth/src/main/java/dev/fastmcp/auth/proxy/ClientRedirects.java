package dev.fastmcp.auth.proxy;

import dev.fastmcp.ServerResponse;
import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every redirect back to a client's redirect URI, success and error alike. Each one carries the client's
 * {@code state} and our {@code iss} (RFC 9207), the {@code issuer} of our metadata: a client that talks to several
 * authorization servers checks it to tell which one answered, so that a response from one cannot be passed off as
 * coming from another (the mix-up attack). Building them here is what keeps {@code iss} on all of them.
 */
final class ClientRedirects {

    private final String issuer;
    private final List<String> allowedPatterns;

    /**
     * @param issuer          the issuer of our metadata (the server's base URL)
     * @param allowedPatterns the operator's {@code allowedRedirectUriPatterns}; null when none were given
     */
    ClientRedirects(String issuer, List<String> allowedPatterns) {
        this.issuer = issuer;
        this.allowedPatterns = allowedPatterns;
    }

    /** The successful end of a sign-in: our code, the client's state, our issuer. */
    ServerResponse code(String redirectUri, String code, String state) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("code", code);
        params.put("state", state);
        return redirect(redirectUri, params);
    }

    /**
     * An RFC 6749 §4.1.2.1 error at a (validated) redirect URI. Only for a redirect URI someone vouched for: see
     * {@link #authorizationError} for errors before the user saw anything.
     */
    ServerResponse error(String redirectUri, String error, String description, String state) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("error", error);
        params.put("error_description", description);
        params.put("state", state);
        return redirect(redirectUri, params);
    }

    /**
     * An error of an authorization request, answered before the user saw anything of this server: the RFC 6749
     * §4.1.2.1 redirect when the operator {@linkplain #trustsForErrors trusts} the redirect URI, else an error page
     * naming the error (RFC 9700 §4.11.2: a redirect there would make this server an open redirector, carrying its
     * issuer, towards a page anyone may register). The page's status is the error's (400; 429 for a rate limit).
     */
    ServerResponse authorizationError(String redirectUri, OAuthError e, String state) {
        if (trustsForErrors(redirectUri)) {
            return error(redirectUri, e.error, e.description, state);
        }
        return ProxyHttp.errorPage(e.status, "Sign-in request refused", "The application's sign-in request was "
                + "refused (" + e.error + ": " + e.description + "). Nothing was sent back to the application: "
                + "tell its developer, or start again from the application.");
    }

    /**
     * Whether an error of an authorization request may go back to {@code redirectUri} before any user
     * interaction: a loopback URI (a native app on the user's own machine, RFC 8252 §7.3; the browser does not
     * leave the machine), or one matching the operator's {@code allowedRedirectUriPatterns}. A URI that anyone
     * could register (dynamic registration needs no authentication) is not trusted.
     */
    boolean trustsForErrors(String redirectUri) {
        URI uri;
        try {
            uri = new URI(redirectUri);
        } catch (Exception ex) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((scheme.equals("http") || scheme.equals("https")) && Loopback.isLoopbackHost(uri.getHost())) {
            return true;
        }
        return allowedPatterns != null && RedirectUris.matchesPattern(redirectUri, allowedPatterns);
    }

    private ServerResponse redirect(String redirectUri, Map<String, String> params) {
        params.put("iss", issuer);
        return ProxyHttp.redirect(ProxyHttp.withParams(redirectUri, params));
    }
}
