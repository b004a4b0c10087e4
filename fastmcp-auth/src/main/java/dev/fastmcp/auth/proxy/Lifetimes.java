package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.jwt.JWTIssuer;
import java.time.Duration;

/**
 * How long the OAuth proxy's sign-ins, codes, tokens and registrations live: one group of the proxy's options,
 * immutable, each value checked when it is set. Start from {@link #defaults()} and change what you need:
 *
 * <pre>{@code
 * OAuthProxy.builder(upstream)
 *         .lifetimes(l -> l.accessTokenTtl(Duration.ofMinutes(15)).refreshTokenTtl(Duration.ofDays(7)))
 * }</pre>
 *
 * @param transactionTtl how long a sign-in may take from authorize to callback; default 600 s
 * @param authorizationCodeTtl how long our authorization codes live; default 300 s
 * @param accessTokenTtl how long our access tokens live; default 3600 s
 * @param refreshTokenTtl how long our refresh tokens live; default 30 days
 * @param registrationTtl how long a registered client that never obtained a token is kept; default 1 hour (see
 *        {@link #registrationTtl(Duration)})
 * @param refreshGracePeriod how long a rotated refresh token, presented again, still gets the same new pair;
 *        default 30 s (see {@link #refreshGracePeriod(Duration)})
 */
public record Lifetimes(Duration transactionTtl, Duration authorizationCodeTtl, Duration accessTokenTtl,
        Duration refreshTokenTtl, Duration registrationTtl, Duration refreshGracePeriod) {

    private static final Lifetimes DEFAULTS = new Lifetimes(Duration.ofSeconds(600), Duration.ofSeconds(300),
            JWTIssuer.DEFAULT_ACCESS_TOKEN_TTL, JWTIssuer.DEFAULT_REFRESH_TOKEN_TTL, Duration.ofHours(1),
            Duration.ofSeconds(30));

    /** Checks every value; each error names the option, the value and the allowed range. */
    public Lifetimes {
        positive("transactionTtl", transactionTtl);
        positive("authorizationCodeTtl", authorizationCodeTtl);
        positive("accessTokenTtl", accessTokenTtl);
        positive("refreshTokenTtl", refreshTokenTtl);
        positive("registrationTtl", registrationTtl);
        if (refreshGracePeriod == null || refreshGracePeriod.isNegative()
                || refreshGracePeriod.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("refreshGracePeriod must be between 0 and 5 minutes, was "
                    + refreshGracePeriod);
        }
    }

    /** The defaults listed on the record's components. */
    public static Lifetimes defaults() {
        return DEFAULTS;
    }

    /** How long a sign-in may take from authorize to callback; default 600 s. */
    public Lifetimes transactionTtl(Duration ttl) {
        return new Lifetimes(ttl, authorizationCodeTtl, accessTokenTtl, refreshTokenTtl, registrationTtl,
                refreshGracePeriod);
    }

    /** How long our authorization codes live; default 300 s. */
    public Lifetimes authorizationCodeTtl(Duration ttl) {
        return new Lifetimes(transactionTtl, ttl, accessTokenTtl, refreshTokenTtl, registrationTtl,
                refreshGracePeriod);
    }

    /** How long our access tokens live; default 3600 s. */
    public Lifetimes accessTokenTtl(Duration ttl) {
        return new Lifetimes(transactionTtl, authorizationCodeTtl, ttl, refreshTokenTtl, registrationTtl,
                refreshGracePeriod);
    }

    /** How long our refresh tokens live; default 30 days. */
    public Lifetimes refreshTokenTtl(Duration ttl) {
        return new Lifetimes(transactionTtl, authorizationCodeTtl, accessTokenTtl, ttl, registrationTtl,
                refreshGracePeriod);
    }

    /**
     * How long a registered client that never obtained a token is kept; default 1 hour. MCP clients register
     * right before signing in, and a sign-in started within this time completes (the registration is kept for
     * the longest sign-in beyond it: twice {@link #transactionTtl} plus {@link #authorizationCodeTtl}). At its
     * first token a client is kept for {@link #refreshTokenTtl} plus a day instead. Registration is open to
     * anyone, so a short lifetime keeps abandoned and abusive registrations from piling up; see also
     * {@link Limits#maxUnusedRegistrations(int)}.
     */
    public Lifetimes registrationTtl(Duration ttl) {
        return new Lifetimes(transactionTtl, authorizationCodeTtl, accessTokenTtl, refreshTokenTtl, ttl,
                refreshGracePeriod);
    }

    /**
     * How long a rotated refresh token, presented again, still gets the same new token pair instead of being
     * treated as stolen; default 30 s, 0 to disable, at most 5 minutes. It covers a client refreshing twice at
     * once (two tabs) or retrying after a lost response, from the same client address; after it, or from another
     * address (a stolen refresh token replayed elsewhere), reuse revokes the grant.
     */
    public Lifetimes refreshGracePeriod(Duration period) {
        return new Lifetimes(transactionTtl, authorizationCodeTtl, accessTokenTtl, refreshTokenTtl, registrationTtl,
                period);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.getSeconds() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 second, was " + d);
        }
    }
}
