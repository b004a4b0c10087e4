package dev.fastmcp.auth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.testing.StorageTestClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link TokenStorage} contract on disk (two stores on one directory sharing its entries), and what only this
 * storage does: file names and permissions, restarts, crash leftovers, damaged files, a race with another process.
 */
@Timeout(120)
class DiskStoreTest extends TokenStorageContract {

    record UpstreamTokens(String accessToken, String refreshToken, long expiresIn) {
    }

    @TempDir
    Path dir;

    private final StorageTestClock clock = new StorageTestClock();

    private DiskStore store() {
        return new DiskStore(dir, 0, ".json", clock);
    }

    @Override
    protected TokenStorage newStorage() {
        return store();
    }

    @Override
    protected TokenStorage sharingInstance() {
        return store();
    }

    @Override
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    private List<String> fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> entryFileNames() throws IOException {
        return fileNames().stream().filter(n -> !n.startsWith(".")).toList();
    }

    @Test
    void entriesSurviveARestart() {
        try (DiskStore first = new DiskStore(dir)) {
            first.save("client:abc", Map.of("name", "Claude"), 600);
        }
        try (DiskStore second = new DiskStore(dir)) {
            assertEquals("Claude", second.get("client:abc", Map.class).get("name"));
            assertEquals(1, second.size());
        }
    }

    @Test
    void fileNamesNeverRevealTheKey() throws IOException {
        try (DiskStore store = store()) {
            store.save("mapping:secret-refresh-token-value", "v", 600);
            store.save("mapping:secret-refresh-token-valuf", "w", 600); // a near-identical key: no collision
            List<String> names = entryFileNames();
            assertEquals(2, names.size(), names.toString());
            for (String name : names) {
                assertFalse(name.contains("secret") || name.contains("mapping"), name);
                assertTrue(name.matches("[A-Za-z0-9_-]{43}\\.json"), name);
            }
            assertEquals("w", store.get("mapping:secret-refresh-token-valuf", String.class));
        }
    }

