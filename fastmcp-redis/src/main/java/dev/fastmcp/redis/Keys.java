package dev.fastmcp.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Names of the keys the stores of this module keep in Redis: a digest of each id, never the id in clear. */
final class Keys {

    private Keys() {
    }

    /** {@code kind} and the SHA-256 of {@code id}, in base64url. */
    static String of(String kind, String id) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
            return kind + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
