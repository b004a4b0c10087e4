package dev.fastmcp.auth.storage;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a {@link TokenStorage} implementation needs to meet the contract the same way as the storages of this
 * package: the argument checks, with their error messages, and the JSON form of values. Values are written in a
 * canonical form (object members sorted by name, no whitespace), so that two equal values have the same text: a
 * storage can compare the text it holds with {@link #canonical(Object) canonical(expected)} to implement
 * {@link TokenStorage#replace} inside its own atomic step (a Redis script, a SQL {@code WHERE value = ?}).
 */
public final class StorageJson {

    private StorageJson() {
    }

    /** Checks a key: not null, 1 to {@value TokenStorage#MAX_KEY_LENGTH} characters, valid Unicode. */
    public static void checkKey(String key) {
        StorageValues.checkKey(key);
    }

    /** Checks the arguments of {@link TokenStorage#save} and {@link TokenStorage#saveIfAbsent}. */
    public static void checkWrite(String key, Object value, long ttlSeconds) {
        StorageValues.checkWrite(key, value, ttlSeconds);
    }

    /** Checks the arguments of {@link TokenStorage#replace}. */
    public static void checkReplace(String key, Object expected, Object value, long ttlSeconds) {
        StorageValues.checkReplace(key, expected, value, ttlSeconds);
    }

    /**
     * The canonical JSON text of {@code value}: equal values (the same members with equal values, in any order)
     * give the same text.
     *
     * @throws IllegalArgumentException when the value does not convert to JSON
     */
    public static String canonical(Object value) {
        JsonNode tree = sorted(StorageValues.toTree(value));
        return new String(StorageValues.toJson(tree), StandardCharsets.UTF_8);
    }

    /**
     * Reads stored JSON as {@code type}.
     *
     * @throws IllegalArgumentException when it does not fit the type; the message never quotes the value
     */
    public static <T> T read(String json, Class<T> type) {
        return StorageValues.fromJson(json.getBytes(StandardCharsets.UTF_8), type);
    }

    /** A description of a key for logs that does not reveal it: its kind (the text before the first ':') and length. */
    public static String describe(String key) {
        return StorageValues.describe(key);
    }

    private static JsonNode sorted(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>(object.propertyNames());
            Collections.sort(names);
            ObjectNode out = object.objectNode();
            for (String name : names) {
                out.set(name, sorted(object.get(name)));
            }
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = array.arrayNode();
            for (JsonNode element : array) {
                out.add(sorted(element));
            }
            return out;
        }
        return node;
    }
}
