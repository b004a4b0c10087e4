package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The session of a user signed in with {@link KeycloakProvider}:
 * {@code Auth.getAuthSession(ctx, KeycloakSession.class)}. The fields come from the realm's verified ID token and
 * the access token it came with (or the userinfo endpoint); each is null (or empty) when the realm did not send it:
 * {@code email} needs the {@code email} scope, {@code groups} a group membership mapper on the client.
 * {@code upstreamTokens().accessToken()} calls APIs that trust the realm.
 *
 * <p><b>Roles.</b> {@link #roles()}, which {@code requireRole} reads, holds the realm roles by their names
 * ({@code admin}) and every client role as {@code <client id>:<role>} ({@code notes-server:editor}), this
 * server's client included, so that a client role never passes for a realm role of the same name.
 * {@link #realmRoles()} and {@link #clientRoles()} give them apart.
 */
public final class KeycloakSession extends ProxySession {

    private final String clientId;
    private final String username;
    private final String email;
    private final Boolean emailVerified;
    private final String name;
    private final String givenName;
    private final String familyName;
    private final List<String> realmRoles;
    private final Map<String, List<String>> clientRoles;
    private final List<String> groups;

    KeycloakSession(ProxySession base, String clientId) {
        super(base);
        Map<String, Object> claims = upstreamClaims();
        this.clientId = clientId;
        this.username = Claims.string(claims, "preferred_username");
        this.email = Claims.string(claims, "email");
        this.emailVerified = Claims.bool(claims, "email_verified");
        this.name = Claims.string(claims, "name");
        this.givenName = Claims.string(claims, "given_name");
        this.familyName = Claims.string(claims, "family_name");
        this.realmRoles = rolesOf(claims.get("realm_access"));
        Map<String, List<String>> byClient = new LinkedHashMap<>();
        if (claims.get("resource_access") instanceof Map<?, ?> access) {
            access.forEach((client, roles) -> {
                if (client instanceof String c && !rolesOf(roles).isEmpty()) {
                    byClient.put(c, rolesOf(roles));
                }
            });
        }
        this.clientRoles = Map.copyOf(byClient);
        this.groups = Claims.strings(claims, "groups");
    }

    /** The {@code roles} of a Keycloak access object ({@code {"roles": [...]}}); empty when there are none. */
    private static List<String> rolesOf(Object access) {
        List<String> out = new ArrayList<>();
        if (access instanceof Map<?, ?> m && m.get("roles") instanceof Collection<?> roles) {
            for (Object role : roles) {
                if (role instanceof String s) {
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }

    /** The user's username in the realm ({@code preferred_username}); it can change, the subject does not. */
    public String username() {
        return username;
    }

    /** The user's e-mail address. */
    public String email() {
        return email;
    }

    /** Whether the realm verified {@link #email()}; check it before trusting the address. */
    public Boolean emailVerified() {
        return emailVerified;
    }

    /** The user's full name. */
    public String name() {
        return name;
    }

    /** The user's first name ({@code given_name}). */
    public String givenName() {
        return givenName;
    }

    /** The user's last name ({@code family_name}). */
    public String familyName() {
        return familyName;
    }

    /** The user's realm roles ({@code realm_access.roles}), including the realm's default ones. */
    public List<String> realmRoles() {
        return realmRoles;
    }

    /** The user's roles of this server's own client ({@code resource_access.<client id>.roles}). */
    public List<String> clientRoles() {
        return clientRoles(clientId);
    }

    /** The user's roles of the client {@code clientId} of the realm, as far as the token carries them. */
    public List<String> clientRoles(String clientId) {
        return clientRoles.getOrDefault(clientId, List.of());
    }

    /**
     * The realm roles by name, the client roles as {@code <client id>:<role>}, and any {@code roles} of the
     * session's claims.
     */
    @Override
    public Set<String> roles() {
        List<String> own = new ArrayList<>(realmRoles);
        clientRoles.forEach((client, roles) -> roles.forEach(role -> own.add(client + ":" + role)));
        return Claims.roles(own, super.roles());
    }

    /**
     * The user's groups ({@code groups}), when the client has a group membership mapper: full paths such as
     * {@code /staff/editors}, or plain names, as the mapper is set.
     */
    public List<String> groups() {
        return groups;
    }
}
