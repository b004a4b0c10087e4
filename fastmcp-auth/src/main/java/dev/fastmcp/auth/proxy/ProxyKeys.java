package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.storage.EncryptedTokenStorage;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.storage.TokenStorage;
import dev.fastmcp.internal.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key material of an {@link OAuthProxy} and the storage it encrypts: explicit keys win, else keys are derived
 * from the one {@code secret} (HKDF-SHA256, one label per purpose, so instances configured alike agree), else they
 * are generated, with a warning naming what a restart or a second instance then loses.
 *
 * @param signing the HS256 key of the tokens the proxy issues
 * @param consent the key of consent cookies and CSRF tokens
 * @param keyHash the key of the keyed hashes that storage keys are made of
 * @param storage the storage, wrapped in {@link EncryptedTokenStorage} unless encryption is off or it already is
 */
record ProxyKeys(byte[] signing, byte[] consent, byte[] keyHash, TokenStorage storage) {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthProxy.class);
    private static final byte[] SECRET_SALT = "fastmcp-oauth-proxy".getBytes(StandardCharsets.UTF_8);

    /**
     * Resolves the keys of checked options (the secret's strength, the keys' lengths and encryption with a
     * persistent storage were checked where they were set).
     */
    static ProxyKeys resolve(KeysAndStorage options) {
        String secret = options.secret();
        byte[] secretBytes = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
        byte[] jwtSigningKey = options.jwtSigningKey();
        byte[] consentSigningKey = options.consentSigningKey();
        byte[] encryptionKey = options.encryptionKey();
        TokenStorage tokenStorage = options.tokenStorage();
        List<String> generated = new ArrayList<>();
        byte[] signing = key("jwtSigningKey", jwtSigningKey, secretBytes, "jwt signing", generated);
        byte[] consent = key("consentSigningKey", consentSigningKey, secretBytes, "consent signing", generated);
        byte[] keyHash = secretBytes != null ? derive(secretBytes, "storage keys")
                : Hkdf.derive(SECRET_SALT, signing, label("storage keys"), 32);

        TokenStorage storage = tokenStorage != null ? tokenStorage : new MemoryTokenStorage();
        if (!options.encryption()) {
            LOG.warn("OAuthProxy: storage encryption is OFF (encryptionKey(false)); upstream tokens are kept in clear."
                    + " Use this for development only");
        } else if (!(storage instanceof EncryptedTokenStorage)) {
            byte[] enc = key("encryptionKey", encryptionKey, secretBytes, "storage encryption", generated);
            storage = new EncryptedTokenStorage(storage, enc);
        }
        if (!generated.isEmpty()) {
            LOG.warn("OAuthProxy: no {} given, so random ones were generated. A restart, or a second instance, will "
                    + "not recognize tokens, codes, consent pages and (with a persistent storage) client "
                    + "registrations made with them: clients must register and sign in again. Set secret(...) or "
                    + "the keys for production", String.join(", ", generated));
        }
        return new ProxyKeys(signing, consent, keyHash, storage);
    }

    private static byte[] key(String name, byte[] given, byte[] secret, String label, List<String> generated) {
        if (given != null) {
            if (given.length < 32) {
                throw new IllegalArgumentException(name + " must have at least 32 bytes, had " + given.length);
            }
            return given.clone();
        }
        if (secret != null) {
            return derive(secret, label);
        }
        generated.add(name);
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static byte[] derive(byte[] secret, String label) {
        return Hkdf.derive(SECRET_SALT, secret, label(label), 32);
    }

    private static byte[] label(String purpose) {
        return ("fastmcp oauth-proxy v1 " + purpose).getBytes(StandardCharsets.UTF_8);
    }
}
