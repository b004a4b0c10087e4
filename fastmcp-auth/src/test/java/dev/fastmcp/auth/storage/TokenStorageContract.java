package dev.fastmcp.auth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * The contract of {@link TokenStorage}, as its Javadoc states it, run alike against every implementation.
 *
 * <p>To test an implementation, extend this class (from any package and module: it is published in the test jar
 * of {@code fastmcp-auth}) and provide:
 * <ul>
 *   <li>{@link #newStorage()}: a fresh, empty storage; the suite closes it after each test;</li>
 *   <li>{@link #elapse(Duration)}, if the storage reads its time from a clock the test controls: move that clock.
 *       By default it sleeps, for storages on real time (a Redis server): the suite then lets time pass only twice,
 *       about one second each, over entries saved with a TTL of one second;</li>
 *   <li>{@link #sharingInstance()}, if several instances can share one state (a directory, a Redis server): a
 *       second instance over the state of {@link #newStorage()}'s, as another server would open it. The races then
 *       run half their callers through each instance.</li>
 * </ul>
 * Keep implementation-specific tests (persistence, file layout, cleanup counts, encryption) in the subclass.
 */
@Timeout(60)
public abstract class TokenStorageContract {

    /** The TTL of entries a test lets expire, in seconds: short, for storages on real time. */
    private static final long SHORT = 1;
    /** The TTL of entries that must outlive every test. */
    private static final long LONG = 600;
    /** Callers per race: enough to collide, few enough for a shared server and two cores. */
    private static final int RACERS = 16;
    private static final int ROUNDS = 10;

    private TokenStorage storage;
    private TokenStorage sharing;
    private boolean sharingAsked;

    /** A fresh, empty storage, which the suite closes after each test. */
    protected abstract TokenStorage newStorage();

    /**
     * Another instance over the same state as {@link #newStorage()}'s, as a second server process would open it;
     * {@code null} (the default) when the storage's state cannot be shared, as in memory. The suite closes it.
     */
    protected TokenStorage sharingInstance() {
        return null;
    }

    /**
     * Lets {@code duration} pass for the storage. The default sleeps a little longer than that (50 ms), since a
     * server may count an entry live through the very millisecond its TTL ends; storages on a clock of the test's
     * override it to move that clock.
     */
    protected void elapse(Duration duration) throws InterruptedException {
        Thread.sleep(duration.toMillis() + 50);
    }

    /** The storage under test, made by {@link #newStorage()} on first use. */
    protected final TokenStorage storage() {
        if (storage == null) {
            storage = newStorage();
            assertNotNull(storage, "newStorage() returned null");
        }
        return storage;
    }

    /** {@link #sharingInstance()}, asked once per test; {@link #storage()} when there is none. */
    private TokenStorage other() {
        storage();
        if (!sharingAsked) {
            sharingAsked = true;
            sharing = sharingInstance();
        }
        return sharing != null ? sharing : storage;
    }

    @AfterEach
    public final void closeTheStorages() {
        if (sharing != null) {
            sharing.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    // ---- Values -------------------------------------------------------------------------------------------------

    /** A single-use value, as a code or a transaction is to the proxy. */
    public record Transaction(String clientId, String redirectUri, List<String> scopes, Pkce pkce) {
    }

    public record Pkce(String challenge, String method) {
    }

    /** A value replaced as a whole: what one grant's refresh family record is to the proxy. */
    public record Generation(String holder, long generation, List<String> scopes) {
    }

    private static final Transaction TX = new Transaction("client-1", "http://localhost:3000/cb",
            List.of("read", "write"), new Pkce("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256"));

    @Test
    public void aSavedRecordReadsBackEqual() {
        TokenStorage s = storage();
        s.save("transaction:abc", TX, LONG);
        assertEquals(TX, s.get("transaction:abc", Transaction.class));
        Map<?, ?> asMap = s.get("transaction:abc", Map.class);
        assertEquals("client-1", asMap.get("clientId"), "a record is stored as a JSON object of its components");
        assertEquals(List.of("read", "write"), asMap.get("scopes"));
        assertEquals(Map.of("challenge", TX.pkce().challenge(), "method", "S256"), asMap.get("pkce"));
        assertNull(s.get("transaction:other", Transaction.class));
    }

    @Test
    public void mapsListsStringsNumbersAndBooleansReadBackEqual() {
        TokenStorage s = storage();
        Map<String, Object> map = Map.of("name", "Claude", "redirect_uris", List.of("http://127.0.0.1/cb"),
                "nested", Map.of("n", 1, "ok", true), "empty", Map.of());
        String text = "ünïcødé 🔑 \"quoted\" \\ back\nslash\ttab </script> \u0000 end";
        String big = "x".repeat(64 * 1024);
        s.save("map", map, LONG);
        s.save("list", List.of("a", 2, false, List.of()), LONG);
        s.save("string", text, LONG);
        s.save("empty-string", "", LONG);
        s.save("big", big, LONG);
        s.save("int", 42, LONG);
        s.save("long", Long.MAX_VALUE, LONG);
        s.save("negative", -7L, LONG);
        s.save("double", 0.1, LONG);
        s.save("true", true, LONG);
        s.save("false", false, LONG);

        assertEquals(map, s.get("map", Map.class));
        assertEquals(List.of("a", 2, false, List.of()), s.get("list", List.class));
        assertEquals(text, s.get("string", String.class));
        assertEquals("", s.get("empty-string", String.class));
        assertEquals(big, s.get("big", String.class));
        assertEquals(42, s.get("int", Integer.class));
        assertEquals(42L, s.get("int", Long.class), "a number reads back as any type that holds it");
        assertEquals(Long.MAX_VALUE, s.get("long", Long.class));
        assertEquals(-7L, s.get("negative", Long.class));
        assertEquals(0.1, s.get("double", Double.class));
        assertEquals(Boolean.TRUE, s.get("true", Boolean.class));
        assertEquals(Boolean.FALSE, s.get("false", Boolean.class), "false is a value, not an absence");
        assertEquals(11, s.size());
    }

    @Test
    public void keysAreOpaqueStrings() {
        TokenStorage s = storage();
        List<String> keys = List.of("k", "K", "k:", "code:abc", "code:abd", "../../etc/passwd", "a/b\\c", " ",
                "key with spaces", "ключ", "🔑", "*", "?", "%2F", "line\nbreak", "nul\u0000",
                "s".repeat(TokenStorage.MAX_KEY_LENGTH), "🔑".repeat(TokenStorage.MAX_KEY_LENGTH / 2));
        for (int i = 0; i < keys.size(); i++) {
            s.save(keys.get(i), i, LONG);
        }
        for (int i = 0; i < keys.size(); i++) {
            assertEquals(i, s.get(keys.get(i), Integer.class), "key number " + i);
        }
        assertEquals(keys.size(), s.size(), "no two of these keys share an entry");
    }

    @Test
    public void saveReplacesAndDeleteRemoves() {
        TokenStorage s = storage();
        s.save("k", 1, LONG);
        s.save("k", Map.of("now", "a map"), LONG);
        assertEquals(Map.of("now", "a map"), s.get("k", Map.class));
        assertEquals(1, s.size());
        assertTrue(s.delete("k"));
        assertNull(s.get("k", Map.class));
        assertEquals(0, s.size());
    }

    @Test
    public void mutatingASavedOrReturnedValueChangesNothing() {
        TokenStorage s = storage();
        List<String> scopes = new ArrayList<>(List.of("read"));
        Map<String, Object> map = new HashMap<>(Map.of("scopes", scopes));
        s.save("client:1", map, LONG);
        s.save("list", scopes, LONG);
        Generation generation = new Generation("f", 0, scopes);
        s.save("family:f", generation, LONG);
        map.put("scopes", List.of("admin"));
        map.put("added", "later");
        scopes.add("admin");

        @SuppressWarnings("unchecked")
        Map<String, Object> first = s.get("client:1", Map.class);
        assertEquals(Map.of("scopes", List.of("read")), first);
        first.put("scopes", List.of("admin"));
        assertEquals(Map.of("scopes", List.of("read")), s.get("client:1", Map.class));

        @SuppressWarnings("unchecked")
        List<String> list = s.get("list", List.class);
        assertEquals(List.of("read"), list);
        list.add("admin");
        assertEquals(List.of("read"), s.get("list", List.class));

        Generation read = s.get("family:f", Generation.class);
        assertEquals(List.of("read"), read.scopes());
        try {
            read.scopes().add("admin");
        } catch (UnsupportedOperationException immutable) {
            // a storage may hand out unmodifiable lists; then there is nothing to change
        }
        assertEquals(List.of("read"), s.get("family:f", Generation.class).scopes());
    }

    // ---- Expiry -------------------------------------------------------------------------------------------------

    @Test
    public void anExpiredEntryIsAbsentForEveryOperation() throws Exception {
        TokenStorage s = storage();
        for (String key : List.of("get", "take", "delete", "saveIfAbsent", "replace")) {
            s.save(key, "old", SHORT);
        }
        s.save("two-seconds", "v", 2 * SHORT);
        s.save("saved-again", "v", SHORT);
        s.save("saved-again", "v", LONG); // a save sets a new lifetime
        s.save("replaced-longer", "v", SHORT);
        assertTrue(s.replace("replaced-longer", "v", "w", LONG), "a replace sets a new lifetime");
        s.save("replaced-shorter", "v", LONG);
        assertTrue(s.replace("replaced-shorter", "v", "w", SHORT));
        assertTrue(s.saveIfAbsent("kept", "v", SHORT));
        assertFalse(s.saveIfAbsent("kept", "v", LONG), "a refused saveIfAbsent leaves the lifetime as it was");
        assertEquals("old", s.get("get", String.class), "live until its TTL ends");
        assertEquals(10, s.size());

        elapse(Duration.ofSeconds(SHORT));

        assertNull(s.get("get", String.class));
        assertNull(s.take("take", String.class), "an expired code cannot be redeemed");
        assertFalse(s.delete("delete"), "there was no live entry to delete");
        assertTrue(s.saveIfAbsent("saveIfAbsent", "new", LONG), "an expired entry counts as absent");
        assertEquals("new", s.get("saveIfAbsent", String.class));
        assertFalse(s.replace("replace", "old", "new", LONG), "an expired entry cannot be replaced");
        assertNull(s.get("replace", String.class), "and it is not written back");
        assertEquals("w", s.get("replaced-longer", String.class));
        assertNull(s.get("replaced-shorter", String.class));
        assertNull(s.get("kept", String.class));
        assertEquals("v", s.get("two-seconds", String.class), "an entry is live until its own TTL ends");
        assertEquals("v", s.get("saved-again", String.class));
        assertEquals(4, s.size(), "size counts live entries only");

        int removed = s.cleanup();
        assertTrue(removed >= 0 && removed <= 6, "cleanup removes expired entries only; it removed " + removed);
        assertEquals(4, s.size());
        assertEquals("new", s.get("saveIfAbsent", String.class));
        assertEquals("w", s.get("replaced-longer", String.class));
        assertEquals("v", s.get("two-seconds", String.class));
        assertEquals("v", s.get("saved-again", String.class));
        assertNull(s.get("get", String.class), "cleanup brings nothing back");
    }

    @Test
    public void anEternalOrNegativeTtlIsRefused() {
        TokenStorage s = storage();
        for (long ttl : new long[] {0, -1, Long.MIN_VALUE}) {
            assertThrows(IllegalArgumentException.class, () -> s.save("k", "v", ttl), "save, ttl " + ttl);
            assertThrows(IllegalArgumentException.class, () -> s.saveIfAbsent("k", "v", ttl), "saveIfAbsent " + ttl);
            assertThrows(IllegalArgumentException.class, () -> s.replace("k", "v", "w", ttl), "replace " + ttl);
        }
        assertNull(s.get("k", String.class), "nothing was written");
        s.save("k", "v", LONG);
        assertThrows(IllegalArgumentException.class, () -> s.replace("k", "v", "w", 0));
        assertEquals("v", s.get("k", String.class));
    }

    @Test
    public void aHugeTtlDoesNotOverflowIntoThePast() {
        TokenStorage s = storage();
        // Long.MAX_VALUE / 1000 + 1 seconds overflow a long of milliseconds, Integer.MAX_VALUE + 1 an int.
        long[] ttls = {Long.MAX_VALUE, Long.MAX_VALUE / 1000 + 1, Integer.MAX_VALUE + 1L};
        for (int i = 0; i < ttls.length; i++) {
            s.save("save:" + i, "v", ttls[i]);
            assertTrue(s.saveIfAbsent("saveIfAbsent:" + i, "v", ttls[i]));
            s.save("replace:" + i, "v", LONG);
            assertTrue(s.replace("replace:" + i, "v", "w", ttls[i]));
        }
        for (int i = 0; i < ttls.length; i++) {
            assertEquals("v", s.get("save:" + i, String.class), "ttl " + ttls[i]);
            assertEquals("v", s.get("saveIfAbsent:" + i, String.class), "ttl " + ttls[i]);
            assertEquals("w", s.get("replace:" + i, String.class), "ttl " + ttls[i]);
        }
        assertEquals(3 * ttls.length, s.size());
    }

    // ---- saveIfAbsent -------------------------------------------------------------------------------------------

    @Test
    public void saveIfAbsentWritesOnlyWhereThereIsNoLiveEntry() {
        TokenStorage s = storage();
        assertTrue(s.saveIfAbsent("used:1", "first", LONG));
        assertFalse(s.saveIfAbsent("used:1", "second", LONG), "a live entry is kept");
        assertEquals("first", s.get("used:1", String.class));
        s.save("used:2", "saved", LONG);
        assertFalse(s.saveIfAbsent("used:2", "second", LONG));
        assertEquals("saved", s.get("used:2", String.class));
        assertTrue(s.delete("used:1"));
        assertTrue(s.saveIfAbsent("used:1", "after-delete", LONG));
        assertEquals("after-delete", s.get("used:1", String.class));
    }

    @Test
    @Timeout(60)
    public void concurrentSaveIfAbsentHasExactlyOneWinnerAndKeepsItsValue() throws Exception {
        TokenStorage a = storage();
        TokenStorage b = other();
        for (int round = 1; round < ROUNDS; round += 2) {
            a.save("used-code:" + round, "expired", SHORT); // odd rounds race to replace an expired entry
        }
        elapse(Duration.ofSeconds(SHORT));
        for (int round = 0; round < ROUNDS; round++) {
            String key = "used-code:" + round;
            List<Boolean> results = StorageRace.run(RACERS,
                    i -> () -> (i % 2 == 0 ? a : b).saveIfAbsent(key, "thread-" + i, LONG));
            assertEquals(1, StorageRace.winners(results), "round " + round + ": " + results);
            assertEquals("thread-" + results.indexOf(true), a.get(key, String.class), "round " + round);
            assertEquals("thread-" + results.indexOf(true), b.get(key, String.class), "round " + round);
        }
    }

    // ---- take ---------------------------------------------------------------------------------------------------

    @Test
    public void takeReturnsTheValueOnceAndRemovesIt() {
        TokenStorage s = storage();
        assertNull(s.take("code:absent", Transaction.class));
        s.save("code:1", TX, LONG);
        s.save("code:2", TX, LONG);
        assertEquals(TX, s.take("code:1", Transaction.class));
        assertNull(s.take("code:1", Transaction.class), "a code is redeemed once");
        assertNull(s.get("code:1", Transaction.class));
        assertFalse(s.delete("code:1"));
        assertEquals(1, s.size());
        assertTrue(s.saveIfAbsent("code:1", "again", LONG), "a taken key is absent");
    }

    @Test
    @Timeout(60)
    public void concurrentRedemptionOfOneCodeHasExactlyOneWinner() throws Exception {
        TokenStorage a = storage();
        TokenStorage b = other();
        for (int round = 0; round < ROUNDS; round++) {
            String key = "code:" + round;
            Transaction tx = new Transaction("client-" + round, "u", List.of(), null);
            a.save(key, tx, LONG);
            // Takes and a few deletes (a revocation) race: one of them, and only one, gets the entry.
            List<Object> results = StorageRace.run(RACERS, i -> () -> {
                TokenStorage s = i % 2 == 0 ? a : b;
                return i % 4 == 3 ? (Object) s.delete(key) : s.take(key, Transaction.class);
            });
            assertEquals(1, StorageRace.winners(results), "round " + round + ": " + results);
            results.stream().filter(r -> r instanceof Transaction)
                    .forEach(r -> assertEquals(tx, r, "the winner got the value saved"));
            assertNull(a.get(key, Transaction.class));
            assertNull(b.get(key, Transaction.class));
        }
        assertEquals(0, a.size());
    }

    // ---- replace ------------------------------------------------------------------------------------------------

    @Test
    public void replaceWritesOnlyOverAnEqualLiveValue() {
        TokenStorage s = storage();
        Generation g0 = new Generation("f", 0, List.of("read", "write"));
        Generation g1 = new Generation("f", 1, List.of("read", "write"));
        assertFalse(s.replace("family:f", g0, g1, LONG), "nothing to replace");
        assertNull(s.get("family:f", Generation.class), "and nothing written");
        s.save("family:f", g0, LONG);
        assertFalse(s.replace("family:f", g1, g0, LONG), "another value is left as it is");
        assertEquals(g0, s.get("family:f", Generation.class));
        assertFalse(s.replace("family:f", new Generation("f", 0, List.of("write", "read")), g1, LONG),
                "the order of a list's items matters");
        assertFalse(s.replace("family:f", Map.of("holder", "f", "generation", 0), g1, LONG),
                "a member missing is another value");
        assertEquals(g0, s.get("family:f", Generation.class));

        assertTrue(s.replace("family:f", s.get("family:f", Generation.class), g1, LONG),
                "the value get returned is the expected value");
        assertEquals(g1, s.get("family:f", Generation.class));
        Map<String, Object> reversed = new LinkedHashMap<>();
        reversed.put("scopes", List.of("read", "write"));
        reversed.put("generation", 1);
        reversed.put("holder", "f");
        assertTrue(s.replace("family:f", reversed, g0, LONG), "compared as JSON: member order does not matter");
        assertEquals(g0, s.get("family:f", Generation.class));
        assertTrue(s.replace("family:f", s.get("family:f", Map.class), g1, LONG), "read as a map, it compares equal");
        assertEquals(g1, s.get("family:f", Generation.class));
        assertTrue(s.replace("family:f", g1, g1, LONG), "a value may be replaced by an equal one");
        assertEquals(1, s.size());
    }

    @Test
    @Timeout(60)
    public void concurrentReplaceOfOneValueHasExactlyOneWinner() throws Exception {
        TokenStorage a = storage();
        TokenStorage b = other();
        for (int r = 0; r < ROUNDS; r++) {
            int round = r;
            String key = "family:" + round;
            Generation current = new Generation("f", round, List.of("read"));
            a.save(key, current, LONG);
            List<Boolean> results = StorageRace.run(RACERS, i -> () -> (i % 2 == 0 ? a : b)
                    .replace(key, current, new Generation("thread-" + i, round + 1, List.of("read")), LONG));
            assertEquals(1, StorageRace.winners(results), "round " + round + ": " + results);
            assertEquals("thread-" + results.indexOf(true), b.get(key, Generation.class).holder());
            assertEquals("thread-" + results.indexOf(true), a.get(key, Generation.class).holder());
        }
    }

    @Test
    @Timeout(60)
    public void aKeyDeletedOrTakenDuringReplacesIsNeverWrittenBack() throws Exception {
        TokenStorage a = storage();
        TokenStorage b = other();
        for (int r = 0; r < ROUNDS; r++) {
            int round = r;
            String key = "family:" + round;
            a.save(key, new Generation("f", 0, List.of()), LONG);
            // Replacers move the value on, one generation per replace, as refreshes do, until the key is gone; one
            // caller revokes it (delete, or take) once a few generations have passed.
            List<Object> results = StorageRace.run(RACERS / 2, i -> () -> {
                TokenStorage s = i % 2 == 0 ? a : b;
                if (i == 0) {
                    for (int spin = 0; spin < 1000; spin++) {
                        Generation g = s.get(key, Generation.class);
                        if (g == null || g.generation() >= 3) {
                            break;
                        }
                        Thread.onSpinWait();
                    }
                    return round % 2 == 0 ? (Object) s.delete(key) : s.take(key, Generation.class);
                }
                for (int step = 0; step < 200; step++) {
                    Generation g = s.get(key, Generation.class);
                    if (g == null) {
                        break;
                    }
                    s.replace(key, g, new Generation("thread-" + i, g.generation() + 1, List.of()), LONG);
                }
                return null;
            });
            Object revoked = results.get(0);
            assertTrue(Boolean.TRUE.equals(revoked) || revoked instanceof Generation,
                    "round " + round + ": the revocation found the entry: " + revoked);
            assertNull(a.get(key, Generation.class), "round " + round + ": a revoked key stays revoked");
            assertNull(b.get(key, Generation.class), "round " + round);
        }
        assertEquals(0, a.size());
    }

    /**
     * The expected value of a replace, as a bean whose serialization first runs {@code during}: an implementation
     * that compares by serializing it after reading the stored value runs {@code during} between its read and its
     * write.
     */
    public static final class Intruding {
        private final Runnable during;

        Intruding(Runnable during) {
            this.during = during;
        }

        public String getHolder() {
            during.run();
            return "f";
        }

        public long getGeneration() {
            return 0;
        }

        public List<String> getScopes() {
            return List.of();
        }
    }

    @Test
    @Timeout(60)
    public void aDeleteBetweenTheComparisonAndTheWriteOfAReplaceIsNotUndone() throws Exception {
        TokenStorage a = storage();
        TokenStorage b = other();
        a.save("family:f", new Generation("f", 0, List.of()), LONG);
        AtomicBoolean deleted = new AtomicBoolean();
        Thread[] revoker = new Thread[1];
        // Another instance revokes the entry while this one compares: the revoke either comes first (the replace
        // then finds nothing) or waits for the write and removes it; it is never overwritten.
        Intruding expected = new Intruding(() -> {
            if (revoker[0] == null) {
                revoker[0] = new Thread(() -> deleted.set(a.delete("family:f")), "revoker");
                revoker[0].start();
                try {
                    revoker[0].join(200); // a storage that locks the key makes the revoke wait: do not wait long
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        b.replace("family:f", expected, new Generation("f", 1, List.of()), LONG);
        assertNotNull(revoker[0], "the replace serialized its expected value");
        revoker[0].join(10_000);
        assertTrue(deleted.get(), "the revoke found the entry");
        assertNull(a.get("family:f", Generation.class), "a revoked entry stays revoked");
        assertNull(b.get("family:f", Generation.class));
    }

    // ---- delete, size -------------------------------------------------------------------------------------------

    @Test
    public void deleteReportsWhetherALiveEntryWasRemoved() {
        TokenStorage s = storage();
        assertFalse(s.delete("absent"));
        s.save("k", "v", LONG);
        s.save("other", "v", LONG);
        assertTrue(s.delete("k"));
        assertFalse(s.delete("k"), "already removed");
        assertNull(s.get("k", String.class));
        assertEquals("v", s.get("other", String.class), "only its own key");
    }

    @Test
    public void sizeCountsLiveEntriesAndCleanupLeavesThem() {
        TokenStorage s = storage();
        assertEquals(0, s.size(), "newStorage() must be empty");
        s.save("a", 1, LONG);
        s.save("b", 2, LONG);
        assertTrue(s.saveIfAbsent("c", 3, LONG));
        s.save("a", 4, LONG);
        assertFalse(s.saveIfAbsent("b", 5, LONG));
        assertTrue(s.replace("c", 3, 6, LONG));
        assertEquals(3, s.size(), "writes over an entry do not add one");
        assertEquals(0, s.cleanup(), "nothing has expired");
        assertEquals(3, s.size());
        assertTrue(s.delete("a"));
        assertEquals(2, s.take("b", Integer.class));
        assertEquals(1, s.size());
    }

    // ---- Refusals -----------------------------------------------------------------------------------------------

    @Test
    public void malformedKeysAreRefusedWithoutEchoingThem() {
        TokenStorage s = storage();
        String tooLong = "code:" + "Zq9".repeat(TokenStorage.MAX_KEY_LENGTH / 3 + 1);
        assertTrue(tooLong.length() > TokenStorage.MAX_KEY_LENGTH);
        for (String key : List.of("", tooLong)) {
            List<Executable> operations = List.of(() -> s.save(key, "v", LONG), () -> s.saveIfAbsent(key, "v", LONG),
                    () -> s.replace(key, "v", "w", LONG), () -> s.get(key, String.class),
                    () -> s.take(key, String.class), () -> s.delete(key));
            for (int op = 0; op < operations.size(); op++) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, operations.get(op),
                        "operation " + op + ", key of " + key.length() + " characters");
                assertFalse(String.valueOf(e.getMessage()).contains("Zq9Zq9"), "the key is echoed: " + e.getMessage());
            }
        }
        assertThrows(NullPointerException.class, () -> s.save(null, "v", LONG));
        assertThrows(NullPointerException.class, () -> s.saveIfAbsent(null, "v", LONG));
        assertThrows(NullPointerException.class, () -> s.replace(null, "v", "w", LONG));
        assertEquals(0, s.size());
    }

    /** A bean whose serialization fails: it cannot be written as JSON. */
    public static final class Unwritable {
        public String getSecret() {
            throw new IllegalStateException("not serializable");
        }
    }

    @Test
    public void aNullOrNonJsonValueIsRefused() {
        TokenStorage s = storage();
        assertThrows(NullPointerException.class, () -> s.save("k", null, LONG));
        assertThrows(NullPointerException.class, () -> s.saveIfAbsent("k", null, LONG));
        assertThrows(NullPointerException.class, () -> s.replace("k", "v", null, LONG));
        assertThrows(NullPointerException.class, () -> s.replace("k", null, "v", LONG));
        // An object without properties would be stored as {} and lose its data: it is refused too.
        for (Object notJson : List.of(new Unwritable(), new Object())) {
            String type = notJson.getClass().getSimpleName();
            assertThrows(IllegalArgumentException.class, () -> s.save("k", notJson, LONG), "save " + type);
            assertThrows(IllegalArgumentException.class, () -> s.saveIfAbsent("k", notJson, LONG), type);
            assertThrows(IllegalArgumentException.class, () -> s.replace("k", "v", notJson, LONG),
                    "replace refuses what save refuses, whatever the key holds: " + type);
        }
        assertNull(s.get("k", Object.class), "nothing was written");
        assertEquals(0, s.size());

        s.save("k", "v", LONG);
        for (Object notJson : List.of(new Unwritable(), new Object())) {
            String type = notJson.getClass().getSimpleName();
            assertThrows(IllegalArgumentException.class, () -> s.replace("k", notJson, "w", LONG), "expected " + type);
            assertThrows(IllegalArgumentException.class, () -> s.replace("k", "v", notJson, LONG), "value " + type);
            assertThrows(IllegalArgumentException.class, () -> s.replace("k", "other", notJson, LONG),
                    "a value that is not JSON is refused even where the comparison fails: " + type);
            assertThrows(IllegalArgumentException.class, () -> s.save("k", notJson, LONG), "save " + type);
        }
        assertEquals("v", s.get("k", String.class), "a refused write leaves the entry as it was");
    }

    @Test
    public void readingWithAnIncompatibleTypeIsAnErrorThatDoesNotQuoteTheValue() {
        TokenStorage s = storage();
        s.save("k", "secret-token-value", LONG);
        s.save("tx", TX, LONG);
        for (Executable read : List.<Executable>of(() -> s.get("k", Transaction.class),
                () -> s.get("k", Integer.class), () -> s.get("tx", Integer.class), () -> s.get("tx", List.class))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, read);
            String message = String.valueOf(e.getMessage());
            assertFalse(message.contains("secret-token-value") || message.contains("client-1")
                    || message.contains("E9Melhoa2Owv"), message);
        }
        assertEquals("secret-token-value", s.get("k", String.class), "a failed read changes nothing");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.take("k", Transaction.class));
        assertFalse(String.valueOf(e.getMessage()).contains("secret-token-value"), e.getMessage());
        assertNull(s.get("k", String.class), "take removes the entry even when it cannot be read as the type");
    }

    @Test
    public void aClosedStorageRefusesEveryOperation() {
        TokenStorage s = storage();
        s.save("k", "v", LONG);
        s.close();
        s.close(); // idempotent
        List<Executable> operations = List.of(() -> s.save("k", "v", LONG), () -> s.saveIfAbsent("n", "v", LONG),
                () -> s.replace("k", "v", "w", LONG), () -> s.get("k", String.class), () -> s.take("k", String.class),
                () -> s.delete("k"), s::cleanup, s::size);
        for (int op = 0; op < operations.size(); op++) {
            IllegalStateException e = assertThrows(IllegalStateException.class, operations.get(op), "operation " + op);
            assertTrue(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("closed"),
                    "the message says why: " + e.getMessage());
        }
    }

    @Test
    public void anotherInstanceSharesTheEntries() {
        TokenStorage a = storage();
        TokenStorage b = other();
        Assumptions.assumeTrue(a != b, "this storage has no state to share between instances");
        a.save("code:1", TX, LONG);
        assertEquals(TX, b.get("code:1", Transaction.class));
        assertFalse(b.saveIfAbsent("code:1", "other", LONG));
        assertTrue(b.replace("code:1", TX, "replaced", LONG));
        assertEquals("replaced", a.get("code:1", String.class));
        assertEquals("replaced", b.take("code:1", String.class));
        assertNull(a.get("code:1", String.class));
        assertEquals(0, a.size());
    }
}
