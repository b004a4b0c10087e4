package dev.fastmcp.auth.proxy;

import dev.fastmcp.AuthSession;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The session of a request authenticated with an access token the {@link OAuthProxy} issued. Besides the
 * usual identity it gives the claims the upstream identity provider vouched for (from its ID token or JWT access
 * token) and, on demand, the upstream tokens themselves, to call the identity provider's APIs for the user:
 *
 * <pre>{@code
 * Tool.builder("whoami").canAccess(Auth.requireAuth()).execute((args, ctx) -> {
 *     String upstreamAccessToken = Auth.getAuthSession(ctx).accessToken();
 *     ...
 * })
 * }</pre>
 *
 * <p>{@link #upstreamTokens()} gives the rest of them (refresh token, ID token, expiry, scopes).
 *
 * <p>Provider presets extend it with typed fields ({@code GoogleSession}, {@code GitHubSession}, ...) read from
 * {@link #upstreamClaims()}; {@code Auth.getAuthSession(ctx, GoogleSession.class)} returns them.
 */
public class ProxySession implements AuthSession {

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
        this.claims = withoutNulls(claims);
        this.expiresAt = expiresAt;
        this.upstreamClaims = withoutNulls(upstreamClaims);
        this.upstream = upstream;
    }

    /** An immutable copy without null values (an upstream token may well carry {@code "name": null}). */
    private static Map<String, Object> withoutNulls(Map<String, Object> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        // Not containsValue(null): immutable maps throw on it.
        for (Object value : map.values()) {
            if (value == null) {
                Map<String, Object> copy = new java.util.LinkedHashMap<>(map);
                copy.values().removeIf(java.util.Objects::isNull);
                return Map.copyOf(copy);
            }
        }
        return Map.copyOf(map);
    }

    /**
     * A session with the same identity, claims and upstream tokens as {@code base}: the constructor of typed
     * sessions, which add fields read from {@link #upstreamClaims()}.
     */
    protected ProxySession(ProxySession base) {
        this(base.subject, base.clientId, base.scopes, base.claims, base.expiresAt, base.upstreamClaims,
                base.upstream);
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

    /**
     * What the identity provider said about the user at sign-in: the claims of its ID token and JWT access token,
     * and those its preset read from its APIs (userinfo, GitHub's {@code /user}, Graph {@code /me}); empty when none.
     */
    public final Map<String, Object> upstreamClaims() {
        return upstreamClaims;
    }

    /**
     * The upstream tokens behind this session, refreshed first when the upstream access token has expired and
     * the identity provider gave a refresh token; null when they are gone (revoked or expired).
     */
    public final UpstreamTokens upstreamTokens() {
        return upstream.get();
    }

    /**
     * The upstream access token behind this session ({@link #upstreamTokens()}), for the identity provider's APIs;
     * null when the upstream tokens are gone, and for a machine client, which has none.
     */
    @Override
    public final String accessToken() {
        UpstreamTokens tokens = upstreamTokens();
        return tokens == null ? null : tokens.accessToken();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[subject=" + subject + ", clientId=" + clientId + ", scopes=" + scopes
                + ", expiresAt=" + expiresAt + "]";
    }
}
