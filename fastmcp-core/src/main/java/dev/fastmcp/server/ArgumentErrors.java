package dev.fastmcp.server;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.exc.ValueInstantiationException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a client is told of arguments that do not bind: where (a path such as {@code to.city}), what was expected
 * and what came, in words a model can act on.
 */
final class ArgumentErrors {

    private static final Set<Class<?>> INTEGERS = Set.of(int.class, Integer.class, long.class, Long.class,
            short.class, Short.class, byte.class, Byte.class, BigInteger.class);
    private static final Map<Class<?>, String> EXPECTED = Map.of(
            LocalDate.class, "a date like \"2024-01-31\"",
            LocalTime.class, "a time like \"12:00:00\"",
            LocalDateTime.class, "a date-time like \"2024-01-31T12:00:00\"",
            Instant.class, "a date-time like \"2024-01-31T12:00:00Z\"",
            OffsetDateTime.class, "a date-time like \"2024-01-31T12:00:00Z\"",
            ZonedDateTime.class, "a date-time like \"2024-01-31T12:00:00Z\"",
            Duration.class, "a duration like \"PT15M\"",
            UUID.class, "a UUID");
    private static final int MAX_SHOWN = 60;
    private static final JsonMapper QUOTE = JsonMapper.builder().build();

    private ArgumentErrors() {
    }

    /** Why {@code root} could not be bound, naming where in it: under {@code prefix} (a parameter's name), if any. */
    static String explain(JacksonException e, Object root, String prefix) {
        String path = (prefix + e.getPath().stream()
                .map(r -> r.getPropertyName() != null ? "." + r.getPropertyName() : r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "")
                .collect(Collectors.joining())).replaceFirst("^\\.", "");
        String where = path.isEmpty() ? "Invalid arguments: " : "Invalid argument '" + path + "': ";
        if (e instanceof UnrecognizedPropertyException u) {
            String known = u.getKnownPropertyIds() == null ? "" : u.getKnownPropertyIds().stream()
                    .map(String::valueOf).sorted().collect(Collectors.joining(", "));
            return "Unknown argument '" + path + "'" + (known.isEmpty() ? "" : " (expected one of: " + known + ")");
        }
        if (e instanceof ValueInstantiationException && e.getCause() != null && e.getCause().getMessage() != null) {
            return where + e.getCause().getMessage();
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Object got = e instanceof InvalidFormatException f ? f.getValue() : valueAt(root, e.getPath());
            return where + "expected " + expected(m.getTargetType()) + " but got " + show(got);
        }
        return where + "the value could not be read";
    }

    private static Object valueAt(Object root, List<JacksonException.Reference> path) {
        Object current = root;
        for (JacksonException.Reference r : path) {
            if (current instanceof Map<?, ?> map && r.getPropertyName() != null) {
                current = map.get(r.getPropertyName());
            } else if (current instanceof List<?> list && r.getIndex() >= 0 && r.getIndex() < list.size()) {
                current = list.get(r.getIndex());
            } else {
                return null;
            }
        }
        return current;
    }

    static String expected(Class<?> type) {
        if (type.isPrimitive() || Number.class.isAssignableFrom(type) || type == Boolean.class || type == Character.class) {
            return INTEGERS.contains(type) ? "an integer" : type == boolean.class || type == Boolean.class ? "a boolean"
                    : type == char.class || type == Character.class ? "a string" : "a number";
        }
        if (type.isEnum()) {
            return "one of " + JacksonAnnotations.enumValues(type);
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return CharSequence.class.isAssignableFrom(type) ? "a string" : EXPECTED.getOrDefault(type, "an object");
    }

    private static String show(Object value) {
        if (value instanceof Map || value instanceof List) {
            return value instanceof Map ? "an object" : "an array";
        }
        if (value instanceof CharSequence || value instanceof Character) {
            String text = String.valueOf(value);
            return QUOTE.writeValueAsString(text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN) + "…");
        }
        return String.valueOf(value);
    }
}
