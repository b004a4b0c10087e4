package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.DiskStore;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.storage.TokenStorage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances sharing a storage fetch a client's metadata document once for all of them: a sign-in at the second
 * instance uses the body the first fetched, parsed again there. Instances with storages of their own each fetch.
 */
@Timeout(60)
class SharedDocumentCacheTest {

    private DocumentServer docs;

    @BeforeEach
    void start() throws Exception {
        docs = new DocumentServer();
    }

    @AfterEach
    void stop() {
        docs.close();
    }

    private ProxyHarness instance(String baseUrl, TokenStorage storage) {
        return new ProxyHarness(baseUrl, b -> b.documentTransport(docs.transport())
                .clients(c -> c.allowedInternalNetworks("127.0.0.1/32"))
                .keysAndStorage(k -> k.tokenStorage(storage)));
    }

    private static int signInPage(ProxyHarness h, String clientId) throws Exception {
        HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s"));
        return page.statusCode();
    }

    @Test
    void instancesSharingAStorageFetchADocumentOnceForAll(@TempDir Path dir) throws Exception {
        TokenStorage shared = new DiskStore(dir);
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        try (ProxyHarness a = instance(null, shared); ProxyHarness b = instance(a.base(), shared)) {
            assertEquals(200, signInPage(a, clientId));
            assertEquals(200, signInPage(b, clientId));
            assertEquals(200, signInPage(b, clientId));
            assertEquals(1, docs.hits("/client.json"), "one fetch for both instances");
        }
    }

    @Test
    void instancesWithStoragesOfTheirOwnEachFetch() throws Exception {
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        try (ProxyHarness a = instance(null, new MemoryTokenStorage());
                ProxyHarness b = instance(null, new MemoryTokenStorage())) {
            assertEquals(200, signInPage(a, clientId));
            assertEquals(200, signInPage(b, clientId));
            assertEquals(2, docs.hits("/client.json"));
        }
    }
}
