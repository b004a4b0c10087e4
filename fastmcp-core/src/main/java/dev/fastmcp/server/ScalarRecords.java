package dev.fastmcp.server;

import dev.fastmcp.Description;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameter records whose components are all strings, booleans, {@code int}s, {@code long}s or {@code double}s
 * (boxed or not): their input schema written directly, and tool arguments bound to them by calling their
 * constructor.
 *
 * <p>The schema is the very one the schema generator makes for such a record (required components in declaration
 * order, their descriptions, no other properties), without loading and configuring the generator, which took about
 * half of a small server's start-up on its main thread. A record with a {@code Nullable} component, or with none,
 * is left to the generator.
 *
 * <p>Arguments are bound directly when every argument is present and already of its component's type. That is what
 * Jackson would do for such arguments, without writing them out to a token buffer and reading them back, which was
 * the larger part of binding in profiles of a trivial tool call. Everything else (a missing or null argument, an
 * unknown one, a value of another type, a constructor that throws) is left to Jackson, which then binds or explains
 * the refusal exactly as before; a constructor that threw is so called twice.
 */
final class ScalarRecords {

    private enum Kind { STRING, BOOLEAN, INT, LONG, DOUBLE }

    /** How to bind each record class directly; {@link #NONE} when it cannot be. */
    private static final ClassValue<ScalarRecords> OF = new ClassValue<>() {
        @Override
        protected ScalarRecords computeValue(Class<?> type) {
            return of(type);
        }
    };

    private static final ScalarRecords NONE = new ScalarRecords(null, new String[0], new Kind[0]);

    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";

    private final Constructor<?> constructor;
    private final String[] names;
    private final Kind[] kinds;

    private ScalarRecords(Constructor<?> constructor, String[] names, Kind[] kinds) {
        this.constructor = constructor;
        this.names = names;
        this.kinds = kinds;
    }

    /** The record {@code arguments} make, or null when Jackson must bind them. */
    static <T> T bind(Map<String, Object> arguments, Class<T> type) {
        ScalarRecords direct = OF.get(type);
        return direct == NONE ? null : type.cast(direct.bind(arguments));
    }

    /**
     * Whether {@code arguments} are every component of {@code type}, each a JSON value of its type, and nothing else:
     * valid under the record's schema, be it the one {@link #schema} writes or the generator's (which may also allow
     * a {@code Nullable} component to be null or absent). False sends them to the validator, which also explains a
     * refusal.
     */
    static boolean conforms(Map<String, Object> arguments, Class<?> type) {
        ScalarRecords direct = OF.get(type);
        if (direct == NONE || arguments.size() != direct.names.length) {
            return false;
        }
        for (int i = 0; i < direct.names.length; i++) {
            Object v = arguments.get(direct.names[i]);
            boolean ok = switch (direct.kinds[i]) {
                case STRING -> v instanceof String;
                case BOOLEAN -> v instanceof Boolean;
                case INT, LONG -> v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger;
                case DOUBLE -> v instanceof Number;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The input schema of {@code type}, or null when the schema generator must make it. */
    static Map<String, Object> schema(Class<?> type) {
        ScalarRecords direct = OF.get(type);
        RecordComponent[] components = type.isRecord() ? type.getRecordComponents() : null;
        if (direct == NONE || components.length == 0) {
            return null;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        for (int i = 0; i < components.length; i++) {
            if (RecordSchemas.nullable(type, components[i].getName())) {
                return null;
            }
            Map<String, Object> property = new LinkedHashMap<>();
            property.put("type", switch (direct.kinds[i]) {
                case STRING -> "string";
                case BOOLEAN -> "boolean";
                case INT, LONG -> "integer";
                case DOUBLE -> "number";
            });
            String description = description(type, components[i]);
            if (description != null) {
                property.put("description", description);
            }
            properties.put(direct.names[i], Collections.unmodifiableMap(property));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("$schema", DRAFT_2020_12);
        schema.put("type", "object");
        schema.put("properties", Collections.unmodifiableMap(properties));
        schema.put("required", List.of(direct.names));
        Description described = type.getAnnotation(Description.class);
        if (described != null) {
            schema.put("description", described.value());
        }
        schema.put("additionalProperties", Boolean.FALSE);
        return Collections.unmodifiableMap(schema);
    }

    /** The component's description as the generator finds it: on the field (an accessor's own is not read). */
    private static String description(Class<?> type, RecordComponent component) {
        try {
            Description d = type.getDeclaredField(component.getName()).getAnnotation(Description.class);
            return d == null ? null : d.value();
        } catch (NoSuchFieldException e) {
            return null; // a record always has the field
        }
    }

    private Object bind(Map<String, Object> arguments) {
        if (arguments.size() != names.length) {
            return null;
        }
        Object[] values = new Object[names.length];
        for (int i = 0; i < names.length; i++) {
            Object value = value(kinds[i], arguments.get(names[i]));
            if (value == null) {
                return null;
            }
            values[i] = value;
        }
        try {
            return constructor.newInstance(values);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** {@code raw} as the component needs it, or null when only Jackson may convert it (or refuse it). */
    private static Object value(Kind kind, Object raw) {
        return switch (kind) {
            case STRING -> raw instanceof String ? raw : null;
            case BOOLEAN -> raw instanceof Boolean ? raw : null;
            case INT -> raw instanceof Integer ? raw : null;
            case LONG -> raw instanceof Integer || raw instanceof Long ? ((Number) raw).longValue() : null;
            case DOUBLE -> raw instanceof Double || raw instanceof Integer || raw instanceof Long
                    ? ((Number) raw).doubleValue() : null;
        };
    }

    private static ScalarRecords of(Class<?> type) {
        if (!type.isRecord()) {
            return NONE;
        }
        RecordComponent[] components = type.getRecordComponents();
        String[] names = new String[components.length];
        Kind[] kinds = new Kind[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            names[i] = JacksonAnnotations.jsonName(components[i]);
            kinds[i] = kind(components[i].getType());
            types[i] = components[i].getType();
            if (names[i] == null || kinds[i] == null) {
                return NONE;
            }
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return new ScalarRecords(constructor, names, kinds);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return NONE; // not open to reflection: Jackson would fail the same way, and explains it
        }
    }

    private static Kind kind(Class<?> type) {
        if (type == String.class) {
            return Kind.STRING;
        }
        if (type == boolean.class || type == Boolean.class) {
            return Kind.BOOLEAN;
        }
        if (type == int.class || type == Integer.class) {
            return Kind.INT;
        }
        if (type == long.class || type == Long.class) {
            return Kind.LONG;
        }
        return type == double.class || type == Double.class ? Kind.DOUBLE : null;
    }
}
