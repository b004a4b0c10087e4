package dev.fastmcp.providers;

import dev.fastmcp.AuthSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The session of a request with an AuthKit access token, under {@link AuthKitProvider}:
 * {@code Auth.getAuthSession(ctx, AuthKitSession.class)}. The fields are claims of the verified token; each is null
 * (or empty) when AuthKit did not put it there: the organization, role and permissions need a sign-in into an
 * organization. {@link #roles()} reads {@code role} and {@code roles}, so {@code requireRole} works with WorkOS
 * roles.
 */
public final class AuthKitSession implements AuthSession {

    private final AuthSession token;

    AuthKitSession(AuthSession token) {
        this.token = token;
    }

    /** The WorkOS user id ({@code sub}, such as {@code user_01H...}). */
    @Override
    public String subject() {
        return token.subject();
    }

    @Override
    public String clientId() {
        return token.clientId();
    }

    @Override
    public Set<String> scopes() {
        return token.scopes();
    }

    @Override
    public Map<String, Object> claims() {
        return token.claims();
    }

    @Override
    public Instant expiresAt() {
        return token.expiresAt();
    }

    /** The roles of the token's {@code role} and {@code roles} claims. */
    @Override
    public Set<String> roles() {
        return token.roles();
    }

    /** The organization the user signed in to ({@code org_id}). */
    public String organizationId() {
        return Claims.string(claims(), "org_id");
    }

    /** The user's role in the organization ({@code role}). */
    public String role() {
        return Claims.string(claims(), "role");
    }

    /** The permissions of the user's role ({@code permissions}). */
    public List<String> permissions() {
        return Claims.strings(claims(), "permissions");
    }

    /** AuthKit's session behind the token ({@code sid}). */
    public String sessionId() {
        return Claims.string(claims(), "sid");
    }

    @Override
    public String toString() {
        return "AuthKitSession[subject=" + subject() + ", organizationId=" + organizationId() + "]";
    }
}
