package dev.fastmcp.redis;

import dev.fastmcp.auth.storage.TokenStorage;
import dev.fastmcp.auth.storage.TokenStorageContract;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;

/**
 * The TokenStorage contract, the same suite the memory, disk and encrypted storages run, on a real redis-server:
 * with the instance's read cache (the default) and without it, and with a second storage on the same Redis as the
 * other instance of the races. Each test has a key prefix of its own.
 */
class RedisTokenStorageContractTest {

    private static TestRedis redis;
    private static final AtomicInteger TESTS = new AtomicInteger();

    @BeforeAll
    static void start() {
        redis = new TestRedis();
    }

    @AfterAll
    static void stop() {
        redis.close();
    }

    private abstract static class OnRedis extends TokenStorageContract {

        private final String prefix = "contract-" + TESTS.incrementAndGet() + ":";

        abstract int cacheSize();

        private TokenStorage open() {
            return RedisTokenStorage.builder(redis.url()).keyPrefix(prefix).localCacheSize(cacheSize()).build();
        }

        @Override
        protected TokenStorage newStorage() {
            return open();
        }

        @Override
        protected TokenStorage sharingInstance() {
            return open();
        }
    }

    @Nested
    class WithTheLocalCache extends OnRedis {
        @Override
        int cacheSize() {
            return 10_000;
        }
    }

    @Nested
    class WithoutTheLocalCache extends OnRedis {
        @Override
        int cacheSize() {
            return 0;
        }
    }
}
