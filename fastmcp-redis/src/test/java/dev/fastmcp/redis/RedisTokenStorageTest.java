package dev.fastmcp.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.storage.StorageUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What Redis adds to the storage contract: instances sharing one Redis see each other's changes at once, their
 * read caches included; an outage is a 503, not an error, and passes by itself; deployments sharing a Redis are kept
 * apart by their key prefix; the URL carries TLS, credentials and the database.
 */
@Timeout(60)
class RedisTokenStorageTest {

    private final TestRedis redis = new TestRedis();
    private final java.util.List<RedisTokenStorage> storages = new java.util.ArrayList<>();

    @AfterEach
    void stop() {
        storages.forEach(RedisTokenStorage::close);
        redis.close();
    }

    private RedisTokenStorage storage(String prefix) {
        RedisTokenStorage s = RedisTokenStorage.builder(redis.url()).keyPrefix(prefix)
                .timeout(Duration.ofMillis(500)).connectTimeout(Duration.ofMillis(500)).build();
        storages.add(s);
        return s;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void aReadIsAnsweredByTheInstancesCacheUntilAnotherInstanceChangesTheKey() throws Exception {
        RedisTokenStorage a = storage("app:");
        RedisTokenStorage b = storage("app:");
        await(() -> a.localCacheLive() && b.localCacheLive(), "both caches are live");
        a.save("access:jti-1", Map.of("sub", "alice"), 60);
        assertEquals(Map.of("sub", "alice"), b.getCached("access:jti-1", Map.class));
        // a read racing the save's own invalidation message is not kept: read until one is
        await(() -> {
            long before = b.redisReads();
            b.getCached("access:jti-1", Map.class);
            return b.redisReads() == before;
        }, "b keeps the entry");
        long reads = b.redisReads();
        for (int i = 0; i < 100; i++) {
            assertEquals(Map.of("sub", "alice"), b.getCached("access:jti-1", Map.class));
        }
        assertEquals(reads, b.redisReads(), "answered from b's cache");

        a.delete("access:jti-1"); // a revocation on instance a
        await(() -> b.getCached("access:jti-1", Map.class) == null, "b no longer sees the revoked entry");
        a.save("access:jti-1", Map.of("sub", "mallory"), 60);
        await(() -> Map.of("sub", "mallory").equals(b.getCached("access:jti-1", Map.class)), "b sees the new value");
        assertEquals(Map.of("sub", "mallory"), a.take("access:jti-1", Map.class));
        await(() -> b.getCached("access:jti-1", Map.class) == null, "b sees the take");
    }

    @Test
    void aRevocationOnOneInstanceIsSeenByTheOthersWithinMilliseconds() throws Exception {
        RedisTokenStorage a = storage("app:");
        RedisTokenStorage b = storage("app:");
        await(() -> a.localCacheLive() && b.localCacheLive(), "both caches are live");
        long worst = 0;
        for (int i = 0; i < 20; i++) {
            String key = "access:" + i;
            a.save(key, Map.of("n", i), 60);
            b.getCached(key, Map.class);
            b.getCached(key, Map.class); // cached
            a.delete(key);
            long start = System.nanoTime();
            await(() -> b.getCached(key, Map.class) == null, "b sees the delete of " + key);
            worst = Math.max(worst, System.nanoTime() - start);
        }
        assertTrue(worst < Duration.ofSeconds(1).toNanos(), "a delete reached the other cache in " + worst + " ns");
    }

    @Test
    void redisDownIsStorageUnavailableAndTheStorageRecoversByItself() throws Exception {
        RedisTokenStorage s = storage("app:");
        s.save("client:c1", Map.of("name", "one"), 600);
        redis.stop();
        StorageUnavailableException down = assertThrows(StorageUnavailableException.class,
                () -> s.get("client:c1", Map.class));
        assertEquals("5", down.retryAfterHeader());
        assertFalse(down.getMessage().contains("client:c1"), "keys stay out of messages: " + down.getMessage());
        assertThrows(StorageUnavailableException.class, () -> s.save("client:c2", Map.of("name", "two"), 600));
        assertThrows(StorageUnavailableException.class, () -> s.take("code:x", Map.class));
        assertFalse(s.localCacheLive(), "without the subscription, nothing is answered from the cache");

        redis.start(); // back, empty (it keeps nothing on disk in tests)
        await(() -> {
            try {
                s.save("client:c3", Map.of("name", "three"), 600);
                return true;
            } catch (StorageUnavailableException e) {
                return false;
            }
        }, "the storage works again");
        assertEquals(Map.of("name", "three"), s.get("client:c3", Map.class));
        await(s::localCacheLive, "the cache is live again");
    }

    @Test
    void aCacheWhoseSubscriptionIsGoneServesNothingStale() throws Exception {
        RedisTokenStorage a = storage("app:");
        RedisTokenStorage b = storage("app:");
        await(() -> a.localCacheLive() && b.localCacheLive(), "both caches are live");
        a.save("access:k", Map.of("v", 1), 60);
        assertEquals(Map.of("v", 1), b.getCached("access:k", Map.class));
        // b's subscription is cut (Redis restarts): whatever it cached is forgotten, not served
        redis.stop();
        redis.start();
        await(() -> {
            try {
                return b.getCached("access:k", Map.class) == null;
            } catch (StorageUnavailableException e) {
                return false;
            }
        }, "b reads Redis again, which lost the entry");
    }

    @Test
    void underLoadEachInstanceKeepsOneSubscriptionAndEveryReplyIsItsOwn() throws Exception {
        List<RedisTokenStorage> instances = List.of(storage("load:"), storage("load:"), storage("load:"));
        await(() -> instances.stream().allMatch(RedisTokenStorage::localCacheLive), "all caches are live");
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        long end = System.nanoTime() + Duration.ofMillis(Invalidations.HEARTBEAT_EVERY_MILLIS * 3).toNanos();
        List<Thread> workers = new java.util.ArrayList<>();
        for (int t = 0; t < 6; t++) {
            RedisTokenStorage s = instances.get(t % 3);
            String key = "access:worker-" + t;
            int worker = t;
            Thread thread = new Thread(() -> {
                try {
                    for (int i = 0; System.nanoTime() < end; i++) {
                        s.save(key, Map.of("worker", worker, "i", i), 60);
                        Map<?, ?> read = s.getCached(key, Map.class);
                        // a reply shifted by a message read as a reply would show another worker's or round's value
                        assertEquals(worker, ((Number) read.get("worker")).intValue(), String.valueOf(read));
                        assertEquals(i, ((Number) read.get("i")).intValue(), String.valueOf(read));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            thread.start();
            workers.add(thread);
        }
        for (Thread thread : workers) {
            thread.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("a worker failed", failure.get());
        }
        try (redis.clients.jedis.Jedis raw = new redis.clients.jedis.Jedis("127.0.0.1", redis.port())) {
            assertEquals(3L, raw.pubsubNumSub("load:invalidate").get("load:invalidate"),
                    "one subscription per instance, none leaked");
        }
        assertTrue(instances.stream().allMatch(RedisTokenStorage::localCacheLive), "heartbeats keep them live");
    }

    @Test
    void keyPrefixesKeepDeploymentsApart() {
        RedisTokenStorage notes = storage("notes:");
        RedisTokenStorage globby = storage("a*b?[c]:");
        notes.save("code:1", Map.of("v", 1), 60);
        globby.save("code:1", Map.of("v", 2), 60);
        assertEquals(Map.of("v", 1), notes.get("code:1", Map.class));
        assertEquals(Map.of("v", 2), globby.get("code:1", Map.class));
        assertEquals(1, notes.size());
        assertEquals(1, globby.size(), "glob characters of a prefix match literally");
        assertTrue(notes.delete("code:1"));
        assertEquals(Map.of("v", 2), globby.get("code:1", Map.class));
    }

    @Test
    void theUrlGivesCredentialsAndDatabase() {
        try (TestRedis secured = new TestRedis("requirepass s3cr3t-p4ss")) {
            try (RedisTokenStorage s = RedisTokenStorage.builder("redis://:s3cr3t-p4ss@127.0.0.1:" + secured.port()
                    + "/3").build()) {
                s.save("code:1", Map.of("v", 1), 60);
                assertEquals(Map.of("v", 1), s.get("code:1", Map.class));
                assertEquals(1, s.size());
            }
            try (RedisTokenStorage s = RedisTokenStorage.builder("redis://:s3cr3t-p4ss@127.0.0.1:" + secured.port()
                    + "/4").build()) {
                assertNull(s.get("code:1", Map.class), "another database");
            }
            try (RedisTokenStorage wrong = RedisTokenStorage.builder("redis://:wrong-pass@127.0.0.1:"
                    + secured.port()).build()) {
                RuntimeException e = assertThrows(RuntimeException.class, () -> wrong.get("code:1", Map.class));
                assertFalse(String.valueOf(e.getMessage()).contains("wrong-pass"), e.getMessage());
            }
        }
    }

    @Test
    void malformedSettingsAreRefusedWithTheFix() {
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> RedisTokenStorage.builder("http://user:pw@host:6379").build());
        assertTrue(scheme.getMessage().contains("redis://") && !scheme.getMessage().contains(":pw@"),
                scheme.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RedisTokenStorage.builder("redis://host/x").build());
        assertThrows(IllegalArgumentException.class, () -> RedisTokenStorage.builder("redis://host")
                .keyPrefix("").build());
        assertThrows(IllegalArgumentException.class, () -> RedisTokenStorage.builder("redis://host")
                .maxConnections(1).build());
        assertThrows(IllegalArgumentException.class, () -> RedisTokenStorage.builder("redis://host")
                .timeout(Duration.ZERO).build());
        RedisSettings tls = RedisSettings.of("rediss://app:p%40ss@cache.example.com:6380/2", "x:",
                Duration.ofSeconds(1), Duration.ofSeconds(1), 8, 0, Duration.ofSeconds(5));
        assertTrue(tls.tls());
        assertEquals("app", tls.user());
        assertEquals("p@ss", tls.password());
        assertEquals(2, tls.database());
        assertEquals(6380, tls.port());
        assertEquals("rediss://cache.example.com:6380/2", tls.endpoint());
        assertFalse(tls.toString().contains("p@ss"));
    }
}
