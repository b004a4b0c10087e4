package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fastmcp.auth.storage.EncryptedTokenStorage;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values read on every request are decoded once per stored envelope, and a change in the backend shows at once. */
class EncryptedTokenStorageReadCacheTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef-key".getBytes();

    private final MemoryTokenStorage backend = new MemoryTokenStorage();
    private final EncryptedTokenStorage storage = new EncryptedTokenStorage(backend, KEY);

    private static ProxyStore.AccessMapping mapping(String upstreamId) {
        return new ProxyStore.AccessMapping("client", upstreamId, "alice", List.of("read"), "token-hash");
    }

    @Test
    void theSameStoredValueIsDecodedOnce() {
        storage.save("at:1", mapping("u1"), 60);
        ProxyStore.AccessMapping first = storage.get("at:1", ProxyStore.AccessMapping.class);
        assertSame(first, storage.get("at:1", ProxyStore.AccessMapping.class));
        assertEquals(mapping("u1"), first);
    }

    @Test
    void aDeletedValueIsGoneAtOnceEvenWhenDeletedBehindTheWrapper() {
        storage.save("at:1", mapping("u1"), 60);
        storage.get("at:1", ProxyStore.AccessMapping.class);
        backend.delete("at:1"); // another instance sharing the backend revokes it
        assertNull(storage.get("at:1", ProxyStore.AccessMapping.class));
        storage.save("at:2", mapping("u2"), 60);
        storage.get("at:2", ProxyStore.AccessMapping.class);
        storage.delete("at:2");
        assertNull(storage.get("at:2", ProxyStore.AccessMapping.class));
    }

    @Test
    void aReplacedValueIsReadAfresh() {
        storage.save("at:1", mapping("u1"), 60);
        ProxyStore.AccessMapping first = storage.get("at:1", ProxyStore.AccessMapping.class);
        EncryptedTokenStorage other = new EncryptedTokenStorage(backend, KEY); // another instance
        other.save("at:1", mapping("u2"), 60);
        ProxyStore.AccessMapping second = storage.get("at:1", ProxyStore.AccessMapping.class);
        assertNotSame(first, second);
        assertEquals("u2", second.upstreamId());
    }

    @Test
    void sharedValuesCannotBeChanged() {
        storage.save("up:1", new ProxyStore.UpstreamRecord("at", "Bearer", null, null, null, null, "alice",
                Map.of("groups", List.of("a", "b")), Map.of("login", "alice")), 60);
        ProxyStore.UpstreamRecord read = storage.get("up:1", ProxyStore.UpstreamRecord.class);
        assertThrows(UnsupportedOperationException.class, () -> read.claims().put("x", 1));
        @SuppressWarnings("unchecked")
        List<Object> groups = (List<Object>) read.claims().get("groups");
        assertThrows(UnsupportedOperationException.class, () -> groups.add("c"));
        assertThrows(UnsupportedOperationException.class,
                () -> storage.get("up:1", ProxyStore.UpstreamRecord.class).claims().clear());
        assertThrows(UnsupportedOperationException.class, () -> read.identityClaims().put("x", 1));
    }
}
