package dev.fastmcp.auth.proxy;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.auth.ConsentManager;
import dev.fastmcp.auth.jwt.JWTIssuer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** What the proxy's endpoints share once the server's public URLs are known. */
final class ProxyContext {

    final ProxySettings settings;
    final ProxyStore store;
    final JWTIssuer issuer;
    final ConsentManager consent;
    final UpstreamClient upstream;
    /** Calls to the identity provider's APIs made by the identity resolver. */
    final UpstreamApi api;
    /** The issuer identifier: the server's base URL. */
    final String baseUrl;
    final String basePath;
    /** The MCP endpoint's URL: the audience of our access tokens and the only accepted {@code resource}. */
    final String resource;
    /** Where the identity provider sends the browser back. */
    final String callbackUrl;
    /** Whether cookies get {@code Secure} (https base URL). */
    final boolean secure;
    /** Every redirect back to a client, each with our {@code iss}. */
    final ClientRedirects redirects;
    private final ResourceIndicators resources;

    ProxyContext(ProxySettings settings, ProxyStore store, AuthProvider.ServerUrls urls) {
        this.settings = settings;
        this.store = store;
        this.baseUrl = urls.baseUrl();
        this.basePath = urls.basePath() == null ? "" : urls.basePath();
        this.resource = urls.resource();
        this.callbackUrl = baseUrl + settings.options().redirectPath();
        this.secure = baseUrl.startsWith("https:");
        this.resources = new ResourceIndicators(resource, baseUrl);
        this.redirects = new ClientRedirects(baseUrl, settings.limits().allowedRedirectUriPatterns());
        Lifetimes lifetimes = settings.lifetimes();
        this.issuer = JWTIssuer.builder(baseUrl, resource, settings.keys().signing())
                .accessTokenTtl(lifetimes.accessTokenTtl())
                .refreshTokenTtl(lifetimes.refreshTokenTtl())
                .build();
        this.consent = ConsentManager.builder(settings.keys().consent())
                .csrfTokenTtl(lifetimes.transactionTtl())
                .build();
        Upstream up = settings.upstream();
        this.upstream = new UpstreamClient(up.upstreamTokenEndpoint(), up.upstreamRevocationEndpoint(),
                up.upstreamClientId(), up.upstreamClientSecret(), up.basicAuth(), up.upstreamTimeout(),
                upstreamTokenParams(up, resource));
        this.api = new UpstreamApi(up.upstreamTimeout());
    }

    private static Map<String, String> upstreamTokenParams(Upstream up, String resource) {
        Map<String, String> params = new LinkedHashMap<>(up.extraTokenParams());
        if (up.forwardResource()) {
            params.put("resource", resource);
        }
        return params;
    }

    String endpoint(String path) {
        return baseUrl + path;
    }

    static long seconds(Duration d) {
        return Math.max(1, d.getSeconds());
    }

    /**
     * Refuses an RFC 8707 {@code resource} that does not name this server (see {@link ResourceIndicators}) with
     * {@code invalid_target}.
     */
    void requireOwnResource(String requested) throws OAuthError {
        if (!resources.accepts(requested)) {
            throw OAuthError.invalidTarget("resource '" + ProxyHttp.safe(requested) + "' is not served here: this "
                    + "server only issues tokens for " + resource + "; send that as resource, or leave it out");
        }
    }

    /** A URL as compared with an {@code Origin} or another base URL: case, default port and trailing '/' ignored. */
    static String normalize(String url) {
        try {
            URI u = new URI(url.trim());
            if (u.getScheme() == null || u.getHost() == null || u.getRawFragment() != null) {
                return "\u0000invalid";
            }
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            int port = u.getPort();
            if (port == 443 && scheme.equals("https") || port == 80 && scheme.equals("http")) {
                port = -1;
            }
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (port < 0 ? "" : ":" + port) + path
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        } catch (Exception e) {
            return "\u0000invalid";
        }
    }
}
