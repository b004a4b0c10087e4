package dev.fastmcp.auth.jwt;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of a {@link JWTIssuer}'s configuration and of each {@link JWTIssuer.TokenRequest}; every error names
 * the value and what to pass instead.
 */
final class JWTIssuerRules {

    static final Duration MAX_CLOCK_LEEWAY = Duration.ofMinutes(5);

    private JWTIssuerRules() {
    }

    /** Checks the client, subject and lifetime of a token request. */
    static void checkRequest(String clientId, String subject, Duration ttl) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId is " + (clientId == null ? "null" : "blank")
                    + "; pass the OAuth client id the token is for");
        }
        if (subject != null && subject.isBlank()) {
            throw new IllegalArgumentException("subject is blank; pass the user id or null for no subject");
        }
        if (ttl != null && ttl.getSeconds() < 1) {
            throw new IllegalArgumentException("ttl is " + ttl + " but must be at least 1 second; pass null"
                    + " for the issuer's default");
        }
    }

    static void requireText(String name, String value, String fix) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " is blank; pass " + fix);
        }
    }

    static void requireTtl(String name, Duration ttl) {
        if (ttl.getSeconds() < 1) {
            throw new IllegalArgumentException(name + " is " + ttl + " but must be at least 1 second");
        }
    }

    static void requireLeeway(Duration clockLeeway) {
        if (clockLeeway.isNegative() || clockLeeway.compareTo(MAX_CLOCK_LEEWAY) > 0) {
            throw new IllegalArgumentException("clockLeeway is " + clockLeeway + " but must be between 0 and "
                    + MAX_CLOCK_LEEWAY + "; a few seconds cover normal clock drift (default "
                    + JWTIssuer.DEFAULT_CLOCK_LEEWAY + ")");
        }
    }

    /**
     * The keys of an issuer: {@code signingKey} (already checked) under {@code keyId}, or under the id derived from
     * it when {@code keyId} is null, and the retired keys, each checked and under an id of its own.
     */
    static JWTKeys keys(String keyId, byte[] signingKey, List<Map.Entry<String, byte[]>> previous) {
        if (keyId != null) {
            requireText("keyId", keyId, "a short id for the signing key, or leave it out to derive one");
        }
        String currentKeyId = keyId != null ? keyId : JWTKeys.defaultKeyId(signingKey);
        Map<String, byte[]> previousKeys = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : previous) {
            String kid = e.getKey();
            requireText("previous key id", kid, "the key id the retired key signed with");
            JWTKeys.requireKey("previous key '" + kid + "'", e.getValue());
            if (kid.equals(currentKeyId) || previousKeys.containsKey(kid)) {
                throw new IllegalArgumentException("key id '" + kid + "' is used by more than one key; give"
                        + " every key its own id (the same key twice is not needed)");
            }
            previousKeys.put(kid, e.getValue());
        }
        return new JWTKeys(currentKeyId, signingKey, previousKeys);
    }
}
