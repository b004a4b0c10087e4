package dev.fastmcp.auth.jwt;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/** PEM encoding and decoding of public keys, and which JWS algorithms a key can verify. */
final class VerifierKeys {

    private static final String BEGIN = "-----BEGIN ";

    private VerifierKeys() {
    }

    /** {@code der} as PEM text of the given type ("PUBLIC KEY", "PRIVATE KEY"), 64 characters a line. */
    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(der);
        return BEGIN + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    /** Parses a "BEGIN PUBLIC KEY" PEM (X.509 SubjectPublicKeyInfo) holding an RSA, EC or Ed25519/Ed448 key. */
    static PublicKey parsePublicKeyPem(String pem) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("publicKey is empty; pass the PEM text starting with "
                    + "-----BEGIN PUBLIC KEY-----");
        }
        String text = pem.strip();
        if (text.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("publicKey holds a private key; pass the public key instead "
                    + "(openssl pkey -in private.pem -pubout) and keep the private key with the token issuer");
        }
        if (text.contains(BEGIN + "RSA PUBLIC KEY-----")) {
            throw new IllegalArgumentException("publicKey is a PKCS#1 'RSA PUBLIC KEY' PEM; convert it to a "
                    + "'PUBLIC KEY' PEM with: openssl rsa -RSAPublicKey_in -in key.pem -pubout");
        }
        if (text.contains(BEGIN + "CERTIFICATE-----")) {
            throw new IllegalArgumentException("publicKey is a certificate; extract its public key with: "
                    + "openssl x509 -in cert.pem -pubkey -noout");
        }
        if (!text.startsWith(BEGIN + "PUBLIC KEY-----") || !text.endsWith("-----END PUBLIC KEY-----")) {
            throw new IllegalArgumentException("publicKey is not a PEM public key; expected text between "
                    + "-----BEGIN PUBLIC KEY----- and -----END PUBLIC KEY-----");
        }
        byte[] der;
        try {
            String body = text.substring((BEGIN + "PUBLIC KEY-----").length(),
                    text.length() - "-----END PUBLIC KEY-----".length());
            der = Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publicKey PEM body is not valid base64: " + e.getMessage(), e);
        }
        for (String type : List.of("RSA", "EC", "EdDSA")) {
            try {
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException | ClassCastException e) {
                // not this key type; try the next
            }
        }
        throw new IllegalArgumentException("publicKey PEM holds no RSA, EC or EdDSA public key that Java can read");
    }

    /** The asymmetric algorithms {@code key} verifies; rejects RSA keys under 2048 bits and unknown curves. */
    static List<String> algorithmsFor(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < 2048) {
                throw new IllegalArgumentException("publicKey is a " + bits + "-bit RSA key; RS and PS algorithms "
                        + "need at least 2048 bits, so generate a larger key");
            }
            return List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512");
        }
        if (key instanceof ECPublicKey ec) {
            int bits = ec.getParams().getCurve().getField().getFieldSize();
            return switch (bits) {
                case 256 -> List.of("ES256");
                case 384 -> List.of("ES384");
                case 521 -> List.of("ES512");
                default -> throw new IllegalArgumentException("publicKey is an EC key on a " + bits + "-bit curve; "
                        + "JWS supports P-256 (ES256), P-384 (ES384) and P-521 (ES512)");
            };
        }
        return List.of("EdDSA");
    }

    /** The HMAC algorithms a secret of {@code length} bytes may use: the key must be at least the hash size. */
    static List<String> hmacAlgorithmsFor(int length) {
        return length >= 64 ? VerifierCore.HMAC : length >= 48 ? List.of("HS256", "HS384") : List.of("HS256");
    }

    /** The fix for using {@code alg} with a key that cannot verify it. */
    static String mismatch(String alg, String keyDescription, List<String> supported) {
        String hint;
        if (VerifierCore.HMAC.contains(alg)) {
            hint = keyDescription.startsWith("an HMAC") ? "a " + minHmacBytes(alg) + "-byte secret or longer"
                    : "hmacSecret(...), which cannot be combined with public keys (algorithm confusion)";
        } else {
            hint = "publicKey(...) or jwksUri(...) with a matching key";
        }
        return "algorithm " + alg + " cannot be verified with " + keyDescription + ", which verifies "
                + String.join(", ", supported) + "; " + alg + " needs " + hint;
    }

    static int minHmacBytes(String alg) {
        return Integer.parseInt(alg.substring(2)) / 8;
    }
}
