package dev.fastmcp.auth.jwt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The rules for the claims {@link JWTIssuer} writes and reads: protected names, scopes and JSON values. */
final class JWTClaimRules {

    static final String CLIENT_ID = "client_id";
    static final String SCOPE = "scope";
    static final String SUBJECT = "sub";

    /** Claims only the issuer sets; {@code sub} is protected too whenever a subject is given. */
    static final Set<String> PROTECTED = Set.of("iss", "aud", "exp", "iat", "nbf", "jti", CLIENT_ID, SCOPE,
            JWTIssuer.TOKEN_USE_CLAIM);

    /** An RFC 6749 §3.3 scope-token: printable ASCII except space, double quote and backslash. */
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    private JWTClaimRules() {
    }

    /** Whether an additional claim named {@code name} must be dropped because the issuer owns it. */
    static boolean isProtected(String name, boolean subjectGiven) {
        return PROTECTED.contains(name) || (subjectGiven && SUBJECT.equals(name));
    }

    /** Checks every scope is a valid scope-token and returns them de-duplicated, in the order given. */
    static List<String> checkScopes(Collection<String> scopes) {
        if (scopes == null) {
            return List.of();
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String scope : scopes) {
            if (scope == null || !SCOPE_TOKEN.matcher(scope).matches()) {
                throw new IllegalArgumentException("scope " + (scope == null ? "null" : "'" + scope + "'")
                        + " is not a valid OAuth scope (RFC 6749 §3.3 allows printable ASCII without spaces,"
                        + " double quotes or backslashes); pass each scope as its own list element");
            }
            unique.add(scope);
        }
        return List.copyOf(unique);
    }

    /** The RFC 9068 {@code scope} claim: the scopes joined by single spaces. */
    static String joinScopes(List<String> scopes) {
        return String.join(" ", scopes);
    }

    /**
     * Checks additional claims before they are signed: names are non-blank, top-level values are non-null
     * and every value has a faithful JSON form; a {@code sub} that will be written must be a non-blank string.
     * Returns a deep, unmodifiable copy.
     */
    static Map<String, Object> checkAdditionalClaims(Map<String, ?> claims) {
        if (claims == null || claims.isEmpty()) {
            return Map.of();
        }
        for (Map.Entry<String, ?> e : claims.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("an additional claim has a blank name; give every claim a name");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException("additional claim '" + name + "' is null; leave it out instead");
            }
            requireJsonValue(name, e.getValue());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) freeze(claims);
        return copy;
    }

    /** Checks that the {@code sub} of additional claims, when it will be used, is a non-blank string. */
    static void checkAdditionalSubject(Map<String, Object> claims) {
        Object sub = claims.get(SUBJECT);
        if (sub != null && !(sub instanceof String s && !s.isBlank())) {
            throw new IllegalArgumentException("additional claim 'sub' must be a non-blank string but is "
                    + describe(sub) + "; pass the subject as a string (e.g. String.valueOf(id))");
        }
    }

    private static void requireJsonValue(String path, Object value) {
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof BigInteger || value instanceof BigDecimal) {
            return;
        }
        if (value instanceof Double d && Double.isFinite(d) || value instanceof Float f && Float.isFinite(f)) {
            return;
        }
        if (value instanceof Double || value instanceof Float) {
            throw new IllegalArgumentException("additional claim '" + path + "' is " + value
                    + ", which JSON cannot represent; use a finite number");
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("additional claim '" + path + "' has a map key of type "
                            + describe(e.getKey()) + "; JSON object keys must be strings");
                }
                requireJsonValue(path + "." + key, e.getValue());
            }
            return;
        }
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                requireJsonValue(path + "[" + i++ + "]", item);
            }
            return;
        }
        throw new IllegalArgumentException("additional claim '" + path + "' is a " + describe(value)
                + ", which has no JSON form; use a String, Number, Boolean, List or Map (convert it first, e.g. an"
                + " Instant to epoch seconds)");
    }

    /** A deep, unmodifiable copy of a JSON value (maps keep their order; nulls are kept inside containers). */
    static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof Collection<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(freeze(item));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }
}
