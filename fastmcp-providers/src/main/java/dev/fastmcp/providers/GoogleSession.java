package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;

/**
 * The session of a user signed in with {@link GoogleProvider}: {@code Auth.getAuthSession(ctx, GoogleSession.class)}.
 * The fields come from Google's verified ID token (or its userinfo endpoint); each is null when Google did not
 * send it (for example {@code email} without the {@code email} scope). {@code upstreamTokens().accessToken()} calls
 * Google APIs for the user.
 */
public final class GoogleSession extends ProxySession {

    private final String email;
    private final Boolean emailVerified;
    private final String name;
    private final String picture;
    private final String hostedDomain;

    GoogleSession(ProxySession base) {
        super(base);
        this.email = Claims.string(upstreamClaims(), "email");
        this.emailVerified = Claims.bool(upstreamClaims(), "email_verified");
        this.name = Claims.string(upstreamClaims(), "name");
        this.picture = Claims.string(upstreamClaims(), "picture");
        this.hostedDomain = Claims.string(upstreamClaims(), "hd");
    }

    /** The user's e-mail address. */
    public String email() {
        return email;
    }

    /** Whether Google verified {@link #email()}; check it before trusting the address. */
    public Boolean emailVerified() {
        return emailVerified;
    }

    /** The user's full name. */
    public String name() {
        return name;
    }

    /** The URL of the user's profile picture. */
    public String picture() {
        return picture;
    }

    /** The Google Workspace domain of the account ({@code hd}), null for consumer accounts. */
    public String hostedDomain() {
        return hostedDomain;
    }
}
