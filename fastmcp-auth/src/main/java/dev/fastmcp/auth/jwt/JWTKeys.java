package dev.fastmcp.auth.jwt;

import dev.fastmcp.internal.SecretStrength;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HS256 keys of a {@link JWTIssuer}: the current signing key and the previous keys that still verify,
 * each under its key id. It resolves the verification key from the token's {@code kid} header, so a token
 * never chooses its key any other way. Also holds the key rules and the PBKDF2 derivation.
 */
final class JWTKeys implements VerificationKeyResolver {

    /** HS256 keys must be at least as long as the hash output (RFC 7518 §3.2). */
    static final int MIN_KEY_BYTES = 32;
    static final int MIN_KDF_ITERATIONS = 10_000;
    static final String NO_KID = "token has no key id (kid) header; it was not issued by this issuer";
    static final String UNKNOWN_KID = "token was signed with an unknown key (kid); it was issued by another issuer"
            + " or with a key that has since been retired";

    private static final Logger LOG = LoggerFactory.getLogger(JWTIssuer.class);
    private static final int KEY_ID_BYTES = 8;

    private final String currentKeyId;
    private final HmacKey currentKey;
    private final Map<String, HmacKey> byKeyId;

    /** The keys; validated by the caller ({@link #requireKey}, distinct ids). */
    JWTKeys(String currentKeyId, byte[] currentKey, Map<String, byte[]> previousKeys) {
        this.currentKeyId = currentKeyId;
        this.currentKey = new HmacKey(currentKey);
        Map<String, HmacKey> all = new LinkedHashMap<>();
        all.put(currentKeyId, this.currentKey);
        previousKeys.forEach((kid, key) -> all.put(kid, new HmacKey(key)));
        this.byKeyId = Collections.unmodifiableMap(all);
    }

    String currentKeyId() {
        return currentKeyId;
    }

    Key currentKey() {
        return currentKey;
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext)
            throws UnresolvableKeyException {
        String kid = jws.getKeyIdHeaderValue();
        if (kid == null) {
            throw new UnresolvableKeyException(NO_KID);
        }
        HmacKey key = byKeyId.get(kid);
        if (key == null) {
            throw new UnresolvableKeyException(UNKNOWN_KID);
        }
        return key;
    }

    /** Refuses a missing or too short key, saying how long it was and how to make a proper one. */
    static void requireKey(String what, byte[] key) {
        if (key == null) {
            throw new IllegalArgumentException(what + " is null; pass 32 random bytes (SecureRandom) or"
                    + " JWTIssuer.deriveKey(secret)");
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException(what + " is " + key.length + " bytes long but HS256 needs at least "
                    + MIN_KEY_BYTES + "; pass 32 random bytes (SecureRandom) or JWTIssuer.deriveKey(secret) to"
                    + " turn a passphrase into a key");
        }
    }

    /** A short id that every holder of {@code key} computes alike: SHA-256 of the key, 8 bytes, base64url. */
    static String defaultKeyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, KEY_ID_BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    /** PBKDF2-HMAC-SHA256 of the UTF-8 secret with salt {@link JWTIssuer#KDF_SALT}: 32 raw bytes. */
    static byte[] derive(String secret, int iterations) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("secret is " + (secret == null ? "null" : "blank")
                    + "; pass a real secret: " + SecretStrength.FIX);
        }
        if (iterations < MIN_KDF_ITERATIONS) {
            throw new IllegalArgumentException("iterations is " + iterations + " but must be at least "
                    + MIN_KDF_ITERATIONS + "; use deriveKey(secret) for the default of "
                    + JWTIssuer.DEFAULT_KDF_ITERATIONS + " (OWASP's figure for PBKDF2-HMAC-SHA256)");
        }
        // PBKDF2 slows each guess down (about 19 bits of work at the default count), so a weak secret is only
        // warned about here; the proxy's secret(...), derived with fast HKDF, is refused by the same measure.
        SecretStrength.Estimate strength = SecretStrength.estimate(secret);
        if (strength.characters() < SecretStrength.MIN_CHARS || strength.bits() < SecretStrength.MIN_BITS) {
            LOG.warn("deriveKey: the secret has {} characters and an estimated strength of {} bits, but a key needs"
                    + " at least {} characters and {} bits; a weaker secret can be guessed offline from any issued"
                    + " token. Better: {}, or 32 random bytes as the key itself", strength.characters(),
                    strength.bits(), SecretStrength.MIN_CHARS, SecretStrength.MIN_BITS, SecretStrength.FIX);
        }
        char[] chars = secret.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, JWTIssuer.KDF_SALT.getBytes(StandardCharsets.UTF_8), iterations,
                MIN_KEY_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available in this JVM", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }
}
