package dev.fastmcp.providers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Typed reads of upstream claims, tolerant of how identity providers spell values. */
final class Claims {

    private Claims() {
    }

    /** A string claim; numbers are written out; null when absent or of another type. */
    static String string(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        return v instanceof String s ? s : v instanceof Number n ? String.valueOf(n) : null;
    }

    /** A boolean claim, also when sent as the string {@code "true"}/{@code "false"}; null when absent. */
    static Boolean bool(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        return v instanceof Boolean b ? b : v instanceof String s && (s.equals("true") || s.equals("false"))
                ? Boolean.valueOf(s) : null;
    }

    /** A whole-number claim; null when absent or not a number. */
    static Long number(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return v instanceof String s ? Long.valueOf(s) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A list-of-strings claim (a single string counts as one); empty when absent. */
    static List<String> strings(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s);
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s) {
                    out.add(s);
                }
            }
        }
        return List.copyOf(out);
    }

    /** A preset session's roles: its own (groups, realm roles...) first, then those of its claims, each once. */
    static java.util.Set<String> roles(Collection<String> own, java.util.Set<String> fromClaims) {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(own);
        all.addAll(fromClaims);
        return java.util.Set.copyOf(all);
    }
}
