package dev.fastmcp.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.auth.jwt.JWTIssuer.TokenRequest;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.Test;

class JWTIssuerTest {

    private static final String ISS = "https://mcp.example.com";
    private static final String AUD = "https://mcp.example.com/mcp";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final byte[] KEY = bytes(1);
    private static final byte[] OTHER_KEY = bytes(2);

    private final JWTIssuer issuer = issuerAt(NOW, KEY);

    // ---- round trip ------------------------------------------------------------------------------------------

    @Test
    void accessTokenRoundTripCarriesEveryClaimAndHeader() throws Exception {
        IssuedToken issued = issuer.issueAccessTokenWithInfo(TokenRequest.of("client-123", List.of("read", "write"))
                .withSubject("user-1").withClaims(Map.of("role", "admin", "org", Map.of("id", 7))));

        Map<String, Object> header = header(issued.token());
        assertEquals("HS256", header.get("alg"));
        assertEquals("at+jwt", header.get("typ"));
        assertEquals(issuer.keyId(), header.get("kid"));

        TokenVerification result = issuer.verifyAccessToken(issued.token());
        assertTrue(result.isValid(), result.error());
        assertNull(result.error());
        Map<String, Object> c = result.claims();
        assertEquals(ISS, c.get("iss"));
        assertEquals(AUD, c.get("aud"));
        assertEquals("user-1", c.get("sub"));
        assertEquals("client-123", c.get("client_id"));
        assertEquals("read write", c.get("scope"));
        assertEquals("access", c.get("token_use"));
        assertEquals(NOW.getEpochSecond(), c.get("iat"));
        assertEquals(NOW.getEpochSecond(), c.get("nbf"));
        assertEquals(NOW.getEpochSecond() + 3600, c.get("exp"));
        assertEquals(issued.jti(), c.get("jti"));
        assertTrue(((String) c.get("jti")).matches("[A-Za-z0-9_-]{22,}"), "jti is >= 128 bits of base64url");
        assertEquals("admin", c.get("role"));
        assertEquals(Map.of("id", 7L), c.get("org"));
        assertEquals(NOW, issued.issuedAt());
        assertEquals(NOW.plusSeconds(3600), issued.expiresAt());
        assertEquals(Duration.ofHours(1), issued.expiresIn());
        assertThrows(UnsupportedOperationException.class, () -> c.put("x", 1));
        @SuppressWarnings("unchecked")
        Map<String, Object> org = (Map<String, Object>) c.get("org");
        assertThrows(UnsupportedOperationException.class, () -> org.put("x", 1), "nested claims are unmodifiable");
        assertEquals("user-1", result.session().subject());
    }

    @Test
    void refreshTokenRoundTripHasItsOwnTypeAndLifetime() throws Exception {
        String token = issuer.issueRefreshToken("client-123", List.of("read"));
        assertEquals("refresh+jwt", header(token).get("typ"));
        TokenVerification result = issuer.verifyRefreshToken(token);
        assertTrue(result.isValid(), result.error());
        assertEquals("refresh", result.claims().get("token_use"));
        assertEquals(NOW.getEpochSecond() + 2_592_000, result.claims().get("exp"));
        assertFalse(result.claims().containsKey("sub"));
    }

    @Test
    void seedOverloadsHonourTtlOverrideAndAdditionalClaims() throws Exception {
        String token = issuer.issueAccessToken("c", List.of("a"), Map.of("email", "u@example.com"),
                Duration.ofMinutes(5));
        Map<String, Object> claims = payload(token);
        assertEquals(NOW.getEpochSecond() + 300, claims.get("exp"));
        assertEquals("u@example.com", claims.get("email"));
        String refresh = issuer.issueRefreshToken("c", List.of("a"), null, null);
        assertEquals(NOW.getEpochSecond() + 2_592_000, payload(refresh).get("exp"));
        JWTIssuer custom = JWTIssuer.builder(ISS, AUD, KEY).accessTokenTtl(60).refreshTokenTtl(Duration.ofDays(1))
                .clock(fixed(NOW)).build();
        assertEquals(NOW.getEpochSecond() + 60, payload(custom.issueAccessToken("c", List.of())).get("exp"));
        assertEquals(NOW.getEpochSecond() + 86_400, payload(custom.issueRefreshToken("c", List.of())).get("exp"));
    }

