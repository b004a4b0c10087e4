package dev.fastmcp.auth.proxy;

import java.util.Objects;

/**
 * What the OAuth proxy asks users and what its tokens say: one group of the proxy's options, immutable, each value
 * checked when it is set. Start from {@link #defaults()}:
 *
 * <pre>{@code
 * OAuthProxy.builder(upstream)
 *         .claimsAndConsent(c -> c.customClaimsPassthrough(ClaimsPassthrough.disabled()))
 * }</pre>
 *
 * @param consentRequired whether users see a consent page before being sent to the identity provider; default true
 * @param customClaimsPassthrough which upstream claims are copied into our tokens; default
 *        {@link ClaimsPassthrough#defaults()}
 * @param limitScopesToUpstreamGrant whether the scope the identity provider granted limits the scopes of our
 *        tokens; default true
 */
public record ClaimsAndConsent(boolean consentRequired, ClaimsPassthrough customClaimsPassthrough,
        boolean limitScopesToUpstreamGrant) {

    private static final ClaimsAndConsent DEFAULTS = new ClaimsAndConsent(true, ClaimsPassthrough.defaults(), true);

    /** Checks the values. */
    public ClaimsAndConsent {
        Objects.requireNonNull(customClaimsPassthrough,
                "customClaimsPassthrough must not be null; use ClaimsPassthrough.disabled() to copy no claims");
    }

    /** The defaults listed on the record's components. */
    public static ClaimsAndConsent defaults() {
        return DEFAULTS;
    }

    /**
     * Whether users see a consent page before being sent to the identity provider; default true. Turning it off
     * lets any registered client obtain a user's authorization silently through this server's one client at the
     * identity provider (the confused-deputy attack the MCP specification forbids); it is logged as a warning.
     */
    public ClaimsAndConsent consentRequired(boolean required) {
        return new ClaimsAndConsent(required, customClaimsPassthrough, limitScopesToUpstreamGrant);
    }

    /**
     * Which claims of the upstream access token and ID token are copied into the tokens we issue and into the
     * session ({@code ProxySession.claims()}), so that {@code requireRole("admin")} works with an upstream
     * {@code roles} claim. Default {@link ClaimsPassthrough#defaults()}; {@link ClaimsPassthrough#disabled()} copies
     * nothing.
     */
    public ClaimsAndConsent customClaimsPassthrough(ClaimsPassthrough passthrough) {
        return new ClaimsAndConsent(consentRequired, passthrough, limitScopesToUpstreamGrant);
    }

    /**
     * Whether the scope the identity provider says it granted (the {@code scope} of its token response) limits
     * the scopes of the tokens we issue; default true. A user who unticks a scope at the identity provider then
     * does not get it here either, and a tool guarded by {@code requireScopes} sees what the user really granted.
     * Only scopes the identity provider names as the client does can be compared: the presets turn it off where
     * it answers with other names (Google's URLs, Azure's {@code api://} scopes, GitHub's comma lists). When the
     * identity provider sends no {@code scope}, it granted what was asked.
     */
    public ClaimsAndConsent limitScopesToUpstreamGrant(boolean limit) {
        return new ClaimsAndConsent(consentRequired, customClaimsPassthrough, limit);
    }
}
