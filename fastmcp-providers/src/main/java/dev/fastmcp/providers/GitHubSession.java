package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;

/**
 * The session of a user signed in with {@link GitHubProvider}: {@code Auth.getAuthSession(ctx, GitHubSession.class)}.
 * The fields come from GitHub's {@code GET /user} at sign-in; {@code upstreamTokens().accessToken()} calls the
 * GitHub API for the user.
 */
public final class GitHubSession extends ProxySession {

    private final String login;
    private final long id;
    private final String name;
    private final String email;

    GitHubSession(ProxySession base) {
        super(base);
        this.login = Claims.string(upstreamClaims(), "login");
        Long number = Claims.number(upstreamClaims(), "id");
        this.id = number != null ? number : 0L;
        this.name = Claims.string(upstreamClaims(), "name");
        this.email = Claims.string(upstreamClaims(), "email");
    }

    /** The user's login (handle); it can change, {@link #id()} does not. */
    public String login() {
        return login;
    }

    /** The user's numeric id, also the session's subject. */
    public long id() {
        return id;
    }

    /** The user's display name, or null when not set. */
    public String name() {
        return name;
    }

    /** The public address, else the primary verified one (with {@code user:email}); null when unknown. */
    public String email() {
        return email;
    }
}
