package dev.fastmcp.server;

/**
 * The access decision for a call made at the HTTP edge of a 2026-07-28 request, from its {@code Mcp-Method} and
 * {@code Mcp-Name} headers, before its body is read: a caller lacking scopes is refused before the server reads
 * the body. Once the body is read (and the headers are found equal to it), the request's scope adopts the decision,
 * so that it is made only once.
 */
public final class EdgeDecision {

    private final Access.Kind kind;
    private final String name;
    private final Access.Decision decision;

    EdgeDecision(Access.Kind kind, String name, Access.Decision decision) {
        this.kind = kind;
        this.name = name;
        this.decision = decision;
    }

    Access.Kind kind() {
        return kind;
    }

    String name() {
        return name;
    }

    Access.Decision decision() {
        return decision;
    }

    /** The refusal for missing scopes (answered with the 403 step-up at once), or null. */
    public Access.MissingScopes stepUp() {
        return decision instanceof Access.MissingScopes m ? m : null;
    }
}
