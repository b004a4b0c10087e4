package dev.fastmcp.auth.storage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The entry files of {@link DiskStore}: their names (base64url SHA-256 of the key) and their content, a JSON object
 * {@code {"version":1,"key":...,"expiresAt":<epoch ms>,"value":<JSON>}}.
 */
final class DiskEntryFormat {

    static final int VERSION = 1;
    private static final int HASH_NAME_LENGTH = 43; // base64url of 32 bytes, unpadded

    enum State { MISSING, UNREADABLE, EXPIRED, LIVE }

    /** What an entry file holds: the value when live, the problem when unreadable. */
    record Read(State state, JsonNode value, String problem) {
        static final Read MISSING = new Read(State.MISSING, null, null);

        static Read unreadable(String problem) {
            return new Read(State.UNREADABLE, null, problem);
        }
    }

    private DiskEntryFormat() {
    }

    /** The file name of {@code key}: collision-free (keys are valid Unicode, so UTF-8 is one-to-one), key-free. */
    static String fileName(String key, String extension) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash) + extension;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("This JVM lacks SHA-256, which every Java platform must provide", e);
        }
    }

    /** Whether {@code name} is an entry file name (temporary, claim and lock files start with a dot). */
    static boolean isEntryName(String name, String extension) {
        if (name.length() != HASH_NAME_LENGTH + extension.length() || !name.endsWith(extension)) {
            return false;
        }
        for (int i = 0; i < HASH_NAME_LENGTH; i++) {
            char c = name.charAt(i);
            boolean base64url = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_';
            if (!base64url) {
                return false;
            }
        }
        return true;
    }

    static byte[] encode(String key, long expiresAt, Object value) {
        ObjectNode root = StorageValues.JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("key", key);
        root.put("expiresAt", expiresAt);
        root.set("value", StorageValues.toTree(value));
        return StorageValues.toJson(root);
    }

    /**
     * Parses the content of an entry file. Never throws, and the problems it reports never quote the content.
     *
     * @param key the expected key, or null to accept any
     */
    static Read parse(byte[] content, String key, long nowMillis) {
        JsonNode root;
        try {
            root = StorageValues.JSON.readTree(content);
        } catch (JacksonException e) {
            return Read.unreadable("it is not valid JSON (truncated or overwritten?)");
        }
        if (root == null || !root.isObject()) {
            return Read.unreadable("it is not a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isIntegralNumber() || version.longValue() != VERSION) {
            return Read.unreadable("it has no supported format version (this version reads " + VERSION + ")");
        }
        JsonNode storedKey = root.get("key");
        JsonNode expiresAt = root.get("expiresAt");
        JsonNode value = root.get("value");
        if (storedKey == null || !storedKey.isString() || expiresAt == null || !expiresAt.isIntegralNumber()
                || !expiresAt.canConvertToLong() || value == null) {
            return Read.unreadable("it lacks the key, expiresAt or value field");
        }
        if (key != null && !key.equals(storedKey.stringValue())) {
            return Read.unreadable("it holds another key (was it renamed or copied?)");
        }
        return nowMillis >= expiresAt.longValue() ? new Read(State.EXPIRED, null, null)
                : new Read(State.LIVE, value, null);
    }
}
