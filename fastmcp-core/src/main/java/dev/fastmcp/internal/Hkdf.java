package dev.fastmcp.internal;

import java.util.Arrays;
import javax.crypto.Mac;

/** HKDF with HMAC-SHA256 (RFC 5869): derives independent keys from one piece of key material. */
public final class Hkdf {

    private static final int HASH_LENGTH = 32;

    private Hkdf() {
    }

    /** Extract then expand: {@code length} bytes of key for the purpose named by {@code info}. */
    public static byte[] derive(byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
        byte[] prk = extract(salt, inputKeyMaterial);
        try {
            return expand(prk, info, length);
        } finally {
            Arrays.fill(prk, (byte) 0);
        }
    }

    /** The pseudorandom key {@code HMAC(salt, ikm)}; a null or empty salt means 32 zero bytes. */
    static byte[] extract(byte[] salt, byte[] inputKeyMaterial) {
        byte[] effectiveSalt = salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt;
        return Hmac.sha256(effectiveSalt).doFinal(inputKeyMaterial);
    }

    /** {@code T(1) | T(2) | ...} truncated to {@code length}, where {@code T(i) = HMAC(prk, T(i-1) | info | i)}. */
    static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length < 1 || length > 255 * HASH_LENGTH) {
            throw new IllegalArgumentException("HKDF-SHA256 output length must be 1 to " + 255 * HASH_LENGTH
                    + " bytes; got " + length);
        }
        Mac mac = Hmac.sha256(prk);
        byte[] out = new byte[length];
        byte[] block = new byte[0];
        for (int i = 1, written = 0; written < length; i++) {
            mac.update(block);
            mac.update(info == null ? new byte[0] : info);
            mac.update((byte) i);
            block = mac.doFinal();
            int n = Math.min(block.length, length - written);
            System.arraycopy(block, 0, out, written, n);
            written += n;
        }
        return out;
    }
}
