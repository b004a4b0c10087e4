package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The session of a user signed in with {@link Auth0Provider}: {@code Auth.getAuthSession(ctx, Auth0Session.class)}.
 * The profile fields come from Auth0's verified ID token (or its {@code /userinfo}); each is null when Auth0 did not
 * send it ({@code email} without the {@code email} scope, {@code orgId} outside an organization). The permissions
 * and the granted scope come from the access token Auth0 issued for the configured audience; without an audience
 * there are none. {@code upstreamTokens().accessToken()} calls that API for the user.
 */
public final class Auth0Session extends ProxySession {

    /** Scopes of OpenID Connect itself, which are not permissions of an API. */
    private static final Set<String> OIDC_SCOPES = Set.of("openid", "profile", "email", "offline_access");

    private final String email;
    private final Boolean emailVerified;
    private final String name;
    private final String nickname;
    private final String picture;
    private final String orgId;
    private final List<String> permissions;
    private final List<String> auth0Roles;
    private final Set<String> scopes;

    Auth0Session(ProxySession base, String rolesClaim) {
        super(base);
        this.email = Claims.string(upstreamClaims(), "email");
        this.emailVerified = Claims.bool(upstreamClaims(), "email_verified");
        this.name = Claims.string(upstreamClaims(), "name");
        this.nickname = Claims.string(upstreamClaims(), "nickname");
        this.picture = Claims.string(upstreamClaims(), "picture");
        this.orgId = Claims.string(upstreamClaims(), "org_id");
        this.permissions = Claims.strings(upstreamClaims(), "permissions");
        this.auth0Roles = rolesClaim == null ? List.of() : Claims.strings(upstreamClaims(), rolesClaim);
        this.scopes = grantedByAuth0(super.scopes(), Claims.string(upstreamClaims(), "scope"));
    }

    /**
     * The scopes of our token that Auth0 granted too: when its access token names a {@code scope} (an API's token),
     * a scope of the API missing there (a permission the user lacks, under RBAC) is dropped.
     */
    private static Set<String> grantedByAuth0(Set<String> ours, String upstreamScope) {
        if (upstreamScope == null) {
            return ours;
        }
        Set<String> granted = Set.of(upstreamScope.trim().split("\\s+"));
        Set<String> kept = new LinkedHashSet<>();
        for (String s : ours) {
            if (OIDC_SCOPES.contains(s) || granted.contains(s)) {
                kept.add(s);
            }
        }
        return Set.copyOf(kept);
    }

    /** The scopes granted to the client that Auth0 granted for the user as well (see {@link Auth0Provider}). */
    @Override
    public Set<String> scopes() {
        return scopes;
    }

    /** The user's e-mail address. */
    public String email() {
        return email;
    }

    /** Whether Auth0 (or the social or enterprise connection behind it) verified {@link #email()}. */
    public Boolean emailVerified() {
        return emailVerified;
    }

    /** The user's full name. */
    public String name() {
        return name;
    }

    /** The user's nickname (by default the part of the e-mail address before the {@code @}). */
    public String nickname() {
        return nickname;
    }

    /** The URL of the user's picture. */
    public String picture() {
        return picture;
    }

    /** The Auth0 organization the user signed in to ({@code org_id}), or null outside organizations. */
    public String orgId() {
        return orgId;
    }

    /**
     * The user's permissions for the API of the configured audience (the access token's {@code permissions}, with
     * RBAC and "Add Permissions in the Access Token" on); empty without them.
     */
    public List<String> permissions() {
        return permissions;
    }

    /** The values of the configured {@code rolesClaim}, together with any {@code roles} of the session's claims. */
    @Override
    public Set<String> roles() {
        return Claims.roles(auth0Roles, super.roles());
    }
}
