package dev.fastmcp.auth.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A stored type whose instances are deeply immutable once read (records of strings, numbers and frozen
 * collections): one decoded instance can then serve every read of the same stored bytes.
 */
public interface ImmutableValue {

    /** {@code value} with every map and list in it replaced by an unmodifiable copy (nulls kept). */
    static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, freeze(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(freeze(v)));
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    /** {@link #freeze} of a map, typed. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> frozen(Map<String, Object> map) {
        return map == null ? null : (Map<String, Object>) freeze(map);
    }
}
