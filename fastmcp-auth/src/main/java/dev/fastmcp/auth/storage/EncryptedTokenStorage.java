package dev.fastmcp.auth.storage;

import dev.fastmcp.auth.internal.ImmutableValue;
import dev.fastmcp.internal.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts every value of another {@link TokenStorage} with AES-256-GCM, so that the files, Redis keys or backups
 * of the backend hold no usable token.
 *
 * <p>Each value is written to the backend as the text {@code v1.<keyId>.<nonce>.<ciphertext>} (base64url parts): a
 * fresh random 12-byte nonce per value, and a ciphertext that ends with the 128-bit GCM tag. The AES key is derived
 * from the given key material with HKDF-SHA256, so any 32 or more random bytes will do, and the same material gives
 * the same key in every instance. The storage key is authenticated with the value: a value copied under another
 * key does not decrypt.
 *
 * <p>A value that does not decrypt (tampered, truncated, encrypted under an unknown key, under another storage key,
 * or not encrypted at all) reads as absent, and is reported at WARN without its content; it is never returned and
 * never throws. TTLs and the atomic operations are the backend's: {@link #replace} decrypts to compare, then has the
 * backend replace the very ciphertext it compared.
 *
 * <p>To rotate keys, build with the new key and keep the old one as a previous key until the values it encrypted
 * have expired:
 * <pre>{@code
 * TokenStorage storage = EncryptedTokenStorage.builder(new DiskStore(dir), newKey)
 *         .keyId("2026-06")
 *         .previousKey("2026-01", oldKey)
 *         .build();
 * }</pre>
 * Values are written with the current key; values written with a previous key still read.
 */
public final class EncryptedTokenStorage implements TokenStorage {

    /** The least key material accepted, in bytes. */
    public static final int MIN_KEY_BYTES = 32;

