package dev.fastmcp.auth;

import dev.fastmcp.AuthSession;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The session of a request authenticated with an access token the {@link OAuthProxy} issued. Besides the
 * usual identity it gives the claims the upstream identity provider vouched for (from its ID token or JWT access
 * token) and, on demand, the upstream tokens themselves, to call the provider's APIs for the user:
 *
 * <pre>{@code
 * Tool.builder("whoami").canAccess(Auth.requireAuth()).execute((args, ctx) -> {
 *     ProxySession session = (ProxySession) ctx.auth();
 *     String upstreamAccessToken = session.upstreamTokens().accessToken();
 *     ...
 * })
 * }</pre>
 */
public final class ProxySession implements AuthSession {

    private final String subject;
    private final String clientId;
    private final Set<String> scopes;
    private final Map<String, Object> claims;
    private final Instant expiresAt;
    private final Map<String, Object> upstreamClaims;
    private final transient Supplier<UpstreamTokens> upstream;

    ProxySession(String subject, String clientId, Set<String> scopes, Map<String, Object> claims, Instant expiresAt,
            Map<String, Object> upstreamClaims, Supplier<UpstreamTokens> upstream) {
        this.subject = Objects.requireNonNull(subject, "subject == null");
        this.clientId = clientId;
        this.scopes = Set.copyOf(scopes);
        this.claims = claims == null ? Map.of() : Map.copyOf(claims);
        this.expiresAt = expiresAt;
        this.upstreamClaims = upstreamClaims == null ? Map.of() : Map.copyOf(upstreamClaims);
        this.upstream = upstream;
    }

    @Override
    public String subject() {
        return subject;
    }

    @Override
    public String clientId() {
        return clientId;
    }

    @Override
    public Set<String> scopes() {
        return scopes;
    }

    /** The claims of our access token. */
    @Override
    public Map<String, Object> claims() {
        return claims;
    }

    @Override
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The claims of the upstream ID token (or JWT access token) of this sign-in; empty when it had none. */
    public Map<String, Object> upstreamClaims() {
        return upstreamClaims;
    }

    /**
     * The upstream tokens behind this session, refreshed first when the upstream access token has expired and
     * the provider gave a refresh token; null when they are gone (revoked or expired).
     */
    public UpstreamTokens upstreamTokens() {
        return upstream.get();
    }

    @Override
    public String toString() {
        return "ProxySession[subject=" + subject + ", clientId=" + clientId + ", scopes=" + scopes + ", expiresAt="
                + expiresAt + "]";
    }
}
