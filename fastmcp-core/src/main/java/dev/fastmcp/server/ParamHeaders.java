package dev.fastmcp.server;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code x-mcp-header} annotations of a tool's input schema (SEP-2243): a property so annotated is mirrored by
 * 2026-07-28 clients into the {@code Mcp-Param-{name}} HTTP header, so that gateways can route on it without
 * reading the body. The rules are checked when the tool is built, since clients drop a tool that breaks them.
 */
public final class ParamHeaders {

    public static final String KEYWORD = "x-mcp-header";

    /** RFC 9110 {@code token}: what a header name may be made of. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> TYPES = Set.of("string", "integer", "boolean");
    /** Keywords whose values are schemas below which nothing is statically reachable through properties alone. */
    private static final Set<String> SUBSCHEMA_KEYWORDS = Set.of("items", "prefixItems", "contains",
            "additionalProperties", "patternProperties", "propertyNames", "unevaluatedItems", "unevaluatedProperties",
            "anyOf", "oneOf", "allOf", "not", "if", "then", "else", "$defs", "definitions", "dependentSchemas");
    /** The subschema keywords whose value is an object of schemas by name. */
    private static final Set<String> NAMED_SCHEMAS = Set.of("patternProperties", "$defs", "definitions",
            "dependentSchemas");

    private ParamHeaders() {
    }

    /**
     * {@code schema} with {@code headers} (parameter name to header name) put on its top-level properties.
     *
     * @throws IllegalArgumentException when a parameter is not a property of the schema
     */
    public static Map<String, Object> annotate(String tool, Map<String, Object> schema, Map<String, String> headers) {
        if (headers.isEmpty()) {
            return schema;
        }
        Map<String, Object> properties = schema.get("properties") instanceof Map<?, ?> p ? copy(p)
                : new LinkedHashMap<>();
        headers.forEach((parameter, header) -> {
            if (!(properties.get(parameter) instanceof Map<?, ?> property)) {
                throw new IllegalArgumentException("Tool '" + tool + "' has no parameter '" + parameter
                        + "' to send in the header Mcp-Param-" + header + "; name one of " + properties.keySet());
            }
            Map<String, Object> annotated = copy(property);
            annotated.put(KEYWORD, header);
            properties.put(parameter, Collections.unmodifiableMap(annotated));
        });
        Map<String, Object> out = copy(schema);
        out.put("properties", Collections.unmodifiableMap(properties));
        return Collections.unmodifiableMap(out);
    }

    /**
     * Checks the annotations of {@code schema}: each a non-empty header token, unique ignoring case, on a string,
     * integer or boolean property reached from the root through {@code properties} alone.
     *
     * @throws IllegalArgumentException naming the first annotation that breaks a rule
     */
    public static void validate(String tool, Map<String, Object> schema) {
        walk(tool, schema, new ArrayList<>(), true, new LinkedHashMap<>());
    }

    /** The annotated properties of a valid {@code schema}: header name to the path of property names. */
    public static Map<String, List<String>> of(Map<String, Object> schema) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        collect(schema, new ArrayList<>(), out);
        return out;
    }

    private static void collect(Map<?, ?> schema, List<String> path, Map<String, List<String>> out) {
        if (schema.get(KEYWORD) instanceof String header && !path.isEmpty()) {
            out.put(header, List.copyOf(path));
        }
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            properties.forEach((name, property) -> {
                if (property instanceof Map<?, ?> p) {
                    path.add(String.valueOf(name));
                    collect(p, path, out);
                    path.remove(path.size() - 1);
                }
            });
        }
    }

    private static void walk(String tool, Map<?, ?> schema, List<String> path, boolean reachable,
            Map<String, String> seen) {
        if (schema.containsKey(KEYWORD)) {
            check(tool, schema, path, reachable, seen);
        }
        for (Map.Entry<?, ?> e : schema.entrySet()) {
            String keyword = String.valueOf(e.getKey());
            if (keyword.equals("properties") && e.getValue() instanceof Map<?, ?> properties) {
                for (Map.Entry<?, ?> p : properties.entrySet()) {
                    if (p.getValue() instanceof Map<?, ?> property) {
                        path.add(String.valueOf(p.getKey()));
                        walk(tool, property, path, reachable, seen);
                        path.remove(path.size() - 1);
                    }
                }
            } else if (SUBSCHEMA_KEYWORDS.contains(keyword)) {
                for (Map<?, ?> sub : subschemas(keyword, e.getValue())) {
                    walk(tool, sub, path, false, seen);
                }
            }
        }
    }

    /** A type a header can carry: string, integer or boolean, alone or with null (an optional argument). */
    private static boolean headerType(Object type) {
        if (type instanceof String t) {
            return TYPES.contains(t);
        }
        return type instanceof List<?> types && types.size() == 2 && types.contains("null")
                && types.stream().anyMatch(t -> t instanceof String s && TYPES.contains(s));
    }

    private static void check(String tool, Map<?, ?> schema, List<String> path, boolean reachable,
            Map<String, String> seen) {
        String where = "Tool '" + tool + "': " + KEYWORD + " on " + (path.isEmpty() ? "the schema itself"
                : "'" + String.join(".", path) + "'");
        if (!reachable || path.isEmpty()) {
            throw new IllegalArgumentException(where + " is not allowed: only properties reached from the root "
                    + "through \"properties\" alone may be sent as headers");
        }
        if (!(schema.get(KEYWORD) instanceof String header) || !TOKEN.matcher(header).matches()) {
            throw new IllegalArgumentException(where + " must be a non-empty header name (letters, digits and "
                    + "!#$%&'*+.^_`|~-), was " + LogValues.safe(schema.get(KEYWORD)));
        }
        if (!headerType(schema.get("type"))) {
            throw new IllegalArgumentException(where + " needs a property of type string, integer or boolean (or "
                    + "one of them or null: a null argument sends no header), was "
                    + LogValues.safe(schema.get("type")));
        }
        String previous = seen.putIfAbsent(header.toLowerCase(Locale.ROOT), String.join(".", path));
        if (previous != null) {
            throw new IllegalArgumentException(where + " names the header Mcp-Param-" + header
                    + ", which '" + previous + "' already names (header names ignore case)");
        }
    }

    /** The schemas in the value of a subschema keyword: a list of them, a map of them by name, or one. */
    private static List<Map<?, ?>> subschemas(String keyword, Object value) {
        List<Map<?, ?>> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> {
                if (v instanceof Map<?, ?> m) {
                    out.add(m);
                }
            });
        } else if (value instanceof Map<?, ?> map && NAMED_SCHEMAS.contains(keyword)) {
            map.values().forEach(v -> {
                if (v instanceof Map<?, ?> m) {
                    out.add(m);
                }
            });
        } else if (value instanceof Map<?, ?> map) {
            out.add(map);
        }
        return out;
    }

    private static Map<String, Object> copy(Map<?, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }
}
