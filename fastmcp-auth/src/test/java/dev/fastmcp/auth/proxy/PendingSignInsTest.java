package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.testing.StorageTestClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bound on unfinished sign-ins: oldest evicted from the storage first, finished and expired ones forgotten. */
class PendingSignInsTest {

    private final StorageTestClock clock = new StorageTestClock();
    private final MemoryTokenStorage storage = new MemoryTokenStorage(60_000, clock);
    private final PendingSignIns signIns = new PendingSignIns(3, Duration.ofMinutes(10), storage, clock);

    @AfterEach
    void close() {
        storage.close();
    }

    private void store(String key) {
        storage.save(key, "pending", 600);
        signIns.stored(key);
    }

    @Test
    void aNewSignInPastTheBoundEvictsTheOldestFromTheStorage() {
        store("a");
        store("b");
        store("c");
        store("d");
        assertNull(storage.get("a", String.class), "the oldest is deleted");
        assertNotNull(storage.get("b", String.class));
        assertNotNull(storage.get("d", String.class));
        assertEquals(3, signIns.size());
    }

    @Test
    void aFinishedSignInFreesItsPlace() {
        store("a");
        store("b");
        store("c");
        storage.take("b", String.class);
        signIns.ended("b");
        store("d");
        assertNotNull(storage.get("a", String.class), "nothing evicted: b's place was free");
        assertEquals(3, signIns.size());
    }

    @Test
    void expiredSignInsNoLongerCount() {
        store("a");
        store("b");
        clock.advance(Duration.ofMinutes(10));
        store("c");
        assertEquals(1, signIns.size(), "a and b expired with their transaction TTL");
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new PendingSignIns(0, Duration.ofMinutes(10), storage, clock));
    }
}
