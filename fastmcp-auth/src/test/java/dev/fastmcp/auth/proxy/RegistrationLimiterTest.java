package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.testing.StorageTestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegistrationLimiterTest {

    private final StorageTestClock clock = new StorageTestClock();

    private RegistrationLimiter limiter(int perWindow, int maxTracked) {
        return new RegistrationLimiter(perWindow, Duration.ofMinutes(1), maxTracked, clock);
    }

    @Test
    void dcrFloodFromOneAddressIsCutAtTheLimit() {
        RegistrationLimiter limiter = limiter(10, 100);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire("203.0.113.7"), "registration " + i);
        }
        assertFalse(limiter.tryAcquire("203.0.113.7"));
        assertFalse(limiter.tryAcquire("203.0.113.7"));
    }

    @Test
    void addressesAreLimitedIndependently() {
        RegistrationLimiter limiter = limiter(2, 100);
        assertTrue(limiter.tryAcquire("203.0.113.7"));
        assertTrue(limiter.tryAcquire("203.0.113.7"));
        assertFalse(limiter.tryAcquire("203.0.113.7"));
        assertTrue(limiter.tryAcquire("198.51.100.1"));
    }

    @Test
    void bucketRefillsOverTheWindow() {
        RegistrationLimiter limiter = limiter(10, 100);
        for (int i = 0; i < 10; i++) {
            limiter.tryAcquire("203.0.113.7");
        }
        assertFalse(limiter.tryAcquire("203.0.113.7"));
        clock.advance(Duration.ofSeconds(6));
        assertTrue(limiter.tryAcquire("203.0.113.7"));
        assertFalse(limiter.tryAcquire("203.0.113.7"));
        clock.advance(Duration.ofMinutes(5));
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire("203.0.113.7"), "after refill " + i);
        }
        assertFalse(limiter.tryAcquire("203.0.113.7"));
    }

    @Test
    void defaultsAllowTenPerMinute() {
        RegistrationLimiter limiter = new RegistrationLimiter();
        for (int i = 0; i < RegistrationLimiter.DEFAULT_REGISTRATIONS_PER_WINDOW; i++) {
            assertTrue(limiter.tryAcquire("192.0.2.1"));
        }
        assertFalse(limiter.tryAcquire("192.0.2.1"));
    }

    @Test
    void ipv6FloodFromOneNetworkSharesABucket() {
        RegistrationLimiter limiter = limiter(3, 100);
        assertTrue(limiter.tryAcquire("2001:db8:1:2::1"));
        assertTrue(limiter.tryAcquire("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        assertTrue(limiter.tryAcquire("[2001:0db8:0001:0002::ffff]"));
        assertFalse(limiter.tryAcquire("2001:db8:1:2:ffff:ffff:ffff:fffe"));
        assertTrue(limiter.tryAcquire("2001:db8:1:3::1"));
    }

    @Test
    void addressKeysAreNormalisedWithoutDnsLookups() {
        assertEquals(RegistrationLimiter.key("2001:db8::1"), RegistrationLimiter.key("2001:DB8:0:0:ffff::9"));
        assertNotEquals(RegistrationLimiter.key("2001:db8::1"), RegistrationLimiter.key("2001:db9::1"));
        assertEquals("203.0.113.7", RegistrationLimiter.key(" 203.0.113.7 "));
        assertEquals("unknown", RegistrationLimiter.key(null));
        assertEquals("unknown", RegistrationLimiter.key("  "));
        // A host name is used as text, never resolved.
        assertEquals("example.invalid", RegistrationLimiter.key("Example.INVALID"));
        assertEquals("zz::zz", RegistrationLimiter.key("zz::zz"));
    }

    @Test
    void missingAddressesShareOneBucket() {
        RegistrationLimiter limiter = limiter(1, 100);
        assertTrue(limiter.tryAcquire(null));
        assertFalse(limiter.tryAcquire(""));
    }

    @Test
    void idleAddressesAreForgotten() {
        RegistrationLimiter limiter = limiter(5, 100);
        for (int i = 0; i < 50; i++) {
            assertTrue(limiter.tryAcquire("10.0.0." + i));
        }
        assertEquals(50, limiter.trackedAddresses());
        clock.advance(Duration.ofMinutes(2));
        assertTrue(limiter.tryAcquire("10.0.1.1"));
        assertEquals(1, limiter.trackedAddresses());
    }

    @Test
    void floodFromManyAddressesCannotGrowMemoryPastTheCap() {
        RegistrationLimiter limiter = limiter(5, 100);
        int granted = 0;
        for (int i = 0; i < 10_000; i++) {
            if (limiter.tryAcquire("10." + (i / 65536) + "." + (i / 256 % 256) + "." + (i % 256))) {
                granted++;
            }
        }
        assertEquals(100, limiter.trackedAddresses());
        assertEquals(100, granted);
        // Addresses already tracked keep their own budget while the table is full.
        assertTrue(limiter.tryAcquire("10.0.0.0"));
    }

    @Test
    void fullTableMakesRoomOnceAddressesGoIdle() {
        RegistrationLimiter limiter = limiter(5, 10);
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire("10.0.0." + i));
        }
        assertFalse(limiter.tryAcquire("10.0.0.200"));
        clock.advance(Duration.ofSeconds(30));
        assertTrue(limiter.tryAcquire("10.0.0.200"));
        assertTrue(limiter.trackedAddresses() <= 10);
    }

    @Test
    void concurrentFloodNeverExceedsTheLimit() throws Exception {
        RegistrationLimiter limiter = limiter(25, 1000);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            AtomicInteger granted = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 100; i++) {
                        if (limiter.tryAcquire("198.51.100.9")) {
                            granted.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(25, granted.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void clockGoingBackwardsNeverAddsTokens() {
        RegistrationLimiter limiter = limiter(1, 10);
        assertTrue(limiter.tryAcquire("192.0.2.5"));
        clock.advance(Duration.ofMinutes(-10));
        assertFalse(limiter.tryAcquire("192.0.2.5"));
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RegistrationLimiter(0, Duration.ofMinutes(1), 10, clock));
        assertThrows(IllegalArgumentException.class, () -> new RegistrationLimiter(1, Duration.ZERO, 10, clock));
        assertThrows(IllegalArgumentException.class, () -> new RegistrationLimiter(1, Duration.ofMinutes(1), 0, clock));
        assertThrows(NullPointerException.class, () -> new RegistrationLimiter(1, Duration.ofMinutes(1), 10, null));
    }
}
