package dev.fastmcp.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RedisTokenStorageSmokeTest {

    @Test
    void roundTrip() {
        try (TestRedis redis = new TestRedis();
                RedisTokenStorage s = RedisTokenStorage.builder(redis.url()).build()) {
            s.save("code:a", Map.of("b", 1, "a", 2), 60);
            assertEquals(Map.of("a", 2, "b", 1), s.get("code:a", Map.class));
            assertTrue(s.replace("code:a", Map.of("a", 2, "b", 1), Map.of("c", 3), 60));
            assertFalse(s.saveIfAbsent("code:a", Map.of("x", 1), 60));
            assertEquals(Map.of("c", 3), s.take("code:a", Map.class));
            assertNull(s.get("code:a", Map.class));
            assertEquals(0, s.size());
        }
    }
}
