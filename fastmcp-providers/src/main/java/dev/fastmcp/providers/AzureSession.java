package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;
import java.util.List;
import java.util.Set;

/**
 * The session of a user signed in with {@link AzureProvider}: {@code Auth.getAuthSession(ctx, AzureSession.class)}.
 * The fields come from the verified ID token (or Graph {@code /me}); each is null (or empty) when Entra did not
 * send it: {@code roles} and {@code groups} need app roles or a groups claim configured on the registration.
 */
public final class AzureSession extends ProxySession {

    private final String upn;
    private final String oid;
    private final String tid;
    private final String name;
    private final String email;
    private final List<String> azureRoles;
    private final List<String> groups;

    AzureSession(ProxySession base) {
        super(base);
        String upn = Claims.string(upstreamClaims(), "upn");
        this.upn = upn != null ? upn : Claims.string(upstreamClaims(), "preferred_username");
        this.oid = Claims.string(upstreamClaims(), "oid");
        this.tid = Claims.string(upstreamClaims(), "tid");
        this.name = Claims.string(upstreamClaims(), "name");
        this.email = Claims.string(upstreamClaims(), "email");
        this.azureRoles = Claims.strings(upstreamClaims(), "roles");
        this.groups = Claims.strings(upstreamClaims(), "groups");
    }

    /** The user principal name ({@code upn}, else {@code preferred_username}), such as {@code alice@contoso.com}. */
    public String upn() {
        return upn;
    }

    /** The user's object id in its tenant: stable, and the session's subject. */
    public String oid() {
        return oid;
    }

    /** The user's tenant (directory) id. */
    public String tid() {
        return tid;
    }

    /** The user's display name. */
    public String name() {
        return name;
    }

    /** The user's e-mail address, when the tenant has one for them. */
    public String email() {
        return email;
    }

    /** The app roles assigned to the user, together with any {@code roles} of the session's claims. */
    @Override
    public Set<String> roles() {
        return Claims.roles(azureRoles, super.roles());
    }

    /** The ids of the user's groups, when the registration emits a groups claim. */
    public List<String> groups() {
        return groups;
    }
}
