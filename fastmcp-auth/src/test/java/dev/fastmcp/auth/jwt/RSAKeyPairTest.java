package dev.fastmcp.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

class RSAKeyPairTest {

    private static final RSAKeyPair KEYS = RSAKeyPair.generate();
    private static final String ISSUER = "https://test.example";

    private final JWTVerifier verifier = JWTVerifier.builder().publicKey(KEYS.publicKeyPem())
            .issuer(ISSUER).audience("my-server").build();

    @Test
    void generatesDistinct2048BitPairsWithPemEncodings() throws Exception {
        RSAKeyPair other = RSAKeyPair.generate();

        assertNotEquals(KEYS.keyId(), other.keyId());
        assertEquals(2048, KEYS.publicKey().getModulus().bitLength());
        String pub = KEYS.publicKeyPem();
        assertTrue(pub.startsWith("-----BEGIN PUBLIC KEY-----\n") && pub.endsWith("-----END PUBLIC KEY-----\n"));
        assertInstanceOf(RSAPublicKey.class, VerifierKeys.parsePublicKeyPem(pub));
        String priv = KEYS.privateKeyPem();
        assertTrue(priv.startsWith("-----BEGIN PRIVATE KEY-----\n"));
        String body = priv.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        assertEquals(KEYS.privateKey(), KeyFactory.getInstance("RSA")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body))));
    }

    @Test
    void jwksPublishesOnlyThePublicKeyUnderItsKid() throws Exception {
        JsonWebKeySet set = new JsonWebKeySet(KEYS.jwksJson());
        JsonWebKey jwk = set.getJsonWebKeys().get(0);

        assertEquals(1, set.getJsonWebKeys().size());
        assertEquals(KEYS.keyId(), jwk.getKeyId());
        assertEquals("sig", jwk.getUse());
        assertEquals("RS256", jwk.getAlgorithm());
        assertEquals(KEYS.publicKey(), ((RsaJsonWebKey) jwk).getRsaPublicKey());
        for (String privatePart : List.of("\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"")) {
            assertFalse(KEYS.jwksJson().contains(privatePart), "the JWKS leaks " + privatePart);
            assertFalse(KEYS.jwk().contains(privatePart), "the JWK leaks " + privatePart);
        }
    }

    @Test
    void createdTokensVerifyAndCarryTheGivenClaims() throws Exception {
        String token = KEYS.createToken("alice", ISSUER, "my-server", List.of("read", "write"), Duration.ofMinutes(2),
                Map.of("client_id", "cli", "groups", List.of("a", "b")), null);

        TokenVerification result = verifier.verify(token);

        assertTrue(result.isValid(), result.error());
        AuthSession session = result.session();
        assertEquals("alice", session.subject());
        assertEquals(Set.of("read", "write"), session.scopes());
        assertEquals("cli", session.clientId());
        assertEquals(List.of("a", "b"), session.claims().get("groups"));
        JsonWebSignature jws = (JsonWebSignature) JsonWebSignature.fromCompactSerialization(token);
        assertEquals("RS256", jws.getAlgorithmHeaderValue());
        assertEquals(KEYS.keyId(), jws.getKeyIdHeaderValue());
    }

    @Test
    void additionalClaimsReplaceStandardOnesAndKidCanBeChosen() throws Exception {
        String token = KEYS.createToken("alice", ISSUER, "ignored", List.of(), Duration.ofMinutes(2),
                Map.of("aud", List.of("x", "my-server")), "custom-kid");

        assertTrue(verifier.verify(token).isValid(), verifier.verify(token).error());
        assertEquals("custom-kid",
                ((JsonWebSignature) JsonWebSignature.fromCompactSerialization(token)).getKeyIdHeaderValue());
    }

    @Test
    void negativeLifetimeMakesAnExpiredToken() {
        String token = KEYS.createToken("alice", ISSUER, "my-server", List.of(), Duration.ofMinutes(-5), null, null);

        TokenVerification result = verifier.verify(token);
        assertFalse(result.isValid());
        assertTrue(result.error().contains("expired"), result.error());
    }

    @Test
    void toStringShowsOnlyTheKeyId() {
        assertEquals("RSAKeyPair[kid=" + KEYS.keyId() + "]", KEYS.toString());
    }
}
