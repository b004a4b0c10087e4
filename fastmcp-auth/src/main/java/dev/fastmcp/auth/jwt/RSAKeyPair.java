package dev.fastmcp.auth.jwt;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.lang.JoseException;

/**
 * An RSA key pair that signs RS256 tokens, <b>for your own tests</b>: configure a {@link JWTVerifier} with
 * {@link #publicKeyPem()} (or serve {@link #jwksJson()} to a {@link JWKSVerifier}) and call your server with
 * tokens from {@link #createToken}. Not a key-management tool: the private key lives only in memory.
 *
 * <pre>{@code
 * RSAKeyPair keys = RSAKeyPair.generate();
 * TokenVerifier verifier = JWTVerifier.builder().publicKey(keys.publicKeyPem())
 *         .issuer("https://test.example").audience("my-server").build();
 * String token = keys.createToken("alice", "https://test.example", "my-server", List.of("read"));
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; {@link #toString()} shows only the key id.
 */
public final class RSAKeyPair {

    private final RSAPublicKey publicKey;
    private final RSAPrivateKey privateKey;
    private final String keyId;

    private RSAKeyPair(RSAPublicKey publicKey, RSAPrivateKey privateKey) {
        this.publicKey = publicKey;
        this.privateKey = privateKey;
        this.keyId = publicJwk(publicKey, null).calculateBase64urlEncodedThumbprint("SHA-256");
    }

    /** Generates a fresh 2048-bit pair; its key id is the RFC 7638 SHA-256 thumbprint of the public key. */
    public static RSAKeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            return new RSAKeyPair((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate RSA keys", e);
        }
    }

    /** The key id ({@code kid}) put in tokens and in the JWK. */
    public String keyId() {
        return keyId;
    }

    /** The public key. */
    public RSAPublicKey publicKey() {
        return publicKey;
    }

    /** The private key; keep it inside the test. */
    public RSAPrivateKey privateKey() {
        return privateKey;
    }

    /** The public key as a {@code -----BEGIN PUBLIC KEY-----} PEM, as {@link JWTVerifier.Builder#publicKey} takes. */
    public String publicKeyPem() {
        return VerifierKeys.pem("PUBLIC KEY", publicKey.getEncoded());
    }

    /** The private key as a PKCS#8 {@code -----BEGIN PRIVATE KEY-----} PEM. */
    public String privateKeyPem() {
        return VerifierKeys.pem("PRIVATE KEY", privateKey.getEncoded());
    }

    /** The public key as a JWK JSON object with {@code kid}, {@code use: sig} and {@code alg: RS256}. */
    public String jwk() {
        return publicJwk(publicKey, keyId).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** A JWKS JSON document ({@code {"keys": [...]}}) holding only {@link #jwk()}, ready to serve. */
    public String jwksJson() {
        return new JsonWebKeySet(publicJwk(publicKey, keyId)).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** An RS256 token valid for one hour, without scopes. {@code audience} may be null for none. */
    public String createToken(String subject, String issuer, String audience) {
        return createToken(subject, issuer, audience, List.of(), Duration.ofHours(1), Map.of(), null);
    }

    /** An RS256 token valid for one hour granting {@code scopes}. {@code audience} may be null for none. */
    public String createToken(String subject, String issuer, String audience, Collection<String> scopes) {
        return createToken(subject, issuer, audience, scopes, Duration.ofHours(1), Map.of(), null);
    }

    /**
     * An RS256 token.
     *
     * @param subject          {@code sub}; null for none
     * @param issuer           {@code iss}; null for none
     * @param audience         {@code aud}; null for none (a list can be given through {@code additionalClaims})
     * @param scopes           granted scopes, written space-separated to {@code scope}; null or empty for none
     * @param expiresIn        {@code exp} relative to now; negative for an already expired token
     * @param additionalClaims further claims, written last so they may replace any of the above; may be null
     * @param kid              the {@code kid} header; null for {@link #keyId()}
     */
    public String createToken(String subject, String issuer, String audience, Collection<String> scopes,
            Duration expiresIn, Map<String, ?> additionalClaims, String kid) {
        Objects.requireNonNull(expiresIn, "expiresIn == null; pass e.g. Duration.ofHours(1)");
        JwtClaims claims = new JwtClaims();
        long now = NumericDate.now().getValue();
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + expiresIn.toSeconds()));
        if (subject != null) {
            claims.setSubject(subject);
        }
        if (issuer != null) {
            claims.setIssuer(issuer);
        }
        if (audience != null) {
            claims.setAudience(audience);
        }
        if (scopes != null && !scopes.isEmpty()) {
            claims.setClaim("scope", String.join(" ", scopes));
        }
        if (additionalClaims != null) {
            additionalClaims.forEach((name, value) ->
                    claims.setClaim(name, value instanceof Collection<?> c ? new java.util.ArrayList<>(c) : value));
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(kid == null ? keyId : kid);
        jws.setHeader("typ", "JWT");
        jws.setPayload(claims.toJson());
        jws.setKey(privateKey);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign the token: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "RSAKeyPair[kid=" + keyId + "]";
    }

    private static RsaJsonWebKey publicJwk(RSAPublicKey key, String kid) {
        RsaJsonWebKey jwk = new RsaJsonWebKey(key);
        if (kid != null) {
            jwk.setKeyId(kid);
            jwk.setUse("sig");
            jwk.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        }
        return jwk;
    }
}
