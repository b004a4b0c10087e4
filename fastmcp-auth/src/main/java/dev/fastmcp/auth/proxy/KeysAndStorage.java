package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.storage.DiskStore;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.storage.TokenStorage;
import dev.fastmcp.internal.SecretStrength;

/**
 * The OAuth proxy's keys and where it keeps its state: one group of the proxy's options, immutable, each value
 * checked when it is set. Every key defaults to one derived from {@link #secret}, else to a random one (logged as
 * a warning: a restart then forgets every client and token). Start from {@link #defaults()}:
 *
 * <pre>{@code
 * OAuthProxy.builder(upstream)
 *         .keysAndStorage(k -> k.secret(System.getenv("FASTMCP_SECRET")).tokenStorage(new DiskStore(dir)))
 * }</pre>
 *
 * @param secret the one secret all keys are derived from; default none
 * @param jwtSigningKey the HS256 key of the tokens we issue; default derived or random
 * @param encryptionKey the AES-256-GCM key of the storage; default derived or random
 * @param encryption whether the storage is encrypted; default true
 * @param consentSigningKey the key of consent cookies and CSRF tokens; default derived or random
 * @param tokenStorage where the state is kept; default a {@link MemoryTokenStorage}
 */
public record KeysAndStorage(String secret, byte[] jwtSigningKey, byte[] encryptionKey, boolean encryption,
        byte[] consentSigningKey, TokenStorage tokenStorage) {

    private static final KeysAndStorage DEFAULTS = new KeysAndStorage(null, null, null, true, null, null);

    /** Checks the keys' lengths and the secret's strength; keys are copied. */
    public KeysAndStorage {
        if (secret != null) {
            SecretStrength.require("secret", secret);
        }
        jwtSigningKey = checked("jwtSigningKey", jwtSigningKey);
        encryptionKey = checked("encryptionKey", encryptionKey);
        consentSigningKey = checked("consentSigningKey", consentSigningKey);
        if (!encryption && encryptionKey != null) {
            throw new IllegalArgumentException("encryptionKey(false) turns storage encryption off, so an "
                    + "encryptionKey cannot be given with it; remove one of them");
        }
        if (!encryption && tokenStorage instanceof DiskStore) {
            throw new IllegalArgumentException("encryptionKey(false) is refused for a persistent storage ("
                    + tokenStorage.getClass().getSimpleName() + "): tokens and client secrets would sit on disk in "
                    + "clear. Give an encryptionKey or a secret");
        }
    }

    /** The defaults listed on the record's components. */
    public static KeysAndStorage defaults() {
        return DEFAULTS;
    }

    /**
     * One secret standing for all keys: signing, storage-encryption, storage-key and consent keys are derived
     * from it with HKDF-SHA256 and distinct labels, so every instance configured with it agrees. Explicit keys win
     * over derived ones.
     *
     * <p>It must be random key material, not a passphrase: anyone holding one issued token could test guesses at
     * it offline. Generate it with {@code openssl rand -base64 32} (or {@code openssl rand -hex 32}) and keep it in
     * a secret store. A secret shorter than 32 characters or with an estimated strength under 128 bits (each
     * character counts the bits of its alphabet; repeats, sequences and English words count little) is refused,
     * saying what was measured, never the secret.
     */
    public KeysAndStorage secret(String secret) {
        return new KeysAndStorage(secret, jwtSigningKey, encryptionKey, encryption, consentSigningKey, tokenStorage);
    }

    /** The HS256 key of the tokens we issue (at least 32 bytes). Default: derived from {@link #secret} or random. */
    public KeysAndStorage jwtSigningKey(byte[] key) {
        return new KeysAndStorage(secret, key, encryptionKey, encryption, consentSigningKey, tokenStorage);
    }

    /** The AES-256-GCM key that encrypts the storage (32 bytes). Default: derived from {@link #secret} or random. */
    public KeysAndStorage encryptionKey(byte[] key) {
        return new KeysAndStorage(secret, jwtSigningKey, key, true, consentSigningKey, tokenStorage);
    }

    /**
     * {@code false} stores the state unencrypted (development only; refused with a persistent storage such as
     * {@link DiskStore}). {@code true} restores the default.
     */
    public KeysAndStorage encryptionKey(boolean enabled) {
        return new KeysAndStorage(secret, jwtSigningKey, enabled ? encryptionKey : null, enabled, consentSigningKey,
                tokenStorage);
    }

    /** The key signing consent CSRF tokens (at least 32 bytes). Default: derived from {@link #secret} or random. */
    public KeysAndStorage consentSigningKey(byte[] key) {
        return new KeysAndStorage(secret, jwtSigningKey, encryptionKey, encryption, key, tokenStorage);
    }

    /** Where the proxy keeps its state; default a {@link MemoryTokenStorage}. Encrypted unless disabled. */
    public KeysAndStorage tokenStorage(TokenStorage storage) {
        return new KeysAndStorage(secret, jwtSigningKey, encryptionKey, encryption, consentSigningKey, storage);
    }

    @Override
    public byte[] jwtSigningKey() {
        return jwtSigningKey == null ? null : jwtSigningKey.clone();
    }

    @Override
    public byte[] encryptionKey() {
        return encryptionKey == null ? null : encryptionKey.clone();
    }

    @Override
    public byte[] consentSigningKey() {
        return consentSigningKey == null ? null : consentSigningKey.clone();
    }

    @Override
    public String toString() {
        return "KeysAndStorage[secret=" + (secret == null ? "none" : "set") + ", encryption=" + encryption
                + ", tokenStorage=" + tokenStorage + "]";
    }

    private static byte[] checked(String name, byte[] key) {
        if (key != null && key.length < 32) {
            throw new IllegalArgumentException(name + " must have at least 32 bytes, had " + key.length);
        }
        return key == null ? null : key.clone();
    }
}
