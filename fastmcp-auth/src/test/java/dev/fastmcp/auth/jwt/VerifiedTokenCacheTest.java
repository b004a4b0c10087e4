package dev.fastmcp.auth.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = NOW;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static Function<String, TokenVerification> counting(AtomicInteger calls, Instant expiresAt) {
        return token -> {
            calls.incrementAndGet();
            return token.startsWith("good")
                    ? TokenVerification.valid(AuthSession.of("alice", "client", List.of(), Map.of(), expiresAt))
                    : TokenVerification.invalid("bad token");
        };
    }

    @Test
    void aVerifiedTokenIsNotVerifiedAgainUntilItExpires() {
        ManualClock clock = new ManualClock();
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofDays(1), clock);
        AtomicInteger calls = new AtomicInteger();
        Function<String, TokenVerification> verifier = counting(calls, NOW.plusSeconds(60));

        TokenVerification first = cache.verify("good-1", verifier);
        assertSame(first, cache.verify("good-1", verifier));
        assertEquals(1, calls.get());

        clock.advance(Duration.ofSeconds(60)); // at exp: verified afresh
        cache.verify("good-1", verifier);
        assertEquals(2, calls.get());
    }

    @Test
    void refusalsAreNeverKept() {
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofDays(1), new ManualClock());
        AtomicInteger calls = new AtomicInteger();
        Function<String, TokenVerification> verifier = counting(calls, NOW.plusSeconds(60));
        assertFalse(cache.verify("bad", verifier).isValid());
        assertFalse(cache.verify("bad", verifier).isValid());
        assertEquals(2, calls.get());
        assertEquals(0, cache.size());
    }

    @Test
    void aVerificationIsReusedForAtMostTheMaximumAge() {
        ManualClock clock = new ManualClock();
        VerifiedTokenCache cache = new VerifiedTokenCache(100, Duration.ofMinutes(5), clock);
        AtomicInteger calls = new AtomicInteger();
        Function<String, TokenVerification> verifier = counting(calls, NOW.plus(Duration.ofHours(1)));
        cache.verify("good-1", verifier);
        clock.advance(Duration.ofMinutes(4));
        cache.verify("good-1", verifier);
        assertEquals(1, calls.get());
        clock.advance(Duration.ofMinutes(1));
        cache.verify("good-1", verifier);
        assertEquals(2, calls.get());
    }

    @Test
    void theCacheStaysWithinItsBound() {
        VerifiedTokenCache cache = new VerifiedTokenCache(2, Duration.ofDays(1), new ManualClock());
        Function<String, TokenVerification> verifier = counting(new AtomicInteger(), NOW.plusSeconds(60));
        for (int i = 0; i < 10; i++) {
            assertTrue(cache.verify("good-" + i, verifier).isValid());
            assertTrue(cache.size() <= 2, "size " + cache.size());
        }
    }

    @Test
    void anExpiredTokenIsRefusedEvenAfterItWasVerified() {
        ManualClock clock = new ManualClock();
        JWTIssuer issuer = JWTIssuer.builder("https://mcp.example.com", "https://mcp.example.com/mcp", KEY)
                .accessTokenTtl(60).clockLeeway(Duration.ofSeconds(5)).clock(clock).build();
        TokenVerifier verifier = issuer.accessTokenVerifier();
        String token = issuer.issueAccessToken("client-1", List.of("read"));
        assertTrue(verifier.verify(token).isValid());
        assertTrue(verifier.verify(token).isValid());

        clock.advance(Duration.ofSeconds(62)); // past exp, within the leeway: full verification still accepts it
        assertTrue(verifier.verify(token).isValid());
        clock.advance(Duration.ofSeconds(10)); // past exp and leeway
        TokenVerification late = verifier.verify(token);
        assertFalse(late.isValid());
        assertEquals("token has expired", late.error());
    }

    @Test
    void aRefreshTokenIsRefusedAsAnAccessTokenEvenAfterTheAccessTokenWasCached() {
        JWTIssuer issuer = new JWTIssuer("https://mcp.example.com", "https://mcp.example.com/mcp", KEY);
        TokenVerifier verifier = issuer.accessTokenVerifier();
        assertTrue(verifier.verify(issuer.issueAccessToken("client-1", List.of())).isValid());
        assertFalse(verifier.verify(issuer.issueRefreshToken("client-1", List.of())).isValid());
    }
}
