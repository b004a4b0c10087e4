package dev.fastmcp.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.OctetSequenceJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JWKSVerifierTest {

    private static final String ISSUER = "https://idp.test";
    private static final String AUDIENCE = "mcp-server";

    private final RSAKeyPair first = RSAKeyPair.generate();
    private JwksServer server;

    @BeforeEach
    void startServer() {
        server = new JwksServer(first.jwksJson());
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private JWKSVerifier.Builder verifier() {
        return JWKSVerifier.builder(server.url()).issuer(ISSUER).audience(AUDIENCE);
    }

    @Test
    void validRs256TokenIsAcceptedAndKeysAreCached() {
        JWKSVerifier verifier = new JWKSVerifier(server.url(), ISSUER, AUDIENCE);
        String token = first.createToken("alice", ISSUER, AUDIENCE, List.of("read", "write"), Duration.ofMinutes(5),
                Map.of("client_id", "cli-1", "role", "admin"), null);

        TokenVerification result = verifier.verify(token);

        assertTrue(result.isValid(), result.error());
        AuthSession session = result.session();
        assertEquals("alice", session.subject());
        assertEquals("cli-1", session.clientId());
        assertEquals(java.util.Set.of("read", "write"), session.scopes());
        assertEquals("admin", session.claims().get("role"));
        assertNotNull(session.expiresAt());
        assertTrue(session.expiresAt().isAfter(Instant.now()));
        assertTrue(verifier.verify(token).isValid());
        assertEquals(1, server.fetches(), "the second token must be served from the cache");
        assertEquals(server.url(), verifier.getJwksUri());
    }

    @Test
    void rotatedKeyWithNewKidTriggersRefetchAndVerifies() throws Exception {
        JWKSVerifier verifier = verifier().cooldownDuration(Duration.ofMillis(200)).build();
        assertTrue(verifier.verify(first.createToken("alice", ISSUER, AUDIENCE)).isValid());
        RSAKeyPair second = RSAKeyPair.generate();
        server.setJwks(second.jwksJson());
        Thread.sleep(300); // past the cooldown of the first fetch

        TokenVerification result = verifier.verify(second.createToken("bob", ISSUER, AUDIENCE));

        assertTrue(result.isValid(), result.error());
        assertEquals(2, server.fetches());
    }

    @Test
    void unknownKidFloodCausesAtMostOneRefetchPerCooldown() throws Exception {
        JWKSVerifier verifier = verifier().cooldownDuration(Duration.ofMillis(500)).build();
        assertTrue(verifier.verify(first.createToken("alice", ISSUER, AUDIENCE)).isValid());
        Thread.sleep(600);

        List<Callable<TokenVerification>> attackers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String token = first.createToken("mallory", ISSUER, AUDIENCE, List.of(), Duration.ofMinutes(5), Map.of(),
                    "made-up-kid-" + i);
            attackers.add(() -> verifier.verify(token));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<TokenVerification> f : pool.invokeAll(attackers, 10, TimeUnit.SECONDS)) {
                TokenVerification result = f.get();
                assertFalse(result.isValid());
                assertTrue(result.error().contains("no key with kid 'made-up-kid-"), result.error());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, server.fetches(), "16 unknown kids inside one cooldown window: exactly one refetch");

        assertFalse(verifier.verify(first.createToken("m", ISSUER, AUDIENCE, List.of(), Duration.ofMinutes(5),
                Map.of(), "another-kid")).isValid());
        assertEquals(2, server.fetches(), "still inside the cooldown");

        Thread.sleep(600);
        assertFalse(verifier.verify(first.createToken("m", ISSUER, AUDIENCE, List.of(), Duration.ofMinutes(5),
                Map.of(), "yet-another-kid")).isValid());
        assertEquals(3, server.fetches(), "after the cooldown one more refetch is allowed");
    }

    @Test
    void hs256TokenSignedWithThePublicKeyAndAKnownKidIsRejected() throws Exception {
        JWKSVerifier verifier = verifier().build();
        for (byte[] secret : List.of(first.publicKey().getEncoded(),
                first.publicKeyPem().getBytes(StandardCharsets.US_ASCII),
                first.jwk().getBytes(StandardCharsets.UTF_8))) {
            String token = sign(claims("mallory"), AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(secret),
                    first.keyId());

            assertInvalid(verifier.verify(token), token, "algorithm 'HS256' is not accepted");
        }
        assertEquals(0, server.fetches(), "the algorithm is refused before any key is looked up");
    }

    @Test
    void hs256TokenSignedWithASymmetricKeyPublishedInTheJwksIsRejected() throws Exception {
        byte[] secret = new byte[32];
        OctetSequenceJsonWebKey oct = new OctetSequenceJsonWebKey(new HmacKey(secret));
        oct.setKeyId("shared");
        server.setJwks("{\"keys\":[" + first.jwk() + "," + oct.toJson(JsonWebKey.OutputControlLevel.INCLUDE_SYMMETRIC)
                + "]}");
        JWKSVerifier verifier = verifier().build();
        String token = sign(claims("mallory"), AlgorithmIdentifiers.HMAC_SHA256, new HmacKey(secret), "shared");

        assertInvalid(verifier.verify(token), token, "not accepted");
        assertTrue(verifier.verify(first.createToken("alice", ISSUER, AUDIENCE)).isValid());
    }

    @Test
    void algNoneTokenIsRejected() throws Exception {
        JWKSVerifier verifier = verifier().build();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString(("{\"alg\":\"none\",\"kid\":\"" + first.keyId() + "\"}")
                .getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(claims("mallory").toJson().getBytes(StandardCharsets.UTF_8));
        String token = header + "." + payload + ".";

        assertInvalid(verifier.verify(token), token, "algorithm 'none' is not accepted");
    }

    @Test
    void expiredTokenIsRejected() {
        JWKSVerifier verifier = verifier().build();
        String token = first.createToken("alice", ISSUER, AUDIENCE, List.of(), Duration.ofMinutes(-5), Map.of(), null);

        assertInvalid(verifier.verify(token), token, "token expired at");
    }

    @Test
    void tokenFromAnotherIssuerIsRejected() {
        JWKSVerifier verifier = verifier().build();
        String token = first.createToken("alice", "https://evil.test", AUDIENCE);

        assertInvalid(verifier.verify(token), token, "issuer 'https://evil.test' is not accepted");
    }

    @Test
    void tokenForAnotherAudienceIsRejected() {
        JWKSVerifier verifier = verifier().audience(List.of(AUDIENCE, "api://mcp-server")).build();
        String token = first.createToken("alice", ISSUER, "some-other-app");

        assertInvalid(verifier.verify(token), token, "audience 'some-other-app' does not include");
        assertTrue(verifier.verify(first.createToken("alice", ISSUER, "api://mcp-server")).isValid());
    }

    @Test
    void tokenSignedByAnotherKeyUnderAKnownKidIsRejected() {
        JWKSVerifier verifier = verifier().build();
        String forged = RSAKeyPair.generate().createToken("mallory", ISSUER, AUDIENCE, List.of(),
                Duration.ofMinutes(5), Map.of(), first.keyId());

        assertInvalid(verifier.verify(forged), forged, "signature is invalid");
    }

    @Test
    void keyEmbeddedInTheTokenHeaderIsIgnored() throws Exception {
        JWKSVerifier verifier = verifier().cooldownDuration(Duration.ofMinutes(1)).build();
        RSAKeyPair attacker = RSAKeyPair.generate();
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims("mallory").toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        jws.setJwkHeader(PublicJsonWebKey.Factory.newPublicJwk(attacker.publicKey()));
        jws.setKeyIdHeaderValue(attacker.keyId());
        jws.setKey(attacker.privateKey());
        String token = jws.getCompactSerialization();

        assertInvalid(verifier.verify(token), token, "no key with kid");
    }

    @Test
    void unreachableJwksServerGivesReasonWhileCachedKeysKeepWorking() throws Exception {
        JWKSVerifier verifier = verifier().cacheDuration(Duration.ofMillis(200))
                .cooldownDuration(Duration.ofMillis(100)).timeout(Duration.ofSeconds(2)).build();
        String token = first.createToken("alice", ISSUER, AUDIENCE);
        assertTrue(verifier.verify(token).isValid());
        server.stop();
        Thread.sleep(300); // the cache is stale and the cooldown over: the next verify tries to refetch

        TokenVerification cached = verifier.verify(token);
        assertTrue(cached.isValid(), "stale keys stay in service while the JWKS is unreachable: " + cached.error());

        Thread.sleep(150);
        String rotated = RSAKeyPair.generate().createToken("bob", ISSUER, AUDIENCE);
        assertInvalid(verifier.verify(rotated), rotated, "refetching it failed");
        assertThrows(UncheckedIOException.class, verifier::refreshKeys);
        assertTrue(verifier.verify(token).isValid());
    }

    @Test
    void jwksServerDownFromTheStartRefusesTokensWithReason() {
        server.stop();
        JWKSVerifier verifier = verifier().build();
        String token = first.createToken("alice", ISSUER, AUDIENCE);

        assertInvalid(verifier.verify(token), token, "cannot fetch the JWKS from " + server.url());
        assertInvalid(verifier.verify(token), token, "cooldown");
    }

    @Test
    void oversizedJwksResponseIsRefused() {
        server.setJwks("{\"keys\":[" + first.jwk() + "], \"padding\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}");
        JWKSVerifier verifier = verifier().build();
        String token = first.createToken("alice", ISSUER, AUDIENCE);

        assertInvalid(verifier.verify(token), token, "larger than 1024 KiB");
    }

    @Test
    void slowJwksServerHitsTheTimeout() {
        server.setDelayMillis(3_000);
        JWKSVerifier verifier = verifier().timeout(Duration.ofMillis(300)).build();
        String token = first.createToken("alice", ISSUER, AUDIENCE);

        long start = System.nanoTime();
        assertInvalid(verifier.verify(token), token, "cannot fetch the JWKS");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "the fetch must give up at the timeout");
    }

    @Test
    void nonJwksResponseIsRefusedWithReason() {
        server.setJwks("<html>not found</html>");
        JWKSVerifier verifier = verifier().build();
        String token = first.createToken("alice", ISSUER, AUDIENCE);

        assertInvalid(verifier.verify(token), token, "not a JSON Web Key Set");
    }

    @Test
    void refreshKeysFetchesDespiteTheCooldown() {
        JWKSVerifier verifier = verifier().build();
        assertTrue(verifier.verify(first.createToken("alice", ISSUER, AUDIENCE)).isValid());
        RSAKeyPair second = RSAKeyPair.generate();
        server.setJwks(second.jwksJson());

        verifier.refreshKeys();

        assertEquals(2, server.fetches());
        assertTrue(verifier.verify(second.createToken("bob", ISSUER, AUDIENCE)).isValid());
    }

    @Test
    void misconfigurationFailsAtBuildWithTheFix() {
        IllegalArgumentException plain = assertThrows(IllegalArgumentException.class,
                () -> JWKSVerifier.builder("http://idp.example.com/jwks").issuer(ISSUER).audience(AUDIENCE).build());
        assertTrue(plain.getMessage().contains("use https"), plain.getMessage());
        JWKSVerifier.builder("http://idp.example.com/jwks").issuer(ISSUER).audience(AUDIENCE).allowPlainHttp().build();

        IllegalArgumentException noAudience = assertThrows(IllegalArgumentException.class,
                () -> JWKSVerifier.builder(server.url()).issuer(ISSUER).build());
        assertTrue(noAudience.getMessage().contains("skipAudienceCheck()"), noAudience.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new JWKSVerifier(server.url(), ISSUER, null));
        assertThrows(IllegalArgumentException.class, () -> new JWKSVerifier("ftp://idp/jwks", ISSUER, AUDIENCE));
        assertThrows(IllegalArgumentException.class, () -> verifier().cacheDuration(Duration.ZERO).build());
        assertEquals(0, server.fetches());
    }

    @Test
    void garbageTokensAreRefusedWithoutThrowing() {
        JWKSVerifier verifier = verifier().build();
        for (String token : new String[] {null, "", "   ", "not-a-jwt", "a.b.c", "....", "eyJhbGciOiJSUzI1NiJ9.e30."}) {
            TokenVerification result = verifier.verify(token);
            assertFalse(result.isValid());
            assertNotNull(result.error());
        }
    }

    // ----- helpers -----

    /** Asserts a refusal whose reason contains {@code fragment} and none of the token's parts. */
    static void assertInvalid(TokenVerification result, String token, String fragment) {
        assertFalse(result.isValid(), "expected a refusal");
        assertTrue(result.error().contains(fragment), "reason '" + result.error() + "' lacks '" + fragment + "'");
        for (String part : token.split("\\.")) {
            if (part.length() >= 8) {
                assertFalse(result.error().contains(part), "the reason leaks the token: " + result.error());
            }
        }
    }

    private static JwtClaims claims(String subject) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        claims.setIssuer(ISSUER);
        claims.setAudience(AUDIENCE);
        claims.setExpirationTime(NumericDate.fromSeconds(NumericDate.now().getValue() + 300));
        return claims;
    }

    static String sign(JwtClaims claims, String alg, java.security.Key key, String kid) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setKey(key);
        jws.setDoKeyValidation(false);
        if (kid != null) {
            jws.setKeyIdHeaderValue(kid);
        }
        return jws.getCompactSerialization();
    }

    /** Serves a JWKS on 127.0.0.1 at a random port and counts the GETs. */
    static final class JwksServer {

        private final AtomicReference<String> jwks;
        private final AtomicInteger fetches = new AtomicInteger();
        private final AtomicLong delayMillis = new AtomicLong();
        private final Undertow undertow;
        private final String url;
        private final CountDownLatch stopped = new CountDownLatch(1);

        JwksServer(String initialJwks) {
            this.jwks = new AtomicReference<>(initialJwks);
            HttpHandler handler = new HttpHandler() {
                @Override
                public void handleRequest(HttpServerExchange exchange) throws Exception {
                    if (exchange.isInIoThread()) {
                        exchange.dispatch(this);
                        return;
                    }
                    fetches.incrementAndGet();
                    if (delayMillis.get() > 0) {
                        stopped.await(delayMillis.get(), TimeUnit.MILLISECONDS);
                    }
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    exchange.getResponseSender().send(jwks.get());
                }
            };
            this.undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(handler).build();
            undertow.start();
            int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
            this.url = "http://127.0.0.1:" + port + "/.well-known/jwks.json";
        }

        String url() {
            return url;
        }

        int fetches() {
            return fetches.get();
        }

        void setJwks(String json) {
            jwks.set(json);
        }

        void setDelayMillis(long millis) {
            delayMillis.set(millis);
        }

        void stop() {
            if (stopped.getCount() > 0) {
                stopped.countDown();
                undertow.stop();
            }
        }
    }

    @Test
    void plainHttpJwksOnAHostThatOnlyLooksLikeLoopbackIsRefused() {
        // keys fetched over plain http from another machine could be swapped by anyone on the path
        for (String lookalike : new String[] {"http://127.attacker.example/jwks", "http://127.0.0.1.attacker.example/jwks",
                "http://localhost.attacker.example/jwks"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> JWKSVerifier.builder(lookalike).issuer(ISSUER).audience(AUDIENCE).build(), lookalike);
            assertTrue(e.getMessage().contains("use https"), e.getMessage());
        }
        JWKSVerifier.builder("http://[0:0:0:0:0:0:0:1]:9/jwks").issuer(ISSUER).audience(AUDIENCE).build();
        JWKSVerifier.builder("http://127.0.0.2:9/jwks").issuer(ISSUER).audience(AUDIENCE).build();
    }
}
