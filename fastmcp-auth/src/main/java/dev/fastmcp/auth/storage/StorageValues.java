package dev.fastmcp.auth.storage;

import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Argument checks and JSON conversion shared by the {@link TokenStorage} implementations. */
final class StorageValues {

    // An object without properties would be stored as {} and lose its data silently: refuse it instead.
    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.FAIL_ON_EMPTY_BEANS).build();

    private StorageValues() {
    }

    static void checkKey(String key) {
        Objects.requireNonNull(key, "key must not be null");
        if (key.isEmpty() || key.length() > TokenStorage.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("A storage key must have 1 to " + TokenStorage.MAX_KEY_LENGTH
                    + " characters; got " + key.length() + ". Hash long keys (e.g. SHA-256, base64url) first");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < key.length()
                    && Character.isLowSurrogate(key.charAt(i + 1));
            if (paired) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("A storage key must be valid Unicode; it has an unpaired "
                        + "surrogate at index " + i + ". Build keys from text or from base64url/hex encodings");
            }
        }
    }

    static void checkTtl(long ttlSeconds) {
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("ttlSeconds must be positive, every stored entry expires; got "
                    + ttlSeconds + ". Pass the lifetime of the value, e.g. 600 for a 10-minute transaction");
        }
    }

    static void checkWrite(String key, Object value, long ttlSeconds) {
        checkKey(key);
        Objects.requireNonNull(value, "value must not be null; use delete(key) to remove an entry");
        checkTtl(ttlSeconds);
    }

    static void checkReplace(String key, Object expected, Object value, long ttlSeconds) {
        checkWrite(key, value, ttlSeconds);
        Objects.requireNonNull(expected, "expected must not be null; use saveIfAbsent(key, value, ttl) to write "
                + "only where there is no entry");
    }

    /** {@code nowMillis + ttlSeconds} in milliseconds, saturating instead of overflowing. */
    static long expiresAt(long nowMillis, long ttlSeconds) {
        long ttlMillis = ttlSeconds > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE : ttlSeconds * 1000;
        return nowMillis > Long.MAX_VALUE - ttlMillis ? Long.MAX_VALUE : nowMillis + ttlMillis;
    }

    static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw notJson(value, e);
        }
    }

    static JsonNode toTree(Object value) {
        try {
            return JSON.valueToTree(value);
        } catch (JacksonException e) {
            throw notJson(value, e);
        }
    }

    static <T> T fromJson(byte[] json, Class<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JacksonException e) {
            throw notType(type, e);
        }
    }

    /**
     * Whether a stored value (as JSON, the tree {@code stored} parsed from what {@link #toJson} wrote) equals
     * {@code expected}: {@code expected} is written and parsed the same way, so that numbers compare by the same
     * node types, and the trees compared (object members in any order).
     */
    static boolean sameJson(JsonNode stored, Object expected) {
        return stored != null && stored.equals(parse(toJson(expected)));
    }

    /** {@link #sameJson(JsonNode, Object)} for stored JSON bytes; equal bytes need no parsing. */
    static boolean sameJson(byte[] stored, Object expected) {
        byte[] json = toJson(expected);
        return java.util.Arrays.equals(stored, json) || parse(stored).equals(parse(json));
    }

    private static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (JacksonException e) {
            throw new IllegalStateException("Stored JSON cannot be parsed again (" + e.getClass().getSimpleName()
                    + "); the storage is damaged", e);
        }
    }

    static <T> T fromTree(JsonNode tree, Class<T> type) {
        try {
            return JSON.treeToValue(tree, type);
        } catch (JacksonException e) {
            throw notType(type, e);
        }
    }

    /**
     * A loggable description of a key that does not reveal it: the prefix up to the first {@code ':'} (the kind of
     * entry, like {@code code:}) and the length.
     */
    static String describe(String key) {
        int colon = key.indexOf(':');
        String prefix = colon > 0 && colon <= 32 ? key.substring(0, colon + 1) + "…" : "…";
        return "'" + prefix + "' (" + key.length() + " chars)";
    }

    private static IllegalArgumentException notJson(Object value, JacksonException e) {
        return new IllegalArgumentException("A value of type " + value.getClass().getName()
                + " cannot be stored: it does not convert to JSON (" + e.getOriginalMessage()
                + "). Store records, maps, lists, strings, numbers or booleans", e);
    }

    // The message of a read failure can quote stored content, which may be secret: only the type is reported.
    private static IllegalArgumentException notType(Class<?> type, JacksonException e) {
        return new IllegalArgumentException("The stored value cannot be read as " + type.getName()
                + " (" + e.getClass().getSimpleName() + "). Read it with the type it was saved as, or as Map/Object");
    }
}
