package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;
import java.util.List;
import java.util.Set;

/**
 * The session of a user signed in with {@link OktaProvider}: {@code Auth.getAuthSession(ctx, OktaSession.class)}.
 * The fields come from Okta's verified ID token (or its userinfo endpoint); each is null (or empty) when Okta did
 * not send it: {@code email} needs the {@code email} scope, {@code locale} and {@code zoneinfo} the {@code profile}
 * scope and values on the user's profile, {@code groups} a groups claim configured in Okta (see
 * {@link OktaProvider}). {@code upstreamTokens().accessToken()} calls Okta's APIs, or yours with a custom
 * authorization server.
 */
public final class OktaSession extends ProxySession {

    private final String username;
    private final String email;
    private final Boolean emailVerified;
    private final String name;
    private final String locale;
    private final String zoneinfo;
    private final List<String> groups;

    OktaSession(ProxySession base) {
        super(base);
        this.username = Claims.string(upstreamClaims(), "preferred_username");
        this.email = Claims.string(upstreamClaims(), "email");
        this.emailVerified = Claims.bool(upstreamClaims(), "email_verified");
        this.name = Claims.string(upstreamClaims(), "name");
        this.locale = Claims.string(upstreamClaims(), "locale");
        this.zoneinfo = Claims.string(upstreamClaims(), "zoneinfo");
        this.groups = Claims.strings(upstreamClaims(), "groups");
    }

    /** The user's Okta username ({@code preferred_username}), often an e-mail address; the subject never changes. */
    public String username() {
        return username;
    }

    /** The user's e-mail address. */
    public String email() {
        return email;
    }

    /** Whether Okta verified {@link #email()}. */
    public Boolean emailVerified() {
        return emailVerified;
    }

    /** The user's full name. */
    public String name() {
        return name;
    }

    /** The user's locale, such as {@code en-US}. */
    public String locale() {
        return locale;
    }

    /** The user's time zone, such as {@code America/Los_Angeles}. */
    public String zoneinfo() {
        return zoneinfo;
    }

    /** The names of the user's Okta groups that the groups claim lets through. */
    public List<String> groups() {
        return groups;
    }

    /** The user's groups ({@link #groups()}), together with any {@code roles} of the session's claims. */
    @Override
    public Set<String> roles() {
        return Claims.roles(groups, super.roles());
    }
}
