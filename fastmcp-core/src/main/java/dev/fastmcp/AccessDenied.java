package dev.fastmcp;

import java.util.Set;

/**
 * A call refused only because the token lacks scopes: answered with HTTP 403 and an
 * {@code insufficient_scope} challenge so the client can ask the user for more.
 */
final class AccessDenied extends RuntimeException {

    final Object requestId;
    /** The scopes to ask for: those granted plus those missing. */
    final Set<String> scopes;

    AccessDenied(Object requestId, Set<String> scopes) {
        super("insufficient_scope", null, false, false);
        this.requestId = requestId;
        this.scopes = java.util.Collections.unmodifiableSet(new java.util.LinkedHashSet<>(scopes));
    }
}
