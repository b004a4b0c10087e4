package dev.fastmcp.auth.proxy;

import dev.fastmcp.TokenVerifier;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** How a preset adapts the proxy to its identity provider; every field may be null (the proxy's default). */
record PresetHooks(UpstreamIdentityResolver identityResolver,
        Function<ProxySession, ? extends ProxySession> sessionFactory, TokenVerifier idTokenVerifier,
        UnaryOperator<List<String>> upstreamScopes) {
}
