package dev.fastmcp.devidp;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.lang.JoseException;

/** Signs the identity provider's RS256 tokens, verifies its own access tokens, and the crypto helpers around them. */
final class DevIdpTokens {

    static final String ACCESS_TOKEN_TYPE = "at+jwt";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RSAKeyPair keys;
    private final String issuer;
    private final DevIdpSettings settings;
    private final JwtConsumer accessTokens;

    DevIdpTokens(RSAKeyPair keys, String issuer, DevIdpSettings settings) {
        this.keys = keys;
        this.issuer = issuer;
        this.settings = settings;
        this.accessTokens = new JwtConsumerBuilder()
                .setRequireExpirationTime()
                .setRequireSubject()
                .setExpectedIssuer(issuer)
                .setExpectedAudience(settings.clientId())
                .setVerificationKey(keys.publicKey())
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        AlgorithmIdentifiers.RSA_USING_SHA256)
                .setExpectedType(true, ACCESS_TOKEN_TYPE)
                .build();
    }

    String jwks() {
        return keys.jwksJson();
    }

    /**
     * The token response for a grant: an access token, an ID token when {@code openid} was granted (with the
     * nonce, when the request had one), and {@code refreshToken}.
     */
    Map<String, Object> response(DevIdpStore.Grant grant, String nonce, String refreshToken) {
        long now = NumericDate.now().getValue();
        long ttl = settings.accessTokenTtl().toSeconds();
        JwtClaims access = base(grant, now, ttl);
        access.setClaim("client_id", settings.clientId());
        access.setClaim("scope", String.join(" ", grant.scopes()));
        access.setGeneratedJwtId();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", sign(access, ACCESS_TOKEN_TYPE));
        body.put("token_type", "Bearer");
        body.put("expires_in", ttl);
        body.put("scope", String.join(" ", grant.scopes()));
        body.put("refresh_token", refreshToken);
        if (grant.scopes().contains("openid")) {
            JwtClaims id = base(grant, now, ttl);
            id.setClaim("auth_time", now);
            if (nonce != null) {
                id.setClaim("nonce", nonce);
            }
            body.put("id_token", sign(id, "JWT"));
        }
        return body;
    }

    private JwtClaims base(DevIdpStore.Grant grant, long now, long ttl) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(grant.subject());
        claims.setAudience(settings.clientId());
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + ttl));
        claims.setClaim("preferred_username", grant.subject());
        claims.setStringListClaim("roles", grant.roles());
        return claims;
    }

    private String sign(JwtClaims claims, String type) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setKeyIdHeaderValue(keys.keyId());
        jws.setHeader("typ", type);
        jws.setPayload(claims.toJson());
        jws.setKey(keys.privateKey());
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
    }

    /** The claims of one of our valid access tokens, or null. */
    Map<String, Object> verifyAccessToken(String token) {
        try {
            return accessTokens.processToClaims(token).getClaimsMap();
        } catch (InvalidJwtException e) {
            return null;
        }
    }

    /** Whether {@code verifier} is the S256 PKCE verifier of {@code challenge} (constant time). */
    static boolean pkceMatches(String verifier, String challenge) {
        return verifier != null && PKCEUtils.isValidVerifier(verifier)
                && PKCEUtils.validateChallenge(verifier, challenge, PKCEUtils.S256);
    }

    /** Compares two secrets in time independent of where they differ (and of their lengths). */
    static boolean sameSecret(String given, String expected) {
        if (given == null || expected == null) {
            return false;
        }
        return MessageDigest.isEqual(sha256(given), sha256(expected));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }

    /** 32 random bytes, base64url without padding. */
    static String randomValue() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
