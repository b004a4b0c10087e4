package dev.fastmcp;

import java.util.Set;
import java.util.function.Predicate;

/**
 * Decides whether a caller may see and use a tool, resource, resource template or prompt.
 *
 * <p>A check is a plain lambda over the caller's {@link AuthSession}, which is {@code null} when the request
 * is not authenticated (or no auth is configured): checks must fail closed on {@code null}. A refused
 * component is left out of the lists and answered as if it did not exist.
 *
 * <pre>{@code
 * Tool.builder("delete-note").canAccess(auth -> auth != null && auth.hasScope("notes:write"))
 * }</pre>
 *
 * <p>The helpers in {@link Auth} also know which scopes a refused caller lacked, so a server can answer a
 * scope-only refusal with a step-up challenge instead of hiding the component.
 */
@FunctionalInterface
public interface AccessCheck {

    /** Whether {@code auth} (null when unauthenticated) may access the component. */
    boolean test(AuthSession auth);

    /**
     * The full decision. The default wraps {@link #test}; the {@link Auth} helpers override it to report the
     * scopes that would have allowed the caller.
     */
    default Decision evaluate(AuthSession auth) {
        return test(auth) ? Decision.ALLOWED : Decision.DENIED;
    }

    /**
     * The full decision under the server's scope hierarchy ({@link FastMCP.Builder#scopeHierarchy}), which is how
     * the server asks: {@code holds} tells whether the caller holds a scope, granted or implied by a broader one
     * granted. The default ignores it and is {@link #evaluate(AuthSession)}; {@link Auth#requireScopes} and the
     * helpers combining checks honour it.
     */
    default Decision evaluate(AuthSession auth, Predicate<String> holds) {
        return evaluate(auth);
    }

    /**
     * The outcome of a check.
     *
     * @param allowed       whether access is granted
     * @param missingScopes when refused only for lack of scopes, the scopes that would grant access;
     *                      empty otherwise
     */
    record Decision(boolean allowed, Set<String> missingScopes) {

        /** Access granted. */
        public static final Decision ALLOWED = new Decision(true, Set.of());

        /** Access refused for a reason other than scopes. */
        public static final Decision DENIED = new Decision(false, Set.of());

        /** Copies the scopes. */
        public Decision {
            missingScopes = Set.copyOf(missingScopes);
        }

        /** Refused only because these scopes are missing. */
        public static Decision missingScopes(Set<String> scopes) {
            return new Decision(false, scopes);
        }

        /** Whether the refusal is due to missing scopes only, so that a step-up could grant access. */
        public boolean scopeOnly() {
            return !allowed && !missingScopes.isEmpty();
        }
    }
}
