package dev.fastmcp.internal;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256, the one MAC of core and auth: HKDF, the proxy's keyed hashes, consent tokens and cookies. */
public final class Hmac {

    private Hmac() {
    }

    /** A new HMAC-SHA256 under {@code key}; after each {@code doFinal} it is ready for the next message. */
    public static Mac sha256(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM cannot compute HmacSHA256, which every Java platform must "
                    + "provide", e);
        }
    }
}
