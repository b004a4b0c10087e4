package dev.fastmcp.providers;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.HttpRoute;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.UpstreamTokens;
import java.util.List;
import java.util.Map;

/** A preset: an {@link AuthProvider} that is the {@link OAuthProxy} its builder configured. */
public abstract class ProxyPreset implements AuthProvider {

    private final OAuthProxy proxy;

    ProxyPreset(OAuthProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    public void configure(ServerUrls urls) {
        proxy.configure(urls);
    }

    @Override
    public TokenVerifier tokenVerifier() {
        return proxy.tokenVerifier();
    }

    @Override
    public List<String> authorizationServers() {
        return proxy.authorizationServers();
    }

    @Override
    public List<String> scopesSupported() {
        return proxy.scopesSupported();
    }

    @Override
    public Map<String, Object> authorizationServerMetadata() {
        return proxy.authorizationServerMetadata();
    }

    @Override
    public Map<String, Object> extensions() {
        return proxy.extensions();
    }

    @Override
    public boolean sharedAcrossInstances() {
        return proxy.sharedAcrossInstances();
    }

    @Override
    public List<HttpRoute> routes() {
        return proxy.routes();
    }

    /**
     * The identity provider's tokens behind one of the access tokens this server issued (without
     * {@code Bearer }); null when it is invalid, expired or revoked. Inside a tool, the session's
     * {@code upstreamTokens()} is simpler.
     */
    public UpstreamTokens loadUpstreamTokens(String clientAccessToken) {
        return proxy.loadUpstreamTokens(clientAccessToken);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + proxy + "]";
    }
}