    @Test
    void scopeIsAnRfc9068SpaceSeparatedString() throws Exception {
        assertEquals("openid profile email",
                payload(issuer.issueAccessToken("c", List.of("openid", "profile", "openid", "email"))).get("scope"));
        assertFalse(payload(issuer.issueAccessToken("c", List.of())).containsKey("scope"));
        assertFalse(payload(issuer.issueAccessToken("c", null)).containsKey("scope"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> issuer.issueAccessToken("c", List.of("read write")));
        assertTrue(e.getMessage().contains("'read write'"), e.getMessage());
    }

    @Test
    void keyIdIsPresentStableAndDerivedFromTheKey() throws Exception {
        assertEquals(issuer.keyId(), issuerAt(NOW, KEY).keyId(), "instances sharing a key agree");
        assertNotEquals(issuer.keyId(), issuerAt(NOW, OTHER_KEY).keyId());
        assertTrue(issuer.keyId().matches("[A-Za-z0-9_-]{11}"), issuer.keyId());
        JWTIssuer named = JWTIssuer.builder(ISS, AUD, KEY).keyId("2030-01").build();
        assertEquals("2030-01", header(named.issueAccessToken("c", List.of())).get("kid"));
    }

    // ---- forgery and algorithm confusion ---------------------------------------------------------------------

    @Test
    void forgedSignatureWithAFlippedByteIsRejected() {
        String token = issuer.issueAccessToken("c", List.of("read"));
        String[] parts = token.split("\\.");
        byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
        signature[5] ^= 0x01;
        String forged = parts[0] + "." + parts[1] + "." + b64(signature);
        assertInvalid(issuer.verify(forged), "invalid signature");
    }

    @Test
    void tokenReSignedWithAnotherKeyIsRejected() throws Exception {
        String token = sign(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(OTHER_KEY), issuer.keyId(), "at+jwt",
                validClaims("access"));
        assertInvalid(issuer.verifyAccessToken(token), "invalid signature");
    }

    @Test
    void algNoneTokenIsRejected() throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        jws.setKeyIdHeaderValue(issuer.keyId());
        jws.setHeader("typ", "at+jwt");
        jws.setPayload(validClaims("access").toJson());
        String token = jws.getCompactSerialization();
        assertTrue(token.endsWith("."), "an unsigned JWS");
        TokenVerification result = issuer.verifyAccessToken(token);
        assertFalse(result.isValid());
        assertTrue(result.error().contains("HS256"), result.error());
    }

    @Test
    void hs256TokenSignedWithTheBytesOfAnRsaPublicKeyIsRejected() throws Exception {
        KeyPair rsa = rsaKeyPair();
        HmacKey confused = new HmacKey(rsa.getPublic().getEncoded());
        String token = sign(AlgorithmIdentifiers.HMAC_SHA256, confused, issuer.keyId(), "at+jwt",
                validClaims("access"));
        assertInvalid(issuer.verifyAccessToken(token), "invalid signature");
    }

    @Test
    void rs256SignedTokenIsRejectedAsAlgorithmConfusion() throws Exception {
        KeyPair rsa = rsaKeyPair();
        String token = sign(AlgorithmIdentifiers.RSA_USING_SHA256, rsa.getPrivate(), issuer.keyId(), "at+jwt",
                validClaims("access"));
        assertInvalid(issuer.verifyAccessToken(token), "only HS256 is accepted");
    }

    @Test
    void tokenWithUnknownOrMissingKeyIdIsRejected() throws Exception {
        String unknown = sign(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(KEY), "someone-else", "at+jwt",
                validClaims("access"));
        assertInvalid(issuer.verify(unknown), "unknown key");
        String missing = sign(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(KEY), null, "at+jwt",
                validClaims("access"));
        assertInvalid(issuer.verify(missing), "no key id");
    }

