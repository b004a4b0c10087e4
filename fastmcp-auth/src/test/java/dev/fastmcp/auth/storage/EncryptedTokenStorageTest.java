package dev.fastmcp.auth.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.testing.StorageTestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link TokenStorage} contract through the encryption, over memory and over disk (two wrappers with one key
 * over one backend sharing its entries), and what only the encryption does: envelopes, damaged values, keys.
 */
@Timeout(60)
class EncryptedTokenStorageTest {

    record UpstreamTokens(String accessToken, String refreshToken, List<String> scopes) {
    }

    private static final UpstreamTokens TOKENS =
            new UpstreamTokens("ya29.upstream-access-token", "1//upstream-refresh-token", List.of("openid", "email"));

    private final StorageTestClock clock = new StorageTestClock();
    private final MemoryTokenStorage backend = new MemoryTokenStorage(0, clock);
    private final byte[] key = randomKey();
    private final EncryptedTokenStorage storage = new EncryptedTokenStorage(backend, key);

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    @AfterEach
    void close() {
        storage.close();
    }

    private String stored(String storageKey) {
        return backend.get(storageKey, String.class);
    }

    @Nested
    class OverMemory extends TokenStorageContract {

        @Override
        protected TokenStorage newStorage() {
            return storage;
        }

        @Override
        protected TokenStorage sharingInstance() {
            return new EncryptedTokenStorage(backend, key);
        }

        @Override
        protected void elapse(Duration duration) {
            clock.advance(duration);
        }
    }

    @Nested
    class OverDisk extends TokenStorageContract {

        @TempDir
        Path dir;

        @Override
        protected TokenStorage newStorage() {
            return new EncryptedTokenStorage(new DiskStore(dir, 0, ".json", clock), key);
        }

        @Override
        protected TokenStorage sharingInstance() {
            return new EncryptedTokenStorage(new DiskStore(dir, 0, ".json", clock), key);
        }

        @Override
        protected void elapse(Duration duration) {
            clock.advance(duration);
        }
    }

    @Test
    void theBackendHoldsOnlyAVersionedCiphertext() {
        storage.save("upstream:1", TOKENS, 600);
        String envelope = stored("upstream:1");
        assertFalse(envelope.contains("upstream-access-token") || envelope.contains("openid"), envelope);
        String[] parts = envelope.split("\\.");
        assertEquals(4, parts.length, envelope);
        assertEquals("v1", parts[0]);
        assertEquals(storage.keyId(), parts[1]);
        assertTrue(parts[1].matches("[A-Za-z0-9_-]{8}"), "a derived key id: " + parts[1]);
        assertEquals(16, parts[2].length(), "a 12-byte nonce in base64url");
    }

    @Test
    void theSameValueEncryptsDifferentlyEachTime() {
        storage.save("a", "same", 600);
        storage.save("b", "same", 600);
        String[] a = stored("a").split("\\.");
        String[] b = stored("b").split("\\.");
        assertNotEquals(a[2], b[2], "a fresh nonce per value");
        assertNotEquals(a[3], b[3]);
    }

    @Test
    void aTamperedCiphertextReadsAsAbsent() {
        storage.save("code:1", TOKENS, 600);
        String envelope = stored("code:1");
        int middle = envelope.lastIndexOf('.') + 10; // inside the ciphertext, where every bit counts
        char flipped = envelope.charAt(middle) == 'A' ? 'B' : 'A';
        backend.save("code:1", envelope.substring(0, middle) + flipped + envelope.substring(middle + 1), 600);
        assertNull(storage.get("code:1", UpstreamTokens.class));
        assertNull(storage.take("code:1", UpstreamTokens.class));
    }

    @Test
    void aTruncatedOrDamagedValueReadsAsAbsent() {
        storage.save("code:1", TOKENS, 600);
        String envelope = stored("code:1");
        for (String damaged : List.of(envelope.substring(0, envelope.length() - 4),
                envelope.substring(0, envelope.lastIndexOf('.') + 3),
                envelope.substring(0, envelope.lastIndexOf('.')),
                envelope.replaceFirst("\\.[^.]+\\.", ".x.x."), envelope + "!", "", "v1...",
                envelope.replace('.', ':'))) {
            backend.save("code:1", damaged, 600);
            assertNull(storage.get("code:1", UpstreamTokens.class), damaged);
        }
    }

    @Test
    void aValueOfAnUnknownVersionOrNotEncryptedReadsAsAbsent() {
        storage.save("code:1", TOKENS, 600);
        backend.save("code:1", stored("code:1").replaceFirst("^v1", "v2"), 600);
        assertNull(storage.get("code:1", UpstreamTokens.class));
        backend.save("code:2", TOKENS, 600); // written around the wrapper, in clear
        assertNull(storage.get("code:2", UpstreamTokens.class));
        backend.save("code:3", 42, 600);
        assertNull(storage.take("code:3", Integer.class));
    }

    @Test
    void anotherKeyCannotReadTheValues() {
        storage.save("upstream:1", TOKENS, 600);
        // Another key under its own derived id: the id is unknown.
        assertNull(new EncryptedTokenStorage(backend, randomKey()).get("upstream:1", UpstreamTokens.class));
        // Another key claiming the same id: authentication fails.
        EncryptedTokenStorage impostor = EncryptedTokenStorage.builder(backend, randomKey())
                .keyId(storage.keyId()).build();
        assertNull(impostor.get("upstream:1", UpstreamTokens.class));
        assertEquals(TOKENS, storage.get("upstream:1", UpstreamTokens.class), "the right key still reads it");
    }

