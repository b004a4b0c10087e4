package dev.fastmcp.auth.proxy;

import java.util.Arrays;
import java.util.List;

/**
 * The OAuth proxy's limits and hardening against strangers (registration and sign-in floods, redirect URIs):
 * one group of the proxy's options, immutable, each value checked when it is set. Start from {@link #defaults()}:
 *
 * <pre>{@code
 * OAuthProxy.builder(upstream)
 *         .limits(l -> l.allowedRedirectUriPatterns("https://*.example.com/callback").registrationRateLimit(20))
 * }</pre>
 *
 * @param registrationRateLimit registrations (and client metadata documents fetched) per minute and client address;
 *        default 10, 0 off
 * @param maxUnusedRegistrations registered clients that never obtained a token kept at once; default 10,000
 * @param authorizationRateLimit sign-ins started per minute and client address; default 60, 0 off
 * @param maxPendingAuthorizations unfinished sign-ins kept by this instance; default 10,000
 * @param allowedRedirectUriPatterns the patterns registered redirect URIs must match; null (the default) for no
 *        restriction beyond the usual rules, empty to refuse every registration
 */
public record Limits(int registrationRateLimit, int maxUnusedRegistrations, int authorizationRateLimit,
        int maxPendingAuthorizations, List<String> allowedRedirectUriPatterns) {

    private static final Limits DEFAULTS = new Limits(RegistrationLimiter.DEFAULT_REGISTRATIONS_PER_WINDOW,
            UnusedRegistrations.DEFAULT_MAX, AuthorizeEndpoint.DEFAULT_AUTHORIZATIONS_PER_MINUTE,
            PendingSignIns.DEFAULT_MAX, null);

    /** Checks every value; each error names the option, the value and what is allowed. */
    public Limits {
        if (registrationRateLimit < 0) {
            throw new IllegalArgumentException("registrationRateLimit must be a number of registrations per minute "
                    + "(0 turns the limit off), was " + registrationRateLimit);
        }
        if (maxUnusedRegistrations < 1) {
            throw new IllegalArgumentException("maxUnusedRegistrations must be at least 1 (the default is "
                    + UnusedRegistrations.DEFAULT_MAX + "), was " + maxUnusedRegistrations);
        }
        if (authorizationRateLimit < 0) {
            throw new IllegalArgumentException("authorizationRateLimit must be a number of sign-ins per minute and "
                    + "client address (0 turns the limit off), was " + authorizationRateLimit);
        }
        if (maxPendingAuthorizations < 1) {
            throw new IllegalArgumentException("maxPendingAuthorizations must be at least 1 (the number of unfinished "
                    + "sign-ins kept, default " + PendingSignIns.DEFAULT_MAX + "), was " + maxPendingAuthorizations);
        }
        if (allowedRedirectUriPatterns != null) {
            for (String p : allowedRedirectUriPatterns) {
                if (!RedirectUris.isValidPattern(p)) {
                    throw new IllegalArgumentException("allowedRedirectUriPatterns: '" + p + "' is not a valid "
                            + "pattern. Write a full URI with '*' only as the first label of the host "
                            + "(https://*.example.com/callback), as the port (http://localhost:*), as the last path "
                            + "segment (/callback/*) or as the whole query; no fragment, userinfo or spaces");
                }
            }
            allowedRedirectUriPatterns = List.copyOf(allowedRedirectUriPatterns);
        }
    }

    /** The defaults listed on the record's components. */
    public static Limits defaults() {
        return DEFAULTS;
    }

    /**
     * How many dynamic client registrations one client address may make per minute (a token bucket refilling
     * evenly; IPv6 addresses count by /64); more get 429 with {@code Retry-After}. The same limit, counted apart,
     * bounds the client metadata documents that requests from one address make the server fetch (a document kept in
     * the cache costs nothing). Default 10. {@code 0} turns the
     * limit off, for deployments that limit registration in front of the server. Behind a reverse proxy, let the
     * server read the client's address from {@code X-Forwarded-For} ({@code FastMCP.Builder.trustForwardedHeaders()});
     * otherwise every client shares the proxy's address, so raise the limit or turn it off there.
     */
    public Limits registrationRateLimit(int perMinute) {
        return new Limits(perMinute, maxUnusedRegistrations, authorizationRateLimit, maxPendingAuthorizations,
                allowedRedirectUriPatterns);
    }

    /**
     * The most registered clients that never obtained a token kept at once; default 10,000. One more registration
     * deletes the least recently used of them (a client whose sign-in is under way was used recently), so a flood
     * of registrations from any number of addresses cannot grow the storage past this bound. Clients that
     * obtained a token are never deleted for it. The bound is kept by each server instance for the registrations
     * it received: instances sharing a storage hold at most their number times this.
     */
    public Limits maxUnusedRegistrations(int max) {
        return new Limits(registrationRateLimit, max, authorizationRateLimit, maxPendingAuthorizations,
                allowedRedirectUriPatterns);
    }

    /**
     * How many sign-ins ({@code GET /oauth/authorize} requests that create a pending authorization) one client
     * address may start per minute; more get a 429 page. Default 60. Each pending authorization is stored until
     * it is used or {@link Lifetimes#transactionTtl(java.time.Duration) expires}, so without a limit anyone could
     * fill the storage with unauthenticated requests; {@link #maxPendingAuthorizations(int)} bounds them in any
     * case. {@code 0} turns the per-address limit off. Addresses are read as for {@link #registrationRateLimit(int)}.
     */
    public Limits authorizationRateLimit(int perMinute) {
        return new Limits(registrationRateLimit, maxUnusedRegistrations, perMinute, maxPendingAuthorizations,
                allowedRedirectUriPatterns);
    }

    /**
     * How many started but unfinished sign-ins (waiting for consent, or for the identity provider to send the browser
     * back) this server instance keeps; default 10,000. When a new sign-in would pass the bound, the oldest unfinished
     * ones are dropped: nobody is ever refused a new sign-in, and a flood of sign-ins (which anyone can start for any
     * client, its id being public) evicts its own entries first. A user who has not finished a sign-in while this many
     * newer ones were started must start again: at the default 60 sign-ins per minute and address, that takes a flood
     * from 100 addresses 100 seconds. Raise it when many users sign in at once.
     */
    public Limits maxPendingAuthorizations(int max) {
        return new Limits(registrationRateLimit, maxUnusedRegistrations, authorizationRateLimit, max,
                allowedRedirectUriPatterns);
    }

    /**
     * Restricts the redirect URIs clients may register: each must then match one of these patterns as well as
     * pass the usual rules (https, http on loopback, or a native app's private-use scheme). Not called (the
     * default): any URI passing the usual rules is accepted. Given an empty list ({@code List.of()}): every
     * registration is refused (a way to close dynamic registration). Patterns are matched component by component,
     * never as strings, so {@code https://*.example.com/*} does not match {@code https://evil.com/.example.com/};
     * examples: {@code https://*.example.com/callback}, {@code http://localhost:*},
     * {@code cursor://anysphere.cursor-retrieval/*}.
     * The full grammar is on {@code RedirectUris.matchesPattern}; an invalid pattern is refused here.
     */
    public Limits allowedRedirectUriPatterns(String... patterns) {
        return allowedRedirectUriPatterns(Arrays.asList(patterns));
    }

    /** See {@link #allowedRedirectUriPatterns(String...)}; {@code null} removes the restriction. */
    public Limits allowedRedirectUriPatterns(List<String> patterns) {
        return new Limits(registrationRateLimit, maxUnusedRegistrations, authorizationRateLimit,
                maxPendingAuthorizations, patterns);
    }
}