    @Test
    void tokenWhoseTypeHeaderContradictsItsTokenUseIsRejected() throws Exception {
        String token = sign(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(KEY), issuer.keyId(), "at+jwt",
                validClaims("refresh"));
        assertInvalid(issuer.verify(token), "does not match");
        String untyped = sign(AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(KEY), issuer.keyId(), "at+jwt",
                validClaims(null));
        assertInvalid(issuer.verify(untyped), "token_use");
    }

    // ---- time --------------------------------------------------------------------------------------------

    @Test
    void expiredTokenIsRejectedButAcceptedWithinLeeway() {
        String token = issuer.issueAccessToken("c", List.of(), null, Duration.ofSeconds(60));
        assertTrue(issuerAt(NOW.plusSeconds(60 + 29), KEY).verifyAccessToken(token).isValid(), "inside 30 s leeway");
        assertInvalid(issuerAt(NOW.plusSeconds(60 + 31), KEY).verifyAccessToken(token), "expired");
        JWTIssuer strict = JWTIssuer.builder(ISS, AUD, KEY).clockLeeway(Duration.ZERO)
                .clock(fixed(NOW.plusSeconds(60))).build();
        assertInvalid(strict.verifyAccessToken(token), "expired");
    }

    @Test
    void notYetValidTokenIsRejectedButAcceptedWithinLeeway() {
        String token = issuer.issueAccessToken("c", List.of());
        assertTrue(issuerAt(NOW.minusSeconds(20), KEY).verifyAccessToken(token).isValid(), "inside 30 s leeway");
        assertInvalid(issuerAt(NOW.minusSeconds(120), KEY).verifyAccessToken(token), "not yet valid");
    }

    // ---- issuer, audience and kind ----------------------------------------------------------------------------

    @Test
    void tokenForAnotherIssuerIsRejected() {
        JWTIssuer other = JWTIssuer.builder("https://evil.example.com", AUD, KEY).clock(fixed(NOW)).build();
        TokenVerification result = issuer.verify(other.issueAccessToken("c", List.of()));
        assertInvalid(result, "wrong issuer");
        assertTrue(result.error().contains(ISS), result.error());
    }

    @Test
    void tokenForAnotherAudienceIsRejected() {
        JWTIssuer other = JWTIssuer.builder(ISS, "https://other.example.com/mcp", KEY).clock(fixed(NOW)).build();
        assertInvalid(issuer.verify(other.issueAccessToken("c", List.of())), "wrong audience");
    }

    @Test
    void refreshTokenIsRejectedAsAccessTokenAndTheReverse() {
        String access = issuer.issueAccessToken("c", List.of("read"));
        String refresh = issuer.issueRefreshToken("c", List.of("read"));
        assertInvalid(issuer.verifyAccessToken(refresh), "refresh token");
        assertInvalid(issuer.verifyRefreshToken(access), "access token");
        assertFalse(issuer.accessTokenVerifier().verify(refresh).isValid());
        assertTrue(issuer.verify(access).isValid());
        assertTrue(issuer.verify(refresh).isValid());
    }

    // ---- claims ------------------------------------------------------------------------------------------

    @Test
    void additionalClaimsCannotOverrideProtectedClaims() {
        Map<String, Object> hostile = Map.of("iss", "https://evil", "aud", "evil", "exp", 9_999_999_999L,
                "iat", 1, "nbf", 1, "jti", "chosen", "client_id", "admin-client", "scope", "admin",
                "token_use", "refresh", "sub", "root");
        TokenRequest request = TokenRequest.of("client-1", List.of("read")).withSubject("user-1")
                .withClaims(hostile);
        IssuedToken issued = issuer.issueAccessTokenWithInfo(request);
        TokenVerification result = issuer.verifyAccessToken(issued.token());
        assertTrue(result.isValid(), result.error());
        Map<String, Object> c = result.claims();
        assertEquals(ISS, c.get("iss"));
        assertEquals(AUD, c.get("aud"));
        assertEquals(NOW.getEpochSecond() + 3600, c.get("exp"));
        assertEquals(NOW.getEpochSecond(), c.get("iat"));
        assertEquals(NOW.getEpochSecond(), c.get("nbf"));
        assertEquals(issued.jti(), c.get("jti"));
        assertNotEquals("chosen", c.get("jti"));
        assertEquals("client-1", c.get("client_id"));
        assertEquals("read", c.get("scope"));
        assertEquals("access", c.get("token_use"));
        assertEquals("user-1", c.get("sub"));
        assertTrue(JWTIssuer.PROTECTED_CLAIMS.containsAll(Set.of("iss", "aud", "exp", "iat", "nbf", "jti",
                "client_id", "scope", "token_use")));
    }

