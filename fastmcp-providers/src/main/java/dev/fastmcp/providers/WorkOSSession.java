package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The session of a user signed in with {@link WorkOSProvider}: {@code Auth.getAuthSession(ctx, WorkOSSession.class)}.
 * The fields come from AuthKit's verified ID token (or its userinfo endpoint) and its access token; each is null (or
 * empty) when AuthKit did not send it: the names need the {@code profile} scope, the address the {@code email} scope,
 * and the organization, role and permissions a sign-in into an organization.
 */
public final class WorkOSSession extends ProxySession {

    private final String email;
    private final Boolean emailVerified;
    private final String firstName;
    private final String lastName;
    private final String organizationId;
    private final String role;
    private final List<String> workosRoles;
    private final List<String> permissions;

    WorkOSSession(ProxySession base) {
        super(base);
        this.email = Claims.string(upstreamClaims(), "email");
        this.emailVerified = Claims.bool(upstreamClaims(), "email_verified");
        this.firstName = Claims.string(upstreamClaims(), "given_name");
        this.lastName = Claims.string(upstreamClaims(), "family_name");
        this.organizationId = Claims.string(upstreamClaims(), "org_id");
        this.role = Claims.string(upstreamClaims(), "role");
        this.workosRoles = Claims.strings(upstreamClaims(), "roles");
        this.permissions = Claims.strings(upstreamClaims(), "permissions");
    }

    /** The user's e-mail address. */
    public String email() {
        return email;
    }

    /** Whether WorkOS verified {@link #email()}; check it before trusting the address. */
    public Boolean emailVerified() {
        return emailVerified;
    }

    /** The user's first name ({@code given_name}). */
    public String firstName() {
        return firstName;
    }

    /** The user's last name ({@code family_name}). */
    public String lastName() {
        return lastName;
    }

    /** The organization the user signed in to ({@code org_id}, such as {@code org_01H...}). */
    public String organizationId() {
        return organizationId;
    }

    /** The user's role in {@link #organizationId()} ({@code role}), such as {@code member}. */
    public String role() {
        return role;
    }

    /** The user's WorkOS roles ({@code role} and {@code roles}), together with any of the session's claims. */
    @Override
    public Set<String> roles() {
        List<String> own = new ArrayList<>();
        if (role != null) {
            own.add(role);
        }
        own.addAll(workosRoles);
        return Claims.roles(own, super.roles());
    }

    /** The permissions of the user's role ({@code permissions}), such as {@code posts:read}. */
    public List<String> permissions() {
        return permissions;
    }
}
