package dev.fastmcp.server;

import dev.fastmcp.internal.Hkdf;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The AES-256 keys request state is sealed with: derived from the server's secrets with HKDF-SHA256 (RFC 5869), so
 * instances configured with the same secret agree, else one random key made once per process.
 */
final class RequestStateKeys {

    private static final byte[] SALT = "fastmcp-request-state".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INFO = "fastmcp request-state v1 aes-256-gcm".getBytes(StandardCharsets.UTF_8);
    private static final int KEY_BYTES = 32;

    private RequestStateKeys() {
    }

    /** The key of {@code secret} first (it seals and opens), then those of {@code previous} (they only open). */
    static List<SecretKey> derived(String secret, List<String> previous) {
        List<SecretKey> keys = new ArrayList<>();
        keys.add(derive(secret));
        previous.forEach(p -> keys.add(derive(p)));
        return List.copyOf(keys);
    }

    /** The one random key of this process, for servers without a secret. */
    static List<SecretKey> ofProcess() {
        return List.of(ProcessKey.KEY);
    }

    private static SecretKey derive(String secret) {
        return new SecretKeySpec(Hkdf.derive(SALT, secret.getBytes(StandardCharsets.UTF_8), INFO, KEY_BYTES), "AES");
    }

    /** Made on first use, so that servers given a secret never generate it. */
    private static final class ProcessKey {

        static final SecretKey KEY = random();

        private static SecretKey random() {
            byte[] key = new byte[KEY_BYTES];
            new SecureRandom().nextBytes(key);
            return new SecretKeySpec(key, "AES");
        }
    }
}
