package dev.fastmcp;

import dev.fastmcp.server.CallerFacingException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@code canAccess} helpers and {@link #getAuthSession}, named as in FastMCP.
 *
 * <pre>{@code
 * import static dev.fastmcp.Auth.*;
 *
 * Tool.builder("admin-report").canAccess(requireAll(requireAuth(), requireRole("admin")))
 * }</pre>
 *
 * <p>Every helper fails closed: an unauthenticated caller ({@code null} session) is refused.
 */
public final class Auth {

    private Auth() {
    }

    /** Allows any authenticated caller. */
    public static AccessCheck requireAuth() {
        return auth -> auth != null;
    }

    /**
     * Allows authenticated callers holding every one of {@code scopes}: granted, or implied by a broader scope
     * granted under the server's {@link FastMCP.Builder#scopeHierarchy scope hierarchy}.
     */
    public static AccessCheck requireScopes(String... scopes) {
        Set<String> required = Set.copyOf(Arrays.asList(scopes));
        if (required.isEmpty()) {
            throw new IllegalArgumentException("requireScopes() needs at least one scope");
        }
        return (Evaluating) (auth, holds) -> {
            if (auth == null) {
                return AccessCheck.Decision.DENIED;
            }
            Set<String> missing = new LinkedHashSet<>();
            for (String scope : required) {
                if (!holds.test(scope)) {
                    missing.add(scope);
                }
            }
            return missing.isEmpty() ? AccessCheck.Decision.ALLOWED : AccessCheck.Decision.missingScopes(missing);
        };
    }

    /** Allows authenticated callers having at least one of {@code roles} (see {@link AuthSession#roles()}). */
    public static AccessCheck requireRole(String... roles) {
        List<String> accepted = List.of(roles);
        if (accepted.isEmpty()) {
            throw new IllegalArgumentException("requireRole() needs at least one role");
        }
        return auth -> auth != null && auth.roles().stream().anyMatch(accepted::contains);
    }

    /** Allows the caller only if every check allows; a scope-only refusal reports the union of missing scopes. */
    public static AccessCheck requireAll(AccessCheck... checks) {
        List<AccessCheck> all = List.of(checks);
        return (Evaluating) (auth, holds) -> {
            Set<String> missing = new LinkedHashSet<>();
            for (AccessCheck check : all) {
                AccessCheck.Decision d = check.evaluate(auth, holds);
                if (!d.allowed()) {
                    if (!d.scopeOnly()) {
                        return AccessCheck.Decision.DENIED;
                    }
                    missing.addAll(d.missingScopes());
                }
            }
            return missing.isEmpty() ? AccessCheck.Decision.ALLOWED : AccessCheck.Decision.missingScopes(missing);
        };
    }

    /**
     * Allows the caller if any check allows. When all refuse and some refused only for scopes, the decision
     * reports the smallest such set of missing scopes.
     */
    public static AccessCheck requireAny(AccessCheck... checks) {
        List<AccessCheck> any = List.of(checks);
        return (Evaluating) (auth, holds) -> {
            Set<String> best = null;
            for (AccessCheck check : any) {
                AccessCheck.Decision d = check.evaluate(auth, holds);
                if (d.allowed()) {
                    return AccessCheck.Decision.ALLOWED;
                }
                if (d.scopeOnly() && (best == null || d.missingScopes().size() < best.size())) {
                    best = d.missingScopes();
                }
            }
            return best == null ? AccessCheck.Decision.DENIED : AccessCheck.Decision.missingScopes(best);
        };
    }

    /**
     * A check written as its full decision (which knows the missing scopes) under a scope hierarchy; without one,
     * the caller holds the scopes granted, and its yes or no follows from the decision.
     */
    @FunctionalInterface
    private interface Evaluating extends AccessCheck {

        @Override
        AccessCheck.Decision evaluate(AuthSession auth, Predicate<String> holds);

        @Override
        default AccessCheck.Decision evaluate(AuthSession auth) {
            return evaluate(auth, auth == null ? scope -> false : auth.scopes()::contains);
        }

        @Override
        default boolean test(AuthSession auth) {
            return evaluate(auth).allowed();
        }
    }

    /**
     * The caller's session, for tools guarded by {@link #requireAuth()}.
     *
     * @throws IllegalStateException when the request is not authenticated
     */
    public static AuthSession getAuthSession(Context ctx) {
        Objects.requireNonNull(ctx, "ctx == null");
        AuthSession auth = ctx.auth();
        if (auth == null) {
            throw new CallerFacingException("Session is not authenticated; guard the tool with canAccess(requireAuth())");
        }
        return auth;
    }

    /**
     * The caller's session as the type its auth provider gives, such as {@code GoogleSession}.
     *
     * @throws IllegalStateException when the request is not authenticated or the session is of another type
     */
    public static <S extends AuthSession> S getAuthSession(Context ctx, Class<S> type) {
        AuthSession auth = getAuthSession(ctx);
        if (!type.isInstance(auth)) {
            throw new IllegalStateException("Session is a " + auth.getClass().getSimpleName() + ", not a "
                    + type.getSimpleName() + "; check which auth provider the server uses");
        }
        return type.cast(auth);
    }
}