    @Test
    void subjectMayComeFromAdditionalClaimsWhenNoneIsGiven() throws Exception {
        assertEquals("upstream-42", payload(issuer.issueAccessToken("c", List.of(), Map.of("sub", "upstream-42")))
                .get("sub"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> issuer.issueAccessToken("c", List.of(), Map.of("sub", 42)));
        assertTrue(e.getMessage().contains("String.valueOf"), e.getMessage());
    }

    @Test
    void additionalClaimsWithoutAJsonFormAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> issuer.issueAccessToken("c", List.of(), Map.of("when", Instant.EPOCH)));
        assertTrue(e.getMessage().contains("'when'") && e.getMessage().contains("java.time.Instant"),
                e.getMessage());
        Map<String, Object> withNull = new java.util.HashMap<>();
        withNull.put("gone", null);
        assertThrows(IllegalArgumentException.class, () -> issuer.issueAccessToken("c", List.of(), withNull));
        assertThrows(IllegalArgumentException.class,
                () -> issuer.issueAccessToken("c", List.of(), Map.of("n", Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> issuer.issueAccessToken(" ", List.of()));
    }

    @Test
    void accessTokenVerifierMapsClaimsToAnAuthSession() {
        String token = issuer.issueAccessToken(TokenRequest.of("client-9", List.of("read", "write"))
                .withSubject("user-1").withClaims(Map.of("roles", List.of("admin", "ops"))));
        TokenVerification verification = issuer.accessTokenVerifier().verify(token);
        assertTrue(verification.isValid(), verification.error());
        AuthSession session = verification.session();
        assertEquals("user-1", session.subject());
        assertEquals("client-9", session.clientId());
        assertEquals(Set.of("read", "write"), session.scopes());
        assertEquals(Set.of("admin", "ops"), session.roles());
        assertEquals(NOW.plusSeconds(3600), session.expiresAt());
        assertEquals("client-9", issuer.accessTokenVerifier().verify(issuer.issueAccessToken("client-9", List.of()))
                .session().subject(), "without sub the client is the subject");
        assertEquals("no token given", issuer.accessTokenVerifier().verify("").error());
    }

    // ---- keys -------------------------------------------------------------------------------------------

    @Test
    void keyRotationVerifiesTokensOfThePreviousKeyWhileTheNewKeySigns() throws Exception {
        String old = issuer.issueRefreshToken("c", List.of("read"));
        JWTIssuer rotated = JWTIssuer.builder(ISS, AUD, OTHER_KEY).previousKey(KEY).clock(fixed(NOW)).build();
        assertTrue(rotated.verifyRefreshToken(old).isValid(), "old token still verifies");
        String fresh = rotated.issueAccessToken("c", List.of("read"));
        assertEquals(rotated.keyId(), header(fresh).get("kid"));
        assertNotEquals(issuer.keyId(), rotated.keyId());
        assertInvalid(issuer.verify(fresh), "unknown key");

        JWTIssuer named = JWTIssuer.builder(ISS, AUD, KEY).keyId("k1").clock(fixed(NOW)).build();
        JWTIssuer next = JWTIssuer.builder(ISS, AUD, OTHER_KEY).keyId("k2").previousKey("k1", KEY)
                .clock(fixed(NOW)).build();
        assertTrue(next.verifyAccessToken(named.issueAccessToken("c", List.of())).isValid());
        assertThrows(IllegalArgumentException.class,
                () -> JWTIssuer.builder(ISS, AUD, OTHER_KEY).keyId("k1").previousKey("k1", KEY).build());
    }

    @Test
    void shortKeyIsRefusedWithItsLengthAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new JWTIssuer(ISS, AUD, new byte[31]));
        assertTrue(e.getMessage().contains("31 bytes") && e.getMessage().contains("deriveKey")
                && e.getMessage().contains("32 random bytes"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> JWTIssuer.builder(ISS, AUD, KEY).previousKey(new byte[16]).build());
        assertThrows(NullPointerException.class, () -> new JWTIssuer(ISS, AUD, null));
    }

