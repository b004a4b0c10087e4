package dev.fastmcp.auth.jwt;

import static dev.fastmcp.auth.jwt.JWKSVerifierTest.assertInvalid;
import static dev.fastmcp.auth.jwt.JWKSVerifierTest.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class JWTVerifierTest {

    private static final String ISSUER = "https://auth.test";
    private static final String AUDIENCE = "mcp-server";
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static final RSAKeyPair KEYS = RSAKeyPair.generate();

    private static JWTVerifier.Builder pem() {
        return JWTVerifier.builder().publicKey(KEYS.publicKeyPem()).issuer(ISSUER).audience(AUDIENCE);
    }

    private static JWTVerifier.Builder hmac() {
        return JWTVerifier.builder().hmacSecret(SECRET).issuer(ISSUER).audience(AUDIENCE);
    }

    private static JwtClaims claims(Map<String, ?> extra) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject("alice");
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 300));
        extra.forEach(claims::setClaim);
        return claims;
    }

    private static String hs256(Map<String, ?> extra) throws Exception {
        return sign(claims(extra), AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(SECRET), null);
    }

    @Test
    void rsaPemKeyAcceptsItsTokensAndMapsTheSession() {
        JWTVerifier verifier = pem().build();
        String token = KEYS.createToken("alice", ISSUER, AUDIENCE, List.of("read"), Duration.ofMinutes(5),
                Map.of("azp", "web-app", "cid", "okta-app", "tenant", "acme"), null);

        TokenVerification result = verifier.verify(token);

        assertTrue(result.isValid(), result.error());
        AuthSession session = result.session();
        assertEquals("alice", session.subject());
        assertEquals("web-app", session.clientId(), "azp is preferred over cid");
        assertEquals(Set.of("read"), session.scopes());
        assertEquals("acme", session.claims().get("tenant"));
        assertThrows(UnsupportedOperationException.class, () -> session.claims().put("x", "y"));
        assertTrue(session.expiresAt().isAfter(Instant.now()));
    }

    @Test
    void tokenSignedByAnotherKeyIsRejected() {
        String forged = RSAKeyPair.generate().createToken("mallory", ISSUER, AUDIENCE);

        assertInvalid(pem().build().verify(forged), forged, "signature is invalid");
    }

    @Test
    void hs256TokenSignedWithThePublicKeyIsRejected() throws Exception {
        JWTVerifier verifier = pem().build();
        for (byte[] secret : List.of(KEYS.publicKeyPem().getBytes(StandardCharsets.US_ASCII),
                KEYS.publicKeyPem().strip().getBytes(StandardCharsets.US_ASCII), KEYS.publicKey().getEncoded())) {
            String token = sign(claims(Map.of()), AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(secret), null);

            assertInvalid(verifier.verify(token), token, "algorithm 'HS256' is not accepted");
        }
    }

    @Test
    void ecPemKeyAcceptsEs256() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        JWTVerifier verifier = JWTVerifier.builder()
                .publicKey(VerifierKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()))
                .issuer(ISSUER).audience(AUDIENCE).build();

        String token = sign(claims(Map.of()), AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256,
                pair.getPrivate(), null);
        String rs256 = KEYS.createToken("alice", ISSUER, AUDIENCE);

        assertTrue(verifier.verify(token).isValid(), verifier.verify(token).error());
        assertInvalid(verifier.verify(rs256), rs256, "algorithm 'RS256' is not accepted");
    }

    @Test
    void ed25519PemKeyAcceptsEdDsa() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        JWTVerifier verifier = JWTVerifier.builder()
                .publicKey(VerifierKeys.pem("PUBLIC KEY", pair.getPublic().getEncoded()))
                .issuer(ISSUER).audience(AUDIENCE).build();

        String token = sign(claims(Map.of()), AlgorithmIdentifiers.EDDSA, pair.getPrivate(), null);

        assertTrue(verifier.verify(token).isValid(), verifier.verify(token).error());
    }

    @Test
    void hmacSecretAcceptsHs256AndRejectsOtherSecrets() throws Exception {
        JWTVerifier verifier = hmac().build();
        String good = hs256(Map.of());
        String forged = sign(claims(Map.of()), AlgorithmIdentifiers.HMAC_SHA256,
                new HmacKey("another-secret-another-secret-xx".getBytes(StandardCharsets.US_ASCII)), null);
        String rs256 = KEYS.createToken("alice", ISSUER, AUDIENCE);

        assertTrue(verifier.verify(good).isValid(), verifier.verify(good).error());
        assertInvalid(verifier.verify(forged), forged, "signature is invalid");
        assertInvalid(verifier.verify(rs256), rs256, "algorithm 'RS256' is not accepted");
    }

    @Test
    void audienceListOnEitherSideNeedsOneMatch() throws Exception {
        JWTVerifier verifier = hmac().audience("mcp-server", "api://mcp-server").build();
        String listed = hs256(Map.of("aud", List.of("other-app", "api://mcp-server")));
        String single = hs256(Map.of("aud", "mcp-server"));
        String foreign = hs256(Map.of("aud", List.of("other-app", "third-app")));

        assertTrue(verifier.verify(listed).isValid(), verifier.verify(listed).error());
        assertTrue(verifier.verify(single).isValid());
        assertInvalid(verifier.verify(foreign), foreign, "does not include one of [mcp-server, api://mcp-server]");
    }

    @Test
    void scopesAreReadFromScopeStringOrListThenScp() throws Exception {
        JWTVerifier verifier = hmac().build();

        assertEquals(Set.of("read", "write"), scopes(verifier, hs256(Map.of("scope", " read  write "))));
        assertEquals(Set.of("read", "write"), scopes(verifier, hs256(Map.of("scope", List.of("read", "write")))));
        assertEquals(Set.of("files.read"), scopes(verifier, hs256(Map.of("scp", "files.read"))));
        assertEquals(Set.of("a", "b"), scopes(verifier, hs256(Map.of("scp", List.of("a", "b")))));
        assertEquals(Set.of("from-scope"), scopes(verifier, hs256(Map.of("scope", "from-scope", "scp", "ignored"))));
        assertEquals(Set.of(), scopes(verifier, hs256(Map.of())));
    }

    private static Set<String> scopes(JWTVerifier verifier, String token) {
        TokenVerification result = verifier.verify(token);
        assertTrue(result.isValid(), result.error());
        return result.session().scopes();
    }

    @Test
    void tokenMissingARequiredScopeIsRejectedNamingIt() throws Exception {
        JWTVerifier verifier = hmac().requiredScopes("read", "admin").build();
        String partial = hs256(Map.of("scope", "read write"));

        assertInvalid(verifier.verify(partial), partial, "lacks the required scope(s) admin");
        assertTrue(verifier.verify(hs256(Map.of("scp", List.of("admin", "read")))).isValid());
    }

    @Test
    void clientIdComesFromClientIdThenAzpThenCid() throws Exception {
        JWTVerifier verifier = hmac().build();

        assertEquals("a", verifier.verify(hs256(Map.of("client_id", "a", "azp", "b"))).session().clientId());
        assertEquals("c", verifier.verify(hs256(Map.of("cid", "c"))).session().clientId());
        assertNull(verifier.verify(hs256(Map.of())).session().clientId());
    }

    @Test
    void expiredTokenIsRejectedButSmallSkewIsTolerated() throws Exception {
        JWTVerifier verifier = hmac().build();
        long now = NumericDate.now().getValue();
        String skewed = hs256(Map.of("exp", now - 10));
        String expired = hs256(Map.of("exp", now - 120));

        assertTrue(verifier.verify(skewed).isValid(), "10 s past exp is inside the default 30 s leeway");
        assertInvalid(verifier.verify(expired), expired, "token expired at");
        assertInvalid(hmac().clockLeeway(Duration.ZERO).build().verify(skewed), skewed, "token expired at");
    }

    @Test
    void tokenNotYetValidIsRejected() throws Exception {
        long now = NumericDate.now().getValue();
        String early = hs256(Map.of("nbf", now + 600, "exp", now + 1200));

        assertInvalid(hmac().build().verify(early), early, "not valid before");
    }

    @Test
    void tokenWithoutExpOrSubIsRejected() throws Exception {
        JwtClaims noExp = claims(Map.of());
        noExp.unsetClaim("exp");
        String eternal = sign(noExp, AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(SECRET), null);
        JwtClaims noSub = claims(Map.of());
        noSub.unsetClaim("sub");
        String anonymous = sign(noSub, AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(SECRET), null);

        assertInvalid(hmac().build().verify(eternal), eternal, "no exp claim");
        assertInvalid(hmac().build().verify(anonymous), anonymous, "no sub claim");
    }

    @Test
    void wrongIssuerIsRejectedAndSeveralIssuersMayBeAccepted() throws Exception {
        String other = hs256(Map.of("iss", "https://other.test"));

        assertInvalid(hmac().build().verify(other), other, "issuer 'https://other.test' is not accepted");
        assertTrue(hmac().issuer(ISSUER, "https://other.test").build().verify(other).isValid());
        assertTrue(JWTVerifier.builder().hmacSecret(SECRET).skipIssuerCheck().skipAudienceCheck().build()
                .verify(hs256(Map.of("iss", "x", "aud", "y"))).isValid());
    }

    @Test
    void algorithmRestrictionRefusesOtherAlgorithmsOfTheSameKey() throws Exception {
        JWTVerifier verifier = pem().algorithm("RS256").build();
        String ps256 = sign(claims(Map.of()), AlgorithmIdentifiers.RSA_PSS_USING_SHA256, KEYS.privateKey(), null);

        assertTrue(pem().build().verify(ps256).isValid());
        assertInvalid(verifier.verify(ps256), ps256, "algorithm 'PS256' is not accepted; this verifier accepts RS256");
    }

    @Test
    void keySourceMisconfigurationFailsAtBuild() {
        assertBuildFails(() -> JWTVerifier.builder().issuer(ISSUER).audience(AUDIENCE).build(), "no key source");
        assertBuildFails(() -> pem().hmacSecret(SECRET).build(), "several key sources");
        assertBuildFails(() -> pem().jwksUri("https://idp.test/jwks").build(), "several key sources");
        assertBuildFails(() -> hmac().algorithm("RS256").build(), "RS256 cannot be verified with an HMAC secret");
        assertBuildFails(() -> hmac().algorithm("HS512").build(), "HS512 needs a 64-byte secret");
        assertBuildFails(() -> pem().algorithm("HS256").build(), "algorithm confusion");
        assertBuildFails(() -> JWTVerifier.builder().jwksUri("https://idp.test/jwks").algorithm("HS256")
                .issuer(ISSUER).audience(AUDIENCE).build(), "cannot be verified with the JWKS");
        assertBuildFails(() -> hmac().algorithm("none").build(), "unknown algorithm 'none'");
        assertBuildFails(() -> JWTVerifier.builder().hmacSecret(new byte[16]).issuer(ISSUER).audience(AUDIENCE)
                .build(), "at least 32");
        assertBuildFails(() -> JWTVerifier.builder().hmacSecret(SECRET).audience(AUDIENCE).build(), "no issuer");
        assertBuildFails(() -> JWTVerifier.builder().hmacSecret(SECRET).issuer(ISSUER).build(), "no audience");
    }

    @Test
    void unusablePemFailsAtBuildWithTheFix() {
        assertBuildFails(() -> pem().publicKey(KEYS.privateKeyPem()).build(), "holds a private key");
        assertBuildFails(() -> pem().publicKey("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----")
                .build(), "openssl rsa -RSAPublicKey_in");
        assertBuildFails(() -> pem().publicKey("ssh-rsa AAAA").build(), "not a PEM public key");
        assertBuildFails(() -> pem().publicKey("").build(), "publicKey is empty");
    }

    @Test
    void garbageAndTruncatedTokensAreRefusedWithoutThrowing() throws Exception {
        JWTVerifier verifier = hmac().build();
        String good = hs256(Map.of());
        String truncated = good.substring(0, good.lastIndexOf('.') + 4);

        assertInvalid(verifier.verify(truncated), truncated, "signature is invalid");
        for (String token : new String[] {null, "", "x", "a.b", "a.b.c.d.e", good + "x"}) {
            assertFalse(verifier.verify(token).isValid());
        }
        assertTrue(verifier.verify("  " + good + " ").isValid(), "surrounding whitespace is tolerated");
    }

    private static void assertBuildFails(Executable build, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
        assertTrue(e.getMessage().contains(fragment), "message '" + e.getMessage() + "' lacks '" + fragment + "'");
    }
}
