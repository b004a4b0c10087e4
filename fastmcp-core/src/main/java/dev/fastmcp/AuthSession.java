package dev.fastmcp;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The verified identity behind a request: who is calling, through which client, with which scopes.
 *
 * <p>It reaches tools, resources and prompts through {@link Context#auth()} and is what {@link AccessCheck}s
 * look at. Auth providers may return richer sessions that extend this interface (for example a
 * {@code GoogleSession} with an e-mail address); {@link #of} builds the plain one.
 */
public interface AuthSession {

    /** The subject (user id) the token or credentials were issued to; never null. */
    String subject();

    /** The OAuth client the caller used, or {@code null} when unknown (API keys, custom schemes). */
    String clientId();

    /** The granted scopes; empty when none. */
    Set<String> scopes();

    /** All claims or attributes of the identity, as verified; empty when none. */
    Map<String, Object> claims();

    /** When the credentials expire, or {@code null} when they do not. */
    Instant expiresAt();

    /**
     * The roles of the caller, read by {@link Auth#requireRole}. By default they come from the {@code role}
     * claim (a string) and the {@code roles} claim (a list or a space-separated string).
     */
    default Set<String> roles() {
        Set<String> roles = new LinkedHashSet<>();
        addNames(roles, claims().get("role"));
        addNames(roles, claims().get("roles"));
        return Set.copyOf(roles);
    }

    /**
     * The access token with which a tool calls the identity provider's APIs for the caller, or {@code null} when the
     * server knows none (the default). Under the OAuth proxy with token swap (its default) it is the upstream access
     * token behind the caller's token, refreshed first when it has expired; it is never the token the client sent,
     * which is meant for this server alone and must not be passed on.
     */
    default String accessToken() {
        return null;
    }

    /** Whether the session holds {@code scope}. */
    default boolean hasScope(String scope) {
        return scopes().contains(scope);
    }

    /** A plain session for a subject with scopes and no other claims. */
    static AuthSession of(String subject, Collection<String> scopes) {
        return new DefaultAuthSession(subject, null, Set.copyOf(scopes), Map.of(), null);
    }

    /** A plain session with every field given; {@code clientId} and {@code expiresAt} may be null. */
    static AuthSession of(String subject, String clientId, Collection<String> scopes, Map<String, Object> claims,
            Instant expiresAt) {
        return new DefaultAuthSession(subject, clientId, Set.copyOf(scopes), claims, expiresAt);
    }

    private static void addNames(Set<String> into, Object value) {
        if (value instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    into.add(part);
                }
            }
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s && !s.isEmpty()) {
                    into.add(s);
                }
            }
        }
    }
}
