package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.ProxyOptions;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What the preset builders share: the client credentials given to {@code builder(clientId, clientSecret)}, the
 * scopes and secret every deployment sets, and the one way to the proxy's other options,
 * {@link #proxyOptions(UnaryOperator)}. The preset computes its {@link Upstream} at build.
 */
public abstract class PresetBuilder<B extends PresetBuilder<B>> {

    private final String presetName;
    private final String clientId;
    private final String clientSecret;
    private ProxyOptions options = ProxyOptions.defaults();
    private UnaryOperator<Upstream> upstreamChange = UnaryOperator.identity();

    PresetBuilder(String presetName, String clientId, String clientSecret) {
        this.presetName = presetName;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The scopes offered to clients and requested from the identity provider; each preset has its default. */
    public B scopes(String... scopes) {
        return scopes(Arrays.asList(scopes));
    }

    /** The scopes offered to clients and requested from the identity provider; each preset has its default. */
    public B scopes(List<String> scopes) {
        return proxyOptions(o -> o.scopes(scopes));
    }

    /**
     * The one secret all the proxy's keys are derived from, the same on every instance; generate it with
     * {@code openssl rand -base64 32}. See {@code KeysAndStorage.secret(String)}.
     */
    public B secret(String secret) {
        return proxyOptions(o -> o.keysAndStorage(k -> k.secret(secret)));
    }

    /**
     * Extra parameters of the authorization request the proxy sends the identity provider, such as
     * {@code prompt=consent}, {@code login_hint} or Google's {@code hd}: added to the preset's own, a name given here
     * replacing the preset's value. The parameters the proxy sets itself ({@code client_id}, {@code redirect_uri},
     * {@code response_type}, {@code state}, {@code scope}, PKCE) are refused at build.
     */
    public B extraAuthorizationParams(Map<String, String> params) {
        Map<String, String> copy = Map.copyOf(params);
        return upstream(u -> u.extraAuthorizationParams(copy));
    }

    /**
     * Extra parameters of every token request the proxy sends the identity provider: the code exchange and each
     * refresh (an {@code audience} that a provider wants on both, say). The parameters the proxy sets itself
     * ({@code grant_type}, {@code code}, {@code refresh_token}, the client's credentials...) are refused at build.
     */
    public B extraTokenParams(Map<String, String> params) {
        Map<String, String> copy = Map.copyOf(params);
        return upstream(u -> u.extraTokenParams(copy));
    }

    /**
     * Changes any other option of the proxy behind this preset (lifetimes, limits, storage, consent...), for the
     * rare case: {@code .proxyOptions(o -> o.lifetimes(l -> l.accessTokenTtl(Duration.ofMinutes(15))))}.
     */
    public B proxyOptions(UnaryOperator<ProxyOptions> change) {
        this.options = Objects.requireNonNull(change.apply(options), "proxyOptions returned null");
        return self();
    }

    /** Changes the upstream the preset computes, after earlier changes: tests point a preset at a local server. */
    B upstream(UnaryOperator<Upstream> change) {
        Objects.requireNonNull(change, "change == null");
        UnaryOperator<Upstream> earlier = upstreamChange;
        this.upstreamChange = u -> change.apply(earlier.apply(u));
        return self();
    }

    String clientId() {
        return clientId;
    }

    String clientSecret() {
        return clientSecret;
    }

    /** The proxy builder for the preset's upstream, with the options set here. */
    OAuthProxy.Builder proxy(Upstream upstream) {
        return OAuthProxy.builder(upstreamChange.apply(upstream)).options(options);
    }

    /** Refuses missing credentials, saying where the identity provider shows them. */
    void requireCredentials(String where) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException(presetName + ": the client id is missing (was " + quoted(clientId)
                    + "). Pass the client id of your OAuth application, from " + where + ", to " + presetName
                    + ".builder(clientId, clientSecret)");
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new IllegalArgumentException(presetName + ": the client secret is missing. Pass the client secret "
                    + "of your OAuth application, from " + where + ", to " + presetName
                    + ".builder(clientId, clientSecret)");
        }
    }

    /** Checks a URL option: https, or http on a loopback host (for tests). */
    String requireUrl(String option, String url) {
        String hint = presetName + ": " + option + " must be an https URL (http only on localhost), was "
                + quoted(url);
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
