package dev.fastmcp.auth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.testing.StorageTestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MemoryTokenStorageTest {

    record Transaction(String clientId, String redirectUri, List<String> scopes) {
    }

    private final StorageTestClock clock = new StorageTestClock();
    private final MemoryTokenStorage storage = new MemoryTokenStorage(0, clock);

    @AfterEach
    void close() {
        storage.close();
    }

    @Test
    void aSavedRecordReadsBackEqual() {
        Transaction tx = new Transaction("client-1", "http://localhost:3000/cb", List.of("read", "write"));
        storage.save("transaction:abc", tx, 600);
        assertEquals(tx, storage.get("transaction:abc", Transaction.class));
        assertEquals("client-1", storage.get("transaction:abc", Map.class).get("clientId"));
        assertNull(storage.get("transaction:other", Transaction.class));
    }

    @Test
    void anExpiredCodeIsAbsentForEveryOperation() {
        storage.save("code:1", "v", 60);
        storage.save("code:2", "v", 60);
        storage.save("code:3", "v", 60);
        clock.advance(Duration.ofSeconds(59));
        assertEquals("v", storage.get("code:1", String.class), "still live one second before expiry");

        clock.advance(Duration.ofSeconds(1));
        assertNull(storage.get("code:1", String.class));
        assertNull(storage.take("code:2", String.class), "an expired code cannot be redeemed");
        assertFalse(storage.delete("code:3"), "there was no live entry to delete");
        assertEquals(0, storage.size());
    }

    @Test
    void cleanupRemovesOnlyExpiredEntriesAndCountsThem() {
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
    void mutatingASavedOrReturnedMapDoesNotChangeTheStoredValue() {
        Map<String, Object> value = new HashMap<>(Map.of("scopes", new ArrayList<>(List.of("read"))));
        storage.save("client:1", value, 600);
        value.put("scopes", List.of("admin"));

        @SuppressWarnings("unchecked")
        Map<String, Object> first = storage.get("client:1", Map.class);
        assertEquals(List.of("read"), first.get("scopes"));
        first.put("scopes", List.of("admin"));
        assertEquals(List.of("read"), storage.get("client:1", Map.class).get("scopes"));
    }

    @Test
    void concurrentRedemptionOfOneCodeHasExactlyOneWinner() throws Exception {
        for (int round = 0; round < 20; round++) {
            String key = "code:" + round;
            storage.save(key, new Transaction("c", "u", List.of()), 60);
            List<Transaction> results = StorageRace.run(32, i -> () -> storage.take(key, Transaction.class));
            assertEquals(1, StorageRace.winners(results), "round " + round);
            assertNull(storage.get(key, Transaction.class));
        }
    }

    @Test
    void concurrentSaveIfAbsentHasExactlyOneWinnerAndKeepsItsValue() throws Exception {
        for (int round = 0; round < 20; round++) {
            String key = "used-code:" + round;
            List<Boolean> results = StorageRace.run(32, i -> () -> storage.saveIfAbsent(key, "thread-" + i, 60));
            assertEquals(1, StorageRace.winners(results), "round " + round);
            assertEquals("thread-" + results.indexOf(true), storage.get(key, String.class));
        }
    }

    /** A value replaced as a whole: what one grant's refresh family record is to the proxy. */
    record Generation(String holder, long generation, List<String> scopes) {
    }

    @Test
    void replaceWritesOnlyOverAnEqualLiveValue() {
        Generation g0 = new Generation("f", 0, List.of("read"));
        Generation g1 = new Generation("f", 1, List.of("read"));
        assertFalse(storage.replace("family:f", g0, g1, 60), "nothing to replace");
        assertNull(storage.get("family:f", Generation.class), "and nothing written");
        storage.save("family:f", g0, 60);
        assertFalse(storage.replace("family:f", g1, g0, 60), "another value is left as it is");
        assertEquals(g0, storage.get("family:f", Generation.class));
        assertTrue(storage.replace("family:f", storage.get("family:f", Generation.class), g1, 60));
        assertEquals(g1, storage.get("family:f", Generation.class));
        assertTrue(storage.replace("family:f", Map.of("scopes", List.of("read"), "generation", 1, "holder", "f"), g0,
                60), "compared as JSON: member order and number types do not matter");
        clock.advance(Duration.ofSeconds(60));
        assertFalse(storage.replace("family:f", g0, g1, 60), "an expired entry is absent");
        assertThrows(NullPointerException.class, () -> storage.replace("family:f", null, g1, 60));
    }

    @Test
    void concurrentReplaceOfOneValueHasExactlyOneWinner() throws Exception {
        for (int r = 0; r < 20; r++) {
            int round = r;
            String key = "family:" + round;
            Generation current = new Generation("f", round, List.of());
            storage.save(key, current, 60);
            List<Boolean> results = StorageRace.run(32,
                    i -> () -> storage.replace(key, current, new Generation("thread-" + i, round + 1, List.of()), 60));
            assertEquals(1, StorageRace.winners(results), "round " + round);
            assertEquals("thread-" + results.indexOf(true), storage.get(key, Generation.class).holder());
        }
    }

    @Test
    void saveIfAbsentTreatsAnExpiredEntryAsAbsent() {
        assertTrue(storage.saveIfAbsent("k", "old", 10));
        assertFalse(storage.saveIfAbsent("k", "new", 10), "a live entry is kept");
        assertEquals("old", storage.get("k", String.class));
        clock.advance(Duration.ofSeconds(10));
        assertTrue(storage.saveIfAbsent("k", "new", 10));
        assertEquals("new", storage.get("k", String.class));
    }

    @Test
    void saveReplacesAndDeleteRemoves() {
        storage.save("k", 1, 10);
        storage.save("k", 2, 10);
        assertEquals(2, storage.get("k", Integer.class));
        assertTrue(storage.delete("k"));
        assertFalse(storage.delete("k"));
        assertNull(storage.get("k", Integer.class));
    }

    @Test
    void anEternalOrNegativeTtlIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> storage.save("k", "v", 0));
        assertTrue(e.getMessage().contains("ttlSeconds must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> storage.saveIfAbsent("k", "v", -1));
    }

    @Test
    void aHugeTtlDoesNotOverflowIntoThePast() {
        storage.save("k", "v", Long.MAX_VALUE);
        assertEquals("v", storage.get("k", String.class));
    }

    @Test
    void malformedKeysAreRefusedWithoutEchoingThem() {
        assertThrows(IllegalArgumentException.class, () -> storage.save("", "v", 10));
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
                () -> storage.get("s".repeat(TokenStorage.MAX_KEY_LENGTH + 1), String.class));
        assertFalse(tooLong.getMessage().contains("sss"), tooLong.getMessage());
        assertThrows(IllegalArgumentException.class, () -> storage.take("bad\uD800key", String.class));
        assertThrows(NullPointerException.class, () -> storage.delete(null));
        storage.save("s".repeat(TokenStorage.MAX_KEY_LENGTH), "v", 10);
    }

    @Test
    void aNullOrNonJsonValueIsRefusedAtSave() {
        assertThrows(NullPointerException.class, () -> storage.save("k", null, 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> storage.save("k", new Object(), 10));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertNull(storage.get("k", Object.class));
    }

    @Test
    void readingWithAnIncompatibleTypeIsAnErrorThatDoesNotQuoteTheValue() {
        storage.save("k", "secret-token-value", 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> storage.get("k", Transaction.class));
        assertFalse(e.getMessage().contains("secret-token-value"), e.getMessage());
    }

    @Test
    void aClosedStorageRefusesUseAndHoldsNothing() {
        storage.save("k", "v", 10);
        storage.close();
        storage.close();
        assertEquals(0, storage.heldEntries());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> storage.get("k", String.class));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
}
