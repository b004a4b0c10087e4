package dev.fastmcp.providers;

import dev.fastmcp.auth.OAuthProxyOptions;
import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.util.Locale;

/**
 * What the preset builders share: the client credentials given to {@code builder(clientId, clientSecret)}, and
 * the upstream endpoints a user set explicitly, which presets that compute theirs at build (Azure, OIDC) keep.
 */
abstract class PresetBuilder<B extends PresetBuilder<B>> extends OAuthProxyOptions<B> {

    private final String provider;
    private String clientId;
    private String clientSecret;
    private String authorizationEndpoint;
    private String tokenEndpoint;

    PresetBuilder(String provider, String clientId, String clientSecret) {
        this.provider = provider;
        upstreamClientId(clientId);
        upstreamClientSecret(clientSecret);
    }

    @Override
    public B upstreamClientId(String clientId) {
        this.clientId = clientId;
        return super.upstreamClientId(clientId);
    }

    @Override
    public B upstreamClientSecret(String clientSecret) {
        this.clientSecret = clientSecret;
        return super.upstreamClientSecret(clientSecret);
    }

    @Override
    public B upstreamAuthorizationEndpoint(String url) {
        this.authorizationEndpoint = url;
        return super.upstreamAuthorizationEndpoint(url);
    }

    @Override
    public B upstreamTokenEndpoint(String url) {
        this.tokenEndpoint = url;
        return super.upstreamTokenEndpoint(url);
    }

    String clientId() {
        return clientId;
    }

    /** Sets the endpoints computed at build, unless the user gave others. */
    void endpointsUnlessSet(String authorization, String token) {
        if (authorizationEndpoint == null) {
            super.upstreamAuthorizationEndpoint(authorization);
        }
        if (tokenEndpoint == null) {
            super.upstreamTokenEndpoint(token);
        }
    }

    /** Refuses missing credentials, saying where the provider shows them. */
    void requireCredentials(String where) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException(provider + ": the client id is missing (was " + quoted(clientId)
                    + "). Pass the client id of your OAuth application, from " + where + ", to " + provider
                    + ".builder(clientId, clientSecret)");
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new IllegalArgumentException(provider + ": the client secret is missing. Pass the client secret of "
                    + "your OAuth application, from " + where + ", to " + provider + ".builder(clientId, clientSecret)");
        }
    }

    /** Checks a URL option: https, or http on a loopback host (for tests). */
    String requireUrl(String option, String url) {
        String hint = provider + ": " + option + " must be an https URL (http only on localhost), was " + quoted(url);
        if (url == null) {
            throw new IllegalArgumentException(hint);
        }
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            String host = u.getHost() == null ? "" : u.getHost();
            if (scheme.equals("https") && !host.isEmpty() || scheme.equals("http") && Loopback.isLoopbackHost(host)) {
                return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new IllegalArgumentException(hint);
    }

    static String quoted(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
