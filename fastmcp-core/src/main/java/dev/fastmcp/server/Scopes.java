package dev.fastmcp.server;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scope rules of MCP 2026-07-28 that a resource server keeps: its scope hierarchy, in which a broader scope
 * implies narrower ones ({@code notes:write} implies {@code notes:read}, {@code admin} implies every
 * {@code admin:} scope), and which scopes it names to clients ({@code offline_access} never: a client asks for it
 * itself when it wants refresh tokens).
 */
public final class Scopes {

    /** No scope implies another. */
    public static final Scopes FLAT = new Scopes(Map.of());

    private static final String OFFLINE_ACCESS = "offline_access";

    /** Each scope with every scope or prefix pattern it implies, directly or through others. */
    private final Map<String, Set<String>> closure;

    private Scopes(Map<String, Set<String>> closure) {
        this.closure = closure;
    }

    /**
     * A hierarchy: each key implies the scopes of its value, and what those imply in turn. A value ending in
     * {@code *} implies every scope starting with what precedes it ({@code admin:*}).
     *
     * @throws IllegalArgumentException for a blank scope, or a {@code *} anywhere but at the end of an implied one
     */
    public static Scopes hierarchy(Map<String, ? extends Collection<String>> implies) {
        Map<String, Set<String>> direct = new LinkedHashMap<>();
        implies.forEach((broader, narrower) -> {
            requireScope(broader, false);
            if (narrower == null) {
                throw new IllegalArgumentException("The scope hierarchy gives '" + broader + "' no implied scopes; "
                        + "map it to the scopes it implies");
            }
            narrower.forEach(n -> requireScope(n, true));
            direct.computeIfAbsent(broader, k -> new LinkedHashSet<>()).addAll(narrower);
        });
        Map<String, Set<String>> closure = new LinkedHashMap<>();
        direct.keySet().forEach(scope -> closure.put(scope, Set.copyOf(reachable(scope, direct))));
        return new Scopes(Map.copyOf(closure));
    }

    /** Whether a caller granted {@code granted} holds {@code scope}: granted, or implied by a granted scope. */
    public boolean holds(Collection<String> granted, String scope) {
        if (granted.contains(scope)) {
            return true;
        }
        for (String g : granted) {
            for (String implied : closure.getOrDefault(g, Set.of())) {
                if (matches(implied, scope)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The scopes of {@code required} that {@code granted} does not hold, in their order. */
    public Set<String> missing(Collection<String> granted, Collection<String> required) {
        Set<String> missing = new LinkedHashSet<>();
        for (String scope : required) {
            if (!holds(granted, scope)) {
                missing.add(scope);
            }
        }
        return missing;
    }

    /**
     * The scopes a server may name to clients, in a challenge's {@code scope} or in the protected resource
     * metadata's {@code scopes_supported}: all but {@code offline_access}, in their order.
     */
    public static List<String> advertised(Collection<String> scopes) {
        return scopes.stream().filter(s -> !OFFLINE_ACCESS.equals(s)).toList();
    }

    /** Every scope and pattern {@code scope} implies, following scopes and the keys a pattern matches. */
    private static Set<String> reachable(String scope, Map<String, Set<String>> direct) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> next = new ArrayDeque<>(direct.getOrDefault(scope, Set.of()));
        while (!next.isEmpty()) {
            String implied = next.pop();
            if (!seen.add(implied)) {
                continue;
            }
            direct.forEach((key, narrower) -> {
                if (matches(implied, key)) {
                    next.addAll(narrower);
                }
            });
        }
        return seen;
    }

    /** Whether an implied scope or pattern covers {@code scope}. */
    private static boolean matches(String implied, String scope) {
        return implied.endsWith("*") ? scope.startsWith(implied.substring(0, implied.length() - 1))
                : implied.equals(scope);
    }

    private static void requireScope(String scope, boolean patternAllowed) {
        if (scope == null || scope.isBlank()) {
            throw new IllegalArgumentException("The scope hierarchy contains a blank or null scope");
        }
        int star = scope.indexOf('*');
        if (star >= 0 && !(patternAllowed && star == scope.length() - 1)) {
            throw new IllegalArgumentException("The scope hierarchy contains '" + scope + "': only an implied scope "
                    + "may end in '*', meaning every scope that starts with what precedes it (such as 'admin:*')");
        }
    }
}
