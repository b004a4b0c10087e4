package dev.fastmcp.auth.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Claim reading shared by the token verifiers and the proxy: scopes, the client id, immutable copies of the
 * claims, quoting of token-supplied values so that a hostile claim cannot flood or forge log lines, and the check
 * of a verifier's configured names.
 */
public final class VerifierClaims {

    /** The longest token-supplied value quoted in a reason; longer values are cut. */
    private static final int MAX_QUOTED = 80;

    private VerifierClaims() {
    }

    /** Checks that no value is null or blank; an unmodifiable copy, for a verifier's configured names. */
    public static List<String> names(Collection<String> values, String what) {
        Objects.requireNonNull(values, what + " == null");
        for (String v : values) {
            if (v == null || v.isBlank()) {
                throw new IllegalArgumentException(what + " contains a blank or null value: " + values);
            }
        }
        return List.copyOf(values);
    }

    /** The scopes of a space-separated {@code scope} claim; empty when the claim is absent or not a string. */
    public static Set<String> parseScope(Object claim) {
        if (!(claim instanceof String text) || text.isBlank()) {
            return Set.of();
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : text.trim().split("\\s+")) {
            scopes.add(scope);
        }
        return Collections.unmodifiableSet(scopes);
    }

    /** The scopes in the first present claim of {@code names}: a space-separated string or a list of strings. */
    public static Set<String> scopes(Map<String, ?> claims, String... names) {
        for (String name : names) {
            Object value = claims.get(name);
            if (value != null) {
                return words(value);
            }
        }
        return Set.of();
    }

    /** The words of a space-separated string, or the non-empty strings of a collection; otherwise none. */
    static Set<String> words(Object value) {
        Set<String> words = new LinkedHashSet<>();
        if (value instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    words.add(part);
                }
            }
        } else if (value instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s && !s.isBlank()) {
                    words.add(s.trim());
                }
            }
        }
        return Collections.unmodifiableSet(words);
    }

    /** The OAuth client: {@code client_id}, else {@code azp} (OpenID Connect), else {@code cid} (Okta); or null. */
    public static String clientId(Map<String, ?> claims) {
        for (String name : List.of("client_id", "azp", "cid")) {
            if (claims.get(name) instanceof String s && !s.isBlank()) {
                return s;
            }
        }
        return null;
    }

    /** Null when every required scope is granted, otherwise the reason naming the missing ones. */
    public static String missingScopes(Set<String> required, Set<String> granted) {
        Set<String> missing = new LinkedHashSet<>(required);
        missing.removeAll(granted);
        if (missing.isEmpty()) {
            return null;
        }
        List<String> quoted = new ArrayList<>();
        for (String scope : granted) {
            quoted.add(quote(scope));
        }
        return "token lacks the required scope(s) " + String.join(", ", missing) + "; it grants "
                + (quoted.isEmpty() ? "no scopes" : String.join(", ", quoted));
    }

    /** A deep, unmodifiable copy without null values (which {@code AuthSession} claims cannot hold). */
    public static Map<String, Object> freeze(Map<String, ?> claims) {
        Map<String, Object> copy = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            if (name != null && value != null) {
                copy.put(name, freezeValue(value));
            }
        });
        return Collections.unmodifiableMap(copy);
    }

    private static Object freezeValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, freezeValue(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof Collection<?> c) {
            List<Object> copy = new ArrayList<>(c.size());
            c.forEach(v -> copy.add(freezeValue(v)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    /**
     * A token-supplied value made safe for a reason or a log line: quoted, control characters replaced and
     * cut at {@value #MAX_QUOTED} characters. Lists are quoted element by element.
     */
    public static String quote(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            for (Object o : c) {
                if (parts.size() == 5) {
                    parts.add("...");
                    break;
                }
                parts.add(quote(o));
            }
            return "[" + String.join(", ", parts) + "]";
        }
        String s = String.valueOf(value);
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 5).append('\'');
        for (int i = 0; i < s.length() && i < MAX_QUOTED; i++) {
            char ch = s.charAt(i);
            out.append(Character.isISOControl(ch) ? '?' : ch);
        }
        if (s.length() > MAX_QUOTED) {
            out.append("...");
        }
        return out.append('\'').toString();
    }
}
