package dev.fastmcp.auth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.testing.StorageTestClock;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@link TokenStorage} contract in memory, and what only this storage does: its sweep, what it holds. */
@Timeout(60)
class MemoryTokenStorageTest extends TokenStorageContract {

    private final StorageTestClock clock = new StorageTestClock();

    @Override
    protected TokenStorage newStorage() {
        return new MemoryTokenStorage(0, clock);
    }

    @Override
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    private MemoryTokenStorage memory() {
        return (MemoryTokenStorage) storage();
    }

    /**
     * The contract as a storage on real time (a Redis server) runs it: time passes by sleeping. This keeps the
     * contract runnable, and short, without a clock of the test's.
     */
    @Nested
    class OnRealTime extends TokenStorageContract {

        @Override
        protected TokenStorage newStorage() {
            return new MemoryTokenStorage(0);
        }
    }

    @Test
    void cleanupRemovesOnlyExpiredEntriesAndCountsThem() {
        MemoryTokenStorage storage = memory();
        storage.save("short:1", "v", 10);
        storage.save("short:2", "v", 10);
        storage.save("long", "v", 1000);
        clock.advance(Duration.ofSeconds(10));
        assertEquals(3, storage.heldEntries());
        assertEquals(1, storage.size(), "size counts live entries only");

        assertEquals(2, storage.cleanup());
        assertEquals(1, storage.heldEntries());
        assertEquals("v", storage.get("long", String.class));
        assertEquals(0, storage.cleanup());
    }

    @Test
    void anExpiredEntryIsRemovedFromTheMapByTheReadThatFindsIt() {
        MemoryTokenStorage storage = memory();
        storage.save("code:1", "v", 60);
        clock.advance(Duration.ofSeconds(59));
        assertEquals("v", storage.get("code:1", String.class), "still live one second before expiry");
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, storage.heldEntries());
        assertNull(storage.get("code:1", String.class));
        assertEquals(0, storage.heldEntries(), "no sweep needed for an entry read after its expiry");
    }

    @Test
    void thePeriodicSweepRemovesExpiredEntriesUntilClosed() throws Exception {
        try (MemoryTokenStorage swept = new MemoryTokenStorage(20, clock)) {
            swept.save("code:1", "v", 5);
            clock.advance(Duration.ofSeconds(5));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (swept.heldEntries() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, swept.heldEntries(), "the sweep removed the expired entry without any call");
        }
    }

    @Test
    void keysMustBeValidUnicode() {
        // An unpaired surrogate has no UTF-8 form: two such keys could become one in a file name or a Redis key.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> memory().take("bad\uD800key", String.class));
        assertTrue(e.getMessage().contains("unpaired surrogate"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> memory().save("\uDC00", "v", 10));
        assertThrows(NullPointerException.class, () -> memory().delete(null));
    }

    @Test
    void refusalsSayWhatToDo() {
        IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class, () -> memory().save("k", "v", 0));
        assertTrue(ttl.getMessage().contains("ttlSeconds must be positive"), ttl.getMessage());
        IllegalArgumentException notJson = assertThrows(IllegalArgumentException.class,
                () -> memory().save("k", new Object(), 10));
        assertTrue(notJson.getMessage().contains("java.lang.Object")
                && notJson.getMessage().contains("Store records, maps"), notJson.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class,
                () -> memory().get("s".repeat(TokenStorage.MAX_KEY_LENGTH + 1), String.class));
        assertTrue(key.getMessage().contains("Hash long keys"), key.getMessage());
    }

    @Test
    void aClosedStorageRefusesUseAndHoldsNothing() {
        MemoryTokenStorage storage = memory();
        storage.save("k", "v", 10);
        storage.close();
        assertEquals(0, storage.heldEntries());
        assertTrue(storage.toString().contains("closed"), storage.toString());
    }
}