    @Test
    void builderRefusesBadSettingsWithTheValue() {
        assertThrows(IllegalArgumentException.class, () -> new JWTIssuer(" ", AUD, KEY));
        assertThrows(IllegalArgumentException.class, () -> new JWTIssuer(ISS, "", KEY));
        IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class,
                () -> JWTIssuer.builder(ISS, AUD, KEY).accessTokenTtl(0).build());
        assertTrue(ttl.getMessage().contains("accessTokenTtl is PT0S"), ttl.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> JWTIssuer.builder(ISS, AUD, KEY).clockLeeway(Duration.ofSeconds(-1)).build());
        assertThrows(IllegalArgumentException.class,
                () -> JWTIssuer.builder(ISS, AUD, KEY).clockLeeway(Duration.ofHours(1)).build());
        assertThrows(IllegalArgumentException.class,
                () -> issuer.issueAccessToken("c", List.of(), null, Duration.ZERO));
    }

    @Test
    void deriveKeyIsDeterministic32BytesAndDiffersBySecret() {
        byte[] a = JWTIssuer.deriveKey("correct horse battery staple", 10_000);
        assertEquals(32, a.length);
        assertArrayEquals(a, JWTIssuer.deriveKey("correct horse battery staple", 10_000));
        assertFalse(Arrays.equals(a, JWTIssuer.deriveKey("correct horse battery stapler", 10_000)));
        assertFalse(Arrays.equals(a, JWTIssuer.deriveKey("correct horse battery staple", 10_001)));
        assertEquals(32, JWTIssuer.deriveKey("a default-strength secret").length);
        assertDoesNotThrow(() -> new JWTIssuer(ISS, AUD, a));
    }

    @Test
    void deriveKeyMatchesAnIndependentPbkdf2HmacSha256() throws Exception {
        String secret = "pässwörd with ünïcode and 🔑";
        assertArrayEquals(pbkdf2Sha256Block1(secret.getBytes(StandardCharsets.UTF_8),
                "fastmcp-oauth-proxy".getBytes(StandardCharsets.UTF_8), 10_000),
                JWTIssuer.deriveKey(secret, 10_000));
    }

    @Test
    void deriveKeyRefusesBadIterationsAndBlankSecrets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JWTIssuer.deriveKey("long enough secret", 9_999));
        assertTrue(e.getMessage().contains("9999") && e.getMessage().contains("10000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> JWTIssuer.deriveKey("  ", 10_000));
        assertThrows(IllegalArgumentException.class, () -> JWTIssuer.deriveKey(null));
        assertEquals(32, JWTIssuer.deriveKey("short", 10_000).length, "short secrets only warn");
    }

    // ---- errors and values -------------------------------------------------------------------------------

    @Test
    void validationErrorsNeverContainTheToken() throws Exception {
        String good = issuer.issueAccessToken("c", List.of("read"));
        String[] parts = good.split("\\.");
        List<String> bad = new ArrayList<>(List.of(
                parts[0] + "." + parts[1] + "." + b64(new byte[32]),
                parts[0] + ".!!!not-base64!!!." + parts[2],
                "not-a-jwt",
                parts[0] + "." + parts[1],
                good + ".extra",
                "x".repeat(20_000),
                issuer.issueRefreshToken("c", List.of("read"))));
        bad.add(sign(AlgorithmIdentifiers.RSA_USING_SHA256, rsaKeyPair().getPrivate(), issuer.keyId(), "at+jwt",
                validClaims("access")));
        bad.add(JWTIssuer.builder(ISS, "https://other", KEY).clock(fixed(NOW)).build().issueAccessToken("c",
                List.of()));
        bad.add(issuer.issueAccessToken("c", List.of(), null, Duration.ofSeconds(1)));
        JWTIssuer later = issuerAt(NOW.plusSeconds(3600), KEY);
        for (String token : bad) {
            TokenVerification result = later.verifyAccessToken(token);
            assertFalse(result.isValid(), token);
            assertTrue(result.claims().isEmpty());
            assertTrue(result.error().length() < 160, result.error());
            for (String part : token.split("\\.")) {
                assertFalse(part.length() > 8 && result.error().contains(part), result.error());
            }
        }
        assertInvalid(issuer.verify(null), "no token");
    }

    @Test
    void resultAndIssuedTokenValuesGuardTheirInvariants() {
        AuthSession session = AuthSession.of("s", null, List.of(), Map.of("a", 1), null);
        assertThrows(IllegalArgumentException.class, () -> new TokenVerification(session, "oops"));
        assertThrows(IllegalArgumentException.class, () -> new TokenVerification(null, null));
        assertEquals(Map.of("a", 1), TokenVerification.valid(session).claims(), "the claims are the session's");
        assertEquals(Map.of(), TokenVerification.invalid("nope").claims());
        IssuedToken issued = issuer.issueAccessTokenWithInfo(TokenRequest.of("c", List.of()));
        assertFalse(issued.toString().contains(issued.token()), "toString leaves the token out");
        assertTrue(issued.toString().contains(issued.jti()));
    }

    @Test
    void concurrentIssuingAndVerifyingIsSafeAndJtisAreUnique() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> jtis = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                jtis.add(pool.submit(() -> {
                    IssuedToken t = issuer.issueAccessTokenWithInfo(TokenRequest.of("c", List.of("read")));
                    assertTrue(issuer.verifyAccessToken(t.token()).isValid());
                    return t.jti();
                }));
            }
            Set<String> unique = new HashSet<>();
            for (Future<String> f : jtis) {
                unique.add(f.get());
            }
            assertEquals(400, unique.size());
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static JWTIssuer issuerAt(Instant now, byte[] key) {
        return JWTIssuer.builder(ISS, AUD, key).clock(fixed(now)).build();
    }

    private static Clock fixed(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    private static byte[] bytes(int seed) {
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (seed * 31 + i * 7);
        }
        return key;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static Map<String, Object> header(String token) throws Exception {
        return JsonUtil.parseJson(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]),
                StandardCharsets.UTF_8));
    }

    private static Map<String, Object> payload(String token) throws Exception {
        return JsonUtil.parseJson(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8));
    }

    /** Claims that pass every check, for tokens the tests sign themselves; {@code use} null leaves it out. */
    private static JwtClaims validClaims(String use) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(ISS);
        claims.setAudience(AUD);
        claims.setStringClaim("client_id", "c");
        if (use != null) {
            claims.setStringClaim("token_use", use);
        }
        claims.setIssuedAt(NumericDate.fromSeconds(NOW.getEpochSecond()));
        claims.setNotBefore(NumericDate.fromSeconds(NOW.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(NOW.getEpochSecond() + 600));
        claims.setJwtId("test-jti-0123456789");
        return claims;
    }

    private static String sign(String alg, Key key, String kid, String typ, JwtClaims claims) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(alg);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        jws.setHeader("typ", typ);
        jws.setPayload(claims.toJson());
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    private static KeyPair rsaKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** PBKDF2 (RFC 8018 §5.2) with HMAC-SHA256, first 32-byte block, written out with a plain {@link Mac}. */
    private static byte[] pbkdf2Sha256Block1(byte[] password, byte[] salt, int iterations) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(password, "HmacSHA256"));
        mac.update(salt);
        byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
        byte[] t = u.clone();
        for (int i = 1; i < iterations; i++) {
            u = mac.doFinal(u);
            for (int j = 0; j < t.length; j++) {
                t[j] ^= u[j];
            }
        }
        return t;
    }

    private static void assertInvalid(TokenVerification result, String reason) {
        assertFalse(result.isValid(), "expected a refusal containing '" + reason + "'");
        assertTrue(result.error().contains(reason), "error was: " + result.error());
    }
}
