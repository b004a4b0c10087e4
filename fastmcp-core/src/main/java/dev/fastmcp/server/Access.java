package dev.fastmcp.server;

import dev.fastmcp.AccessCheck;
import dev.fastmcp.AuthSession;
import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of the access decision: whether the caller of a request may use a tool, prompt or resource,
 * must not even learn that it exists, or could get it by granting more scopes. Each call is decided once, here;
 * a refusal is a {@link Decision} value, which the transport turns into the answer of an unknown component or
 * into the 403 step-up challenge. {@link #decide(Kind, String, Caller)} needs only a name and the caller, so
 * the HTTP edge can ask before the request reaches the SDK.
 */
public final class Access {

    private static final Logger LOG = LoggerFactory.getLogger(Access.class);

    /** What a request asks for: tools and prompts by name, resources (and templates) by URI. */
    public enum Kind { TOOL, PROMPT, RESOURCE }

    /**
     * Who is calling, as authenticated once for the HTTP request: the one place a request's identity is held.
     *
     * @param session   the verified session; null when unauthenticated or no authentication is configured
     * @param canStepUp whether the session comes from an OAuth bearer token, so a client lacking scopes can be
     *                  asked to authorize again with more
     * @param scopes    the server's scope hierarchy, by which the session holds the scopes its granted ones imply
     */
    public record Caller(AuthSession session, boolean canStepUp, Scopes scopes) {

        /** No authenticated caller (stdio, or a server without authentication). */
        public static final Caller ANONYMOUS = new Caller(null, false);

        /** Step-up needs a session whose scopes it can extend. */
        public Caller {
            canStepUp = canStepUp && session != null;
            scopes = scopes == null ? Scopes.FLAT : scopes;
        }

        /** A caller of a server without a scope hierarchy. */
        public Caller(AuthSession session, boolean canStepUp) {
            this(session, canStepUp, Scopes.FLAT);
        }

        public static Caller of(AuthSession session, boolean bearerTokens) {
            return of(session, bearerTokens, Scopes.FLAT);
        }

        public static Caller of(AuthSession session, boolean bearerTokens, Scopes scopes) {
            return session == null ? ANONYMOUS : new Caller(session, bearerTokens, scopes);
        }

        /** Whether the caller holds {@code scope}: granted, or implied by a granted one. */
        public boolean holds(String scope) {
            return session != null && scopes.holds(session.scopes(), scope);
        }
    }

    /** The outcome of the access decision for one caller and one component. */
    sealed interface Decision {
    }

    /**
     * The caller may use the component.
     *
     * @param component the {@link Tool}, {@link Prompt}, {@link Resource} or {@link ResourceTemplate} decided on
     */
    record Allowed(Object component) implements Decision {
    }

    /** The caller may neither see nor use the component: it is answered exactly like one that does not exist. */
    record Hidden() implements Decision {
    }

    /**
     * A tool refused only for lack of scopes, to a caller who can step up: HTTP 403 {@code insufficient_scope}.
     *
     * @param scopes all the scopes the client should ask for: those granted plus those missing
     */
    public record MissingScopes(Set<String> scopes) implements Decision {

        /** Keeps the order (granted first) and copies. */
        public MissingScopes {
            scopes = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(scopes));
        }
    }

    static final Decision HIDDEN = new Hidden();

    private final Components components;

    Access(Components components) {
        this.components = components;
    }

    /**
     * The decision for the component of this kind and name (a URI for resources, matched against the resources
     * and then the templates); an unknown component is {@link Hidden}, as a refused one.
     */
    Decision decide(Kind kind, String name, Caller caller) {
        Object component = components.find(kind, name);
        return component == null ? HIDDEN : decide(component, caller);
    }

    /** The decision for a known component (a {@link Tool}, {@link Prompt}, {@link Resource} or template). */
    static Decision decide(Object component, Caller caller) {
        if (component instanceof Tool t) {
            return decide(component, !t.hiddenWhenScopesMissing(), t.canAccess(), caller);
        }
        if (component instanceof Prompt p) {
            return decide(component, false, p.canAccess(), caller);
        }
        if (component instanceof Resource r) {
            return decide(component, false, r.canAccess(), caller);
        }
        if (component instanceof ResourceTemplate t) {
            return decide(component, false, t.canAccess(), caller);
        }
        throw new IllegalArgumentException("Not a component: " + component.getClass().getName());
    }

    /**
     * The decision table, with the scopes the caller holds by the server's hierarchy. No check: allowed. A check
     * that allows: allowed. A check refusing a tool that offers step-up (not {@code hideWhenScopesMissing}) only for
     * missing scopes, to a caller who can step up: missing scopes. Any other refusal, and a check that throws:
     * hidden (checks fail closed), in lists and calls alike. The check runs exactly once.
     */
    private static Decision decide(Object component, boolean stepUp, AccessCheck check, Caller caller) {
        if (check == null) {
            return new Allowed(component);
        }
        AccessCheck.Decision verdict;
        try {
            verdict = check.evaluate(caller.session(), caller::holds);
        } catch (RuntimeException e) {
            LOG.warn("A canAccess check threw; access refused", e);
            return HIDDEN;
        }
        if (verdict == null) {
            LOG.warn("A canAccess check returned no decision; access refused");
            return HIDDEN;
        }
        if (verdict.allowed()) {
            return new Allowed(component);
        }
        if (stepUp && verdict.scopeOnly() && caller.canStepUp()) {
            Set<String> wanted = new LinkedHashSet<>(caller.session().scopes());
            wanted.addAll(verdict.missingScopes());
            return new MissingScopes(wanted);
        }
        return HIDDEN;
    }

    /** Whether a decision leaves the component in the caller's list: allowed ones, and tools to step up to. */
    static boolean listed(Decision decision) {
        return !(decision instanceof Hidden);
    }

    /** The answer to a component that does not exist, and so to a hidden one: the two must not differ. */
    public static McpError unknown(Kind kind, String name) {
        return switch (kind) {
            case TOOL -> McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: " + name).build();
            case PROMPT -> McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown prompt: " + name)
                    .build();
            case RESOURCE -> McpError.RESOURCE_NOT_FOUND.apply(name);
        };
    }
}