    @Test
    void aValueMovedUnderAnotherStorageKeyReadsAsAbsent() {
        storage.save("mapping:victim-jti", TOKENS, 600);
        backend.save("mapping:attacker-jti", stored("mapping:victim-jti"), 600);
        assertNull(storage.get("mapping:attacker-jti", UpstreamTokens.class));
        assertEquals(TOKENS, storage.get("mapping:victim-jti", UpstreamTokens.class));
    }

    @Test
    void valuesWrittenBeforeAKeyRotationStillRead() {
        byte[] oldKey = randomKey();
        byte[] newKey = randomKey();
        EncryptedTokenStorage before = EncryptedTokenStorage.builder(backend, oldKey).keyId("2026-01").build();
        before.save("client:1", "registered-before", 600);

        EncryptedTokenStorage after = EncryptedTokenStorage.builder(backend, newKey).keyId("2026-06")
                .previousKey("2026-01", oldKey).build();
        assertEquals("registered-before", after.get("client:1", String.class));
        after.save("client:2", "registered-after", 600);
        assertTrue(stored("client:2").startsWith("v1.2026-06."), stored("client:2"));
        assertNull(before.get("client:2", String.class), "the old key cannot read what the new key wrote");

        // A key first used without an id is carried over by its material alone.
        EncryptedTokenStorage next = EncryptedTokenStorage.builder(backend, randomKey()).previousKey(key).build();
        storage.save("client:3", "written-with-derived-id", 600);
        assertEquals("written-with-derived-id", next.get("client:3", String.class));
    }

    @Test
    void replaceComparesThePlaintextAndReplacesTheVeryCiphertextItRead() {
        UpstreamTokens next = new UpstreamTokens("access-2", "refresh-2", List.of("openid"));
        storage.save("family:1", TOKENS, 60);
        String before = stored("family:1");
        assertFalse(storage.replace("family:1", next, TOKENS, 60), "another value is left as it is");
        assertEquals(before, stored("family:1"));
        assertTrue(storage.replace("family:1", storage.get("family:1", UpstreamTokens.class), next, 60));
        assertEquals(next, storage.get("family:1", UpstreamTokens.class));
        assertFalse(stored("family:1").contains("access-2"), "the backend holds the new value encrypted");

        // One character of the ciphertext changed, whichever it is (a replace of given letters may find none).
        String envelope = stored("family:1");
        int at = envelope.length() - 5;
        char changed = envelope.charAt(at) == 'A' ? 'B' : 'A';
        backend.save("family:1", envelope.substring(0, at) + changed + envelope.substring(at + 1), 60);
        assertFalse(storage.replace("family:1", next, TOKENS, 60), "a value that does not decrypt is not replaced");
    }

    @Test
    void encryptedDiskFilesHoldNoPlaintext(@TempDir Path dir) throws IOException {
        try (EncryptedTokenStorage onDisk = new EncryptedTokenStorage(new DiskStore(dir, 0, ".json"), key)) {
            onDisk.save("upstream:1", TOKENS, 600);
            assertEquals(TOKENS, onDisk.get("upstream:1", UpstreamTokens.class));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).toList()) {
                    String content = Files.readString(file, StandardCharsets.UTF_8);
                    assertFalse(content.contains("upstream-access-token"), content);
                }
            }
        }
    }

    @Test
    void weakOrMisnamedKeysAreRefused() {
        IllegalArgumentException tooShort = assertThrows(IllegalArgumentException.class,
                () -> new EncryptedTokenStorage(backend, "encryption-key".getBytes(StandardCharsets.UTF_8)));
        assertTrue(tooShort.getMessage().contains("at least 32 bytes"), tooShort.getMessage());
        assertFalse(tooShort.getMessage().contains("encryption-key"), "the key is not echoed");
        assertThrows(IllegalArgumentException.class,
                () -> EncryptedTokenStorage.builder(backend, key).keyId("has.dot"));
        assertThrows(IllegalArgumentException.class,
                () -> EncryptedTokenStorage.builder(backend, key).keyId("k").previousKey("k", randomKey()).build());
    }

    @Test
    void theKeyArrayCanBeWipedAfterConstruction() {
        byte[] material = randomKey();
        EncryptedTokenStorage wiped = new EncryptedTokenStorage(backend, material);
        wiped.save("k", "v", 60);
        java.util.Arrays.fill(material, (byte) 0);
        assertEquals("v", wiped.get("k", String.class));
    }

    @Test
    void cleanupAndSizeAreTheBackends() {
        storage.save("short", "v", 1);
        storage.save("long", "v", 60);
        backend.save("clear", "not encrypted", 60); // counted: size and cleanup do not decrypt
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2, storage.size());
        assertEquals(1, storage.cleanup());
        assertEquals(2, backend.size());
    }

    @Test
    void closingTheWrapperClosesTheBackend() {
        storage.close();
        assertThrows(IllegalStateException.class, () -> backend.get("k", String.class));
    }
}
