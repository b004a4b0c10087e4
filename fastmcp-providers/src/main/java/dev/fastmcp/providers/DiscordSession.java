package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;

/**
 * The session of a user signed in with {@link DiscordProvider}: {@code Auth.getAuthSession(ctx, DiscordSession.class)}.
 * The fields come from Discord's {@code GET /users/@me} at sign-in; the address and whether it is verified need the
 * {@code email} scope. {@code upstreamTokens().accessToken()} calls the Discord API for the user (for example
 * {@code /users/@me/guilds} with the {@code guilds} scope).
 */
public final class DiscordSession extends ProxySession {

    static final String CDN = "https://cdn.discordapp.com";

    private final String username;
    private final String globalName;
    private final String email;
    private final Boolean emailVerified;
    private final String avatarUrl;

    DiscordSession(ProxySession base) {
        super(base);
        this.username = Claims.string(upstreamClaims(), "username");
        this.globalName = Claims.string(upstreamClaims(), "global_name");
        this.email = Claims.string(upstreamClaims(), "email");
        this.emailVerified = Claims.bool(upstreamClaims(), "verified");
        this.avatarUrl = avatarUrl(subject(), Claims.string(upstreamClaims(), "avatar"),
                Claims.string(upstreamClaims(), "discriminator"));
    }

    /**
     * The URL of a user's avatar on Discord's CDN: the uploaded one ({@code .gif} for an animated hash, which starts
     * with {@code a_}), else Discord's default avatar, chosen from the id (or, for an account not yet migrated to
     * unique usernames, from the discriminator).
     */
    static String avatarUrl(String id, String hash, String discriminator) {
        if (hash != null && !hash.isBlank()) {
            return CDN + "/avatars/" + id + "/" + hash + (hash.startsWith("a_") ? ".gif" : ".png");
        }
        long index;
        try {
            index = discriminator == null || discriminator.equals("0") ? (Long.parseLong(id) >>> 22) % 6
                    : Long.parseLong(discriminator) % 5;
        } catch (NumberFormatException e) {
            index = 0;
        }
        return CDN + "/embed/avatars/" + index + ".png";
    }

    /** The user's unique username; it can change, the subject (the user's id) does not. */
    public String username() {
        return username;
    }

    /** The display name the user chose ({@code global_name}), or null when none is set. */
    public String globalName() {
        return globalName;
    }

    /** The user's e-mail address (with the {@code email} scope). */
    public String email() {
        return email;
    }

    /** Whether Discord verified {@link #email()} ({@code verified}); check it before trusting the address. */
    public Boolean emailVerified() {
        return emailVerified;
    }

    /** The URL of the user's avatar: the one uploaded, else Discord's default avatar for the account. */
    public String avatarUrl() {
        return avatarUrl;
    }
}
