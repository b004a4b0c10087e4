package dev.fastmcp.auth.proxy;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The options of an {@link OAuthProxy} besides its {@link Upstream}: where it is served, the scopes it offers and
 * the five groups of settings, each with its defaults. Immutable; each value is checked when it is set. A preset
 * (such as {@code GoogleProvider}) sets its own defaults and lets users change the rest through its
 * {@code proxyOptions(o -> ...)}:
 *
 * <pre>{@code
 * GoogleProvider.builder(clientId, clientSecret)
 *         .proxyOptions(o -> o.lifetimes(l -> l.accessTokenTtl(Duration.ofMinutes(15))))
 * }</pre>
 *
 * @param baseUrl the server's public base URL; default the server's own
 * @param redirectPath the callback path under the base path; default {@code /oauth/callback}
 * @param scopes the scopes offered to clients and requested upstream when a client asks for none; default none
 * @param keysAndStorage the keys and the storage
 * @param lifetimes how long sign-ins, codes, tokens and registrations live
 * @param limits the limits and hardening against strangers
 * @param claimsAndConsent the consent page and the claims of our tokens
 * @param clients how clients identify themselves: metadata documents and dynamic registration
 */
public record ProxyOptions(String baseUrl, String redirectPath, List<String> scopes, KeysAndStorage keysAndStorage,
        Lifetimes lifetimes, Limits limits, ClaimsAndConsent claimsAndConsent, Clients clients) {

    private static final ProxyOptions DEFAULTS = new ProxyOptions(null, "/oauth/callback", List.of(),
            KeysAndStorage.defaults(), Lifetimes.defaults(), Limits.defaults(), ClaimsAndConsent.defaults(),
            Clients.defaults());

    /** Checks every value; each error names the option, the value and the fix. */
    public ProxyOptions {
        if (redirectPath == null || !redirectPath.startsWith("/") || redirectPath.contains("?")
                || redirectPath.contains("#")) {
            throw new IllegalArgumentException("redirectPath must be a path starting with '/', such as "
                    + "/oauth/callback, was '" + redirectPath + "'");
        }
        Objects.requireNonNull(scopes, "scopes == null; pass no scope for none");
        for (String s : scopes) {
            if (s == null || !s.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+")) {
                throw new IllegalArgumentException("scope '" + s + "' is not a valid OAuth scope token");
            }
        }
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(keysAndStorage, "keysAndStorage == null");
        Objects.requireNonNull(lifetimes, "lifetimes == null");
        Objects.requireNonNull(limits, "limits == null");
        Objects.requireNonNull(claimsAndConsent, "claimsAndConsent == null");
        Objects.requireNonNull(clients, "clients == null");
    }

    /** The defaults listed on the record's components. */
    public static ProxyOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The server's public base URL. Optional: the proxy takes the server's; when given it must be the same (the
     * server checks at start), and the proxy's metadata can be read before the server starts.
     */
    public ProxyOptions baseUrl(String url) {
        return new ProxyOptions(url, redirectPath, scopes, keysAndStorage, lifetimes, limits, claimsAndConsent,
                clients);
    }

    /** The callback path under the base path, default {@code /oauth/callback}; the route moves with it. */
    public ProxyOptions redirectPath(String path) {
        return new ProxyOptions(baseUrl, path, scopes, keysAndStorage, lifetimes, limits, claimsAndConsent,
                clients);
    }

    /** The scopes offered to clients and requested upstream (when the client asks for none). */
    public ProxyOptions scopes(String... scopes) {
        return scopes(Arrays.asList(scopes));
    }

    /** The scopes offered to clients and requested upstream (when the client asks for none). */
    public ProxyOptions scopes(List<String> scopes) {
        return new ProxyOptions(baseUrl, redirectPath, scopes, keysAndStorage, lifetimes, limits, claimsAndConsent,
                clients);
    }

    /** Changes the keys and the storage; see {@link KeysAndStorage}. */
    public ProxyOptions keysAndStorage(UnaryOperator<KeysAndStorage> change) {
        return new ProxyOptions(baseUrl, redirectPath, scopes, change.apply(keysAndStorage), lifetimes, limits,
                claimsAndConsent, clients);
    }

    /** Changes the lifetimes; see {@link Lifetimes}. */
    public ProxyOptions lifetimes(UnaryOperator<Lifetimes> change) {
        return new ProxyOptions(baseUrl, redirectPath, scopes, keysAndStorage, change.apply(lifetimes), limits,
                claimsAndConsent, clients);
    }

    /** Changes the limits and hardening; see {@link Limits}. */
    public ProxyOptions limits(UnaryOperator<Limits> change) {
        return new ProxyOptions(baseUrl, redirectPath, scopes, keysAndStorage, lifetimes, change.apply(limits),
                claimsAndConsent, clients);
    }

    /** Changes the consent page and the claims of our tokens; see {@link ClaimsAndConsent}. */
    public ProxyOptions claimsAndConsent(UnaryOperator<ClaimsAndConsent> change) {
        return new ProxyOptions(baseUrl, redirectPath, scopes, keysAndStorage, lifetimes, limits,
                change.apply(claimsAndConsent), clients);
    }

    /** Changes how clients identify themselves (metadata documents, dynamic registration); see {@link Clients}. */
    public ProxyOptions clients(UnaryOperator<Clients> change) {
        return new ProxyOptions(baseUrl, redirectPath, scopes, keysAndStorage, lifetimes, limits, claimsAndConsent,
                change.apply(clients));
    }
}