    private static final Logger LOG = LoggerFactory.getLogger(EncryptedTokenStorage.class);
    private static final String VERSION = "v1";
    private static final byte[] AES_KEY_INFO = "fastmcp token storage v1 aes-256-gcm".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY_ID_INFO = "fastmcp token storage v1 key id".getBytes(StandardCharsets.UTF_8);
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final String CIPHER = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * One cipher object per thread, initialized afresh (key and nonce) for every value: finding the JCA provider's
     * implementation costs more than sealing or opening a short value. Never used for two values at once.
     */
    private static final ThreadLocal<Cipher> CIPHERS = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance(CIPHER);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no " + CIPHER + ", which every Java platform must provide",
                    e);
        }
    });
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final TokenStorage backend;
    private final String keyId;
    private final Map<String, SecretKey> keys;
    /**
     * The last value read per key, of {@link ImmutableValue} types only, with the stored envelope it was
     * read from: reused only while the backend still holds exactly that envelope. Bounded; cleared when full.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Opened> opened =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Encrypts the values of {@code backend} with {@code key}, under the key id derived from it.
     *
     * @param key at least 32 bytes of secret random material, the same in every instance sharing the backend
     * @throws IllegalArgumentException if the key is shorter than 32 bytes
     */
    public EncryptedTokenStorage(TokenStorage backend, byte[] key) {
        this(builder(backend, key));
    }

    private EncryptedTokenStorage(Builder builder) {
        this.backend = builder.backend;
        this.keyId = builder.keyId != null ? builder.keyId : derivedKeyId(builder.key);
        Map<String, SecretKey> all = new LinkedHashMap<>();
        all.put(keyId, aesKey(builder.key));
        builder.previous.forEach((id, material) -> {
            if (all.putIfAbsent(id, aesKey(material)) != null) {
                throw new IllegalArgumentException("Key id '" + id + "' is used twice; give every key its own id");
            }
        });
        this.keys = Map.copyOf(all);
    }

    /**
     * A builder for a storage over {@code backend} whose new values are encrypted with {@code key}.
     *
     * @param key at least 32 bytes of secret random material
     * @throws IllegalArgumentException if the key is shorter than 32 bytes
     */
    public static Builder builder(TokenStorage backend, byte[] key) {
        return new Builder(backend, key);
    }

    /** The id of the key that new values are encrypted with (the second part of every value written). */
    public String keyId() {
        return keyId;
    }

    @Override
    public void save(String key, Object value, long ttlSeconds) {
        StorageValues.checkWrite(key, value, ttlSeconds);
        opened.remove(key);
        backend.save(key, seal(key, value), ttlSeconds);
    }

    @Override
    public boolean saveIfAbsent(String key, Object value, long ttlSeconds) {
        StorageValues.checkWrite(key, value, ttlSeconds);
        return backend.saveIfAbsent(key, seal(key, value), ttlSeconds);
    }

    /**
     * Decrypts the backend's value to compare it with {@code expected}, then replaces it through the backend's own
     * {@code replace} expecting that very ciphertext: a value changed meanwhile, even to an equal plaintext under a
     * fresh nonce, makes the backend refuse.
     */
    @Override
    public boolean replace(String key, Object expected, Object value, long ttlSeconds) {
        StorageValues.checkReplace(key, expected, value, ttlSeconds);
        // Sealed first: a value that is not JSON is refused whatever the key holds, as save refuses it.
        String sealed = seal(key, value);
        if (!(backend.get(key, Object.class) instanceof String envelope)) {
            return false;
        }
        byte[] plaintext = plaintext(key, envelope);
        if (plaintext == null) {
            return false;
        }
        try {
            if (!StorageValues.sameJson(plaintext, expected)) {
                return false;
            }
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        opened.remove(key);
        return backend.replace(key, envelope, sealed, ttlSeconds);
    }

    @Override
    public <T> T get(String key, Class<T> type) {
        return read(key, type, false);
    }

    /** As the storage it encrypts for: its cached copy, opened as {@link #get} opens. */
    @Override
    public <T> T getCached(String key, Class<T> type) {
        return read(key, type, true);
    }

    private <T> T read(String key, Class<T> type, boolean cached) {
        Objects.requireNonNull(type, "type");
        Object stored = cached ? backend.getCached(key, Object.class) : backend.get(key, Object.class);
        if (!(stored instanceof String envelope) || !ImmutableValue.class.isAssignableFrom(type)) {
            return open(key, stored, type);
        }
        // Read on every request (the proxy's access mappings and upstream sets): the backend is still asked each
        // time, so a deleted or replaced value is seen at once; only the decryption and decoding of the very same
        // stored bytes are not repeated.
        Opened last = opened.get(key);
        if (last != null && last.envelope.equals(envelope) && type.isInstance(last.value)) {
            return type.cast(last.value);
        }
        T value = open(key, stored, type);
        if (value != null) {
            if (opened.size() >= MAX_OPENED) {
                opened.clear();
            }
            opened.put(key, new Opened(envelope, value));
        }
        return value;
    }

    @Override
    public boolean delete(String key) {
        opened.remove(key);
        return backend.delete(key);
    }

    @Override
    public <T> T take(String key, Class<T> type) {
        Objects.requireNonNull(type, "type");
        opened.remove(key);
        return open(key, backend.take(key, Object.class), type);
    }

    /** As the storage it encrypts for. */
    @Override
    public boolean sharedAcrossInstances() {
        return backend.sharedAcrossInstances();
    }

    @Override
    public int cleanup() {
        return backend.cleanup();
    }

    @Override
    public int size() {
        return backend.size();
    }

    /** Closes the backend. */
    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "EncryptedTokenStorage[keyId=" + keyId + ", " + keys.size() + " keys, backend=" + backend + "]";
    }

    private static final int MAX_OPENED = 4096;

    private record Opened(String envelope, Object value) {
    }

    private String seal(String key, Object value) {
        byte[] plaintext = StorageValues.toJson(value);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(keyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(keyId, key));
            byte[] sealed = cipher.doFinal(plaintext);
            return VERSION + "." + keyId + "." + B64.encodeToString(nonce) + "." + B64.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot encrypt with " + CIPHER
                    + ", which every Java platform must provide", e);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    private <T> T open(String key, Object stored, Class<T> type) {
        if (stored == null) {
            return null;
        }
        if (!(stored instanceof String envelope)) {
            return absent(key, "it is not an encrypted value (was it saved without encryption?)");
        }
        byte[] plaintext = plaintext(key, envelope);
        if (plaintext == null) {
            return null;
        }
        try {
            return StorageValues.fromJson(plaintext, type);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    /** The decrypted JSON of an envelope; null (reported at WARN) when it does not decrypt. */
    private byte[] plaintext(String key, String envelope) {
        String[] parts = envelope.split("\\.", -1);
        if (parts.length != 4 || !VERSION.equals(parts[0])) {
            return absent(key, "it is not a " + VERSION + " encrypted value (unknown version or malformed)");
        }
        String id = parts[1];
        SecretKey aesKey = keys.get(id);
        if (aesKey == null) {
            return absent(key, KEY_ID.matcher(id).matches()
                    ? "it was encrypted under key id '" + id + "', which is not configured; add that key with "
                    + "previousKey(...) to read it"
                    : "its key id is malformed");
        }
        byte[] nonce;
        byte[] sealed;
        try {
            nonce = Base64.getUrlDecoder().decode(parts[2]);
            sealed = Base64.getUrlDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            return absent(key, "it is not valid base64url (damaged)");
        }
        if (nonce.length != NONCE_BYTES || sealed.length < TAG_BITS / 8) {
            return absent(key, "its nonce or ciphertext has the wrong length (truncated)");
        }
        try {
            Cipher cipher = CIPHERS.get();
            cipher.init(Cipher.DECRYPT_MODE, aesKey, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(id, key));
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            return absent(key, "it fails authentication: tampered, truncated, encrypted with another key under "
                    + "the same key id, or copied from another storage key");
        } catch (GeneralSecurityException e) {
            return absent(key, "it cannot be decrypted (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static <T> T absent(String key, String why) {
        LOG.warn("Ignoring the stored value of key {}: {}. It reads as absent", StorageValues.describe(key), why);
        return null;
    }

    // Binds the ciphertext to its storage key (and to the envelope version and key id).
    private static byte[] associatedData(String keyId, String storageKey) {
        return (VERSION + '\0' + keyId + '\0' + storageKey).getBytes(StandardCharsets.UTF_8);
    }

    private static SecretKey aesKey(byte[] material) {
        byte[] key = Hkdf.derive(null, material, AES_KEY_INFO, 32);
        try {
            return new SecretKeySpec(key, "AES");
        } finally {
            Arrays.fill(key, (byte) 0); // SecretKeySpec keeps its own copy
        }
    }

    private static String derivedKeyId(byte[] material) {
        return B64.encodeToString(Hkdf.derive(null, material, KEY_ID_INFO, 6));
    }

    private static byte[] checkedKey(byte[] key, String what) {
        Objects.requireNonNull(key, what);
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("The " + what + " must be at least " + MIN_KEY_BYTES
                    + " bytes of secret random material; got " + key.length + " bytes. Generate 32 bytes with "
                    + "SecureRandom once and keep them (e.g. base64 in an environment variable or secret store)");
        }
        return key.clone();
    }

    private static String checkedKeyId(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (!KEY_ID.matcher(keyId).matches()) {
            throw new IllegalArgumentException("A key id must be 1 to 64 letters, digits, '_' or '-'; got \""
                    + keyId + "\". Use a name like \"2026-06\" or \"k2\"");
        }
        return keyId;
    }

    /** Configures an {@link EncryptedTokenStorage}: the id of the current key and the keys it replaced. */
    public static final class Builder {

        private final TokenStorage backend;
        private final byte[] key;
        private final Map<String, byte[]> previous = new LinkedHashMap<>();
        private String keyId;

        private Builder(TokenStorage backend, byte[] key) {
            this.backend = Objects.requireNonNull(backend, "backend");
            this.key = checkedKey(key, "storage encryption key");
        }

        /**
         * Names the current key; by default its id is derived from the key material (8 base64url characters that
         * reveal nothing of the key). Set it when you want readable ids for rotation.
         */
        public Builder keyId(String keyId) {
            this.keyId = checkedKeyId(keyId);
            return this;
        }

        /** Adds a retired key, used only to read values written under {@code keyId} before the rotation. */
        public Builder previousKey(String keyId, byte[] key) {
            previous.put(checkedKeyId(keyId), checkedKey(key, "previous storage encryption key"));
            return this;
        }

        /** Adds a retired key that was used without an explicit id (its id is derived from the material). */
        public Builder previousKey(byte[] key) {
            byte[] material = checkedKey(key, "previous storage encryption key");
            previous.put(derivedKeyId(material), material);
            return this;
        }

        /**
         * Builds the storage.
         *
         * @throws IllegalArgumentException if two keys have the same id
         */
        public EncryptedTokenStorage build() {
            return new EncryptedTokenStorage(this);
        }
    }
}