    @Test
    void theDirectoryAndItsFilesAreOwnerOnly() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "this file system has no POSIX permissions (e.g. Windows ACLs), so there are no mode bits to check");
        Path nested = dir.resolve("oauth").resolve("state");
        try (DiskStore store = new DiskStore(nested)) {
            store.save("code:1", "v", 600);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)));
            try (Stream<Path> files = Files.list(nested)) {
                for (Path file : files.toList()) {
                    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                            file.getFileName().toString());
                }
            }
        }
    }

    @Test
    void anExpiredEntryIsAbsentAndCleanupDeletesItsFile() throws IOException {
        try (DiskStore store = store()) {
            store.save("code:1", "v", 60);
            store.save("code:2", "v", 60);
            store.save("long", "v", 6000);
            clock.advance(Duration.ofSeconds(60));
            assertNull(store.get("code:1", String.class));
            assertNull(store.take("code:2", String.class), "an expired code cannot be redeemed");
            assertEquals(1, store.size());
            assertEquals(2, entryFileNames().size(), "reads do not delete; code:2 was consumed by take");

            assertEquals(1, store.cleanup());
            assertEquals(1, entryFileNames().size());
            assertEquals("v", store.get("long", String.class));
        }
    }

    @Test
    void expiryHoldsAcrossARestart() {
        try (DiskStore first = store()) {
            first.save("code:1", "v", 60);
        }
        clock.advance(Duration.ofSeconds(61));
        try (DiskStore second = store()) {
            assertNull(second.get("code:1", String.class));
        }
    }

    @Test
    void crashLeftoversNeitherHideNorCorruptReadableEntries() throws IOException {
        try (DiskStore store = store()) {
            store.save("code:good", new UpstreamTokens("at", "rt", 1), 600);
            String goodFile = entryFileNames().get(0);
            // A writer that crashed mid-write, one that crashed long ago, and a damaged entry file.
            Path freshTemp = Files.writeString(dir.resolve(".tmp-crashed-now"), "{\"version\":1,\"key\":\"code:go");
            Path oldTemp = Files.writeString(dir.resolve(".tmp-crashed-long-ago"), "{\"vers");
            Files.setLastModifiedTime(oldTemp, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
            Path garbage = dir.resolve(DiskEntryFormat.fileName("code:damaged", ".json"));
            Files.write(garbage, new byte[] {0, (byte) 0xff, '{', 'x'});
            Path stray = Files.writeString(dir.resolve("notes.txt"), "not ours");

            assertEquals(new UpstreamTokens("at", "rt", 1), store.get("code:good", UpstreamTokens.class));
            assertNull(store.get("code:damaged", String.class), "a damaged entry reads as absent, no exception");
            assertNull(store.take("code:damaged", String.class));
            assertTrue(Files.exists(garbage), "a damaged entry is left in place for inspection");
            assertEquals(1, store.size());

            assertEquals(0, store.cleanup());
            assertTrue(Files.exists(garbage), "cleanup does not delete what it cannot read");
            assertTrue(Files.exists(freshTemp), "a recent temporary file may belong to a live writer");
            assertFalse(Files.exists(oldTemp), "a temporary file older than the orphan age is removed");
            assertTrue(Files.exists(stray), "files that are not ours are left alone");
            assertTrue(entryFileNames().contains(goodFile));

            assertTrue(store.saveIfAbsent("code:damaged", "repaired", 60), "a damaged entry counts as absent");
            assertEquals("repaired", store.get("code:damaged", String.class));
        }
    }

    @Test
    void anEntryFileCopiedUnderAnotherKeysNameReadsAsAbsent() throws IOException {
        try (DiskStore store = store()) {
            store.save("mapping:victim", "victim-tokens", 600);
            Path victim = dir.resolve(DiskEntryFormat.fileName("mapping:victim", ".json"));
            Files.copy(victim, dir.resolve(DiskEntryFormat.fileName("mapping:attacker", ".json")));
            assertNull(store.get("mapping:attacker", String.class));
            assertEquals("victim-tokens", store.get("mapping:victim", String.class));
        }
    }

    @Test
    void aDeleteDuringAReplaceIsNeverUndoneByIt() throws Exception {
        try (DiskStore a = store(); DiskStore b = store()) {
            a.save("family:f", new Generation("f", 0, List.of()), 60);
            boolean[] deleted = new boolean[1];
            Thread[] revoker = new Thread[1];
            // Another instance revokes the entry while this one is between comparing and writing: on disk the
            // revoke waits for the directory's lock, so for the write (then removes it), instead of slipping in
            // between and being overwritten.
            Intruding expected = new Intruding(() -> {
                if (revoker[0] == null) {
                    revoker[0] = new Thread(() -> deleted[0] = a.delete("family:f"));
                    revoker[0].start();
                    try {
                        revoker[0].join(500);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            assertTrue(b.replace("family:f", expected, new Generation("f", 1, List.of()), 60),
                    "the comparison and the write are one step under the lock");
            revoker[0].join(10_000);
            assertTrue(deleted[0], "the revoke found the entry");
            assertNull(a.get("family:f", Generation.class), "a revoked entry stays revoked");
        }
    }

    @Test
    void noTemporaryOrClaimFileIsLeftBehind() throws Exception {
        try (DiskStore a = store(); DiskStore b = store()) {
            for (int round = 0; round < 5; round++) {
                String key = "code:" + round;
                a.save(key, round, 60);
                List<Integer> results = StorageRace.run(8, i -> () -> (i % 2 == 0 ? a : b).take(key, Integer.class));
                assertEquals(1, StorageRace.winners(results), "round " + round);
            }
            assertFalse(a.replace("family:absent", "g0", "g1", 60));
            assertEquals(List.of(), entryFileNames(), "a refused replace writes nothing");
            a.save("family:f", "g0", 60);
            assertFalse(a.replace("family:f", "other", "g1", 60));
            assertFalse(b.saveIfAbsent("family:f", "g1", 60));
            assertTrue(a.replace("family:f", "g0", "g1", 60));
            clock.advance(Duration.ofSeconds(60));
            assertFalse(b.replace("family:f", "g1", "g2", 60));
            assertFalse(a.delete("family:f"));
            assertEquals(List.of(".lock"), fileNames(), "takes, deletes and refused writes leave no claim or "
                    + "temporary file");
        }
    }

    @Test
    void redemptionRacedByAnotherProcessHasExactlyOneWinnerPerCode() throws Exception {
        int codes = 150;
        clock.advance(Duration.ofSeconds(-10));
        try (DiskStore store = new DiskStore(dir, 0, ".json"); DiskStore past = store()) {
            for (int i = 0; i < codes; i++) {
                store.save("code:" + i, i, 600);
                past.save("used:" + i, "seed", 1); // expired already: saveIfAbsent must replace it
            }
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), DiskStoreTest.class.getName(),
                    dir.toString(), String.valueOf(codes))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                BufferedReader out = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                assertEquals("ready", out.readLine(), "the child process started");
                long startAt = System.currentTimeMillis() + 200;
                child.getOutputStream().write((startAt + "\n").getBytes(StandardCharsets.UTF_8));
                child.getOutputStream().flush();
                Set<String> mine = race(store, codes, startAt);
                List<String> theirs = out.lines().filter(l -> !l.isBlank()).toList();
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child process finished");
                assertEquals(0, child.exitValue());

                assertFalse(mine.isEmpty() || theirs.isEmpty(), "the processes did not overlap, so nothing was raced: "
                        + mine.size() + " wins here, " + theirs.size() + " in the child");
                Set<String> all = new HashSet<>(mine);
                for (String win : theirs) {
                    assertTrue(all.add(win), "both processes won " + win);
                }
                for (int i = 0; i < codes; i++) {
                    assertTrue(all.contains("take " + i), "nobody redeemed code " + i);
                    assertTrue(all.contains("claim " + i), "nobody claimed used:" + i);
                }
            } finally {
                child.destroyForcibly();
            }
        }
    }

    /**
     * The second process of {@link #redemptionRacedByAnotherProcessHasExactlyOneWinnerPerCode}: opens the store,
     * says "ready", reads the start instant from stdin, races, and prints what it won.
     */
    public static void main(String[] args) throws Exception {
        try (DiskStore store = new DiskStore(Path.of(args[0]), 0, ".json")) {
            store.get("warm-up", String.class);
            System.out.println("ready");
            System.out.flush();
            long startAt = Long.parseLong(new BufferedReader(
                    new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine().trim());
            race(store, Integer.parseInt(args[1]), startAt).forEach(System.out::println);
        }
    }

    /**
     * From {@code startAt}, four threads each walk all codes in their own random order (one order for all would
     * let the faster process stay a step ahead and never meet the other); returns what they won.
     */
    private static Set<String> race(DiskStore store, int codes, long startAt) throws Exception {
        while (System.currentTimeMillis() < startAt) {
            Thread.sleep(1);
        }
        Set<String> wins = ConcurrentHashMap.newKeySet();
        List<Integer> counts = StorageRace.run(4, t -> () -> {
            List<Integer> order = new ArrayList<>(IntStream.range(0, codes).boxed().toList());
            Collections.shuffle(order);
            int won = 0;
            for (int i : order) {
                if (store.take("code:" + i, Integer.class) != null) {
                    assertTrue(wins.add("take " + i), "two threads redeemed code " + i);
                    won++;
                }
                if (store.saveIfAbsent("used:" + i, "mine", 600)) {
                    assertTrue(wins.add("claim " + i), "two threads claimed used:" + i);
                    won++;
                }
            }
            return won;
        });
        assertEquals(wins.size(), counts.stream().mapToInt(Integer::intValue).sum());
        return wins;
    }

    @Test
    void aMalformedExtensionIsRefusedWithTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DiskStore(dir, 0, "json"));
        assertTrue(e.getMessage().contains("\".json\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DiskStore(dir, 0, "/../x"));
        assertThrows(IllegalArgumentException.class, () -> new DiskStore(dir, -1, ".json"));
    }

    @Test
    void aCustomExtensionIsUsed() throws IOException {
        try (DiskStore store = new DiskStore(dir, 0, ".tok")) {
            store.save("k", "v", 60);
            assertTrue(entryFileNames().get(0).endsWith(".tok"));
            assertEquals(1, store.size());
        }
    }

    @Test
    void aClosedStoreRefusesUseAndKeepsItsFiles() throws IOException {
        DiskStore store = store();
        store.save("k", "v", 60);
        store.close();
        store.close();
        assertThrows(IllegalStateException.class, () -> store.get("k", String.class));
        assertEquals(1, entryFileNames().size());
    }

}
