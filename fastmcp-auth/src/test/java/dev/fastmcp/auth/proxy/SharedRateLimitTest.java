package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fastmcp.auth.storage.DiskStore;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.auth.storage.TokenStorage;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Instances sharing a storage share their rate limits: a client address gets one budget of registrations however a
 * load balancer spreads its requests, not one per instance.
 */
@Timeout(60)
class SharedRateLimitTest {

    private static final String REGISTRATION = "{\"redirect_uris\":[\"http://127.0.0.1:9/cb\"],"
            + "\"token_endpoint_auth_method\":\"none\",\"client_name\":\"limited\"}";

    /** The statuses of registrations sent in turn to each instance, {@code rounds} times. */
    private static List<Integer> registerAlternately(List<ProxyHarness> instances, int rounds) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            for (ProxyHarness h : instances) {
                HttpResponse<String> r = h.postJson("/oauth/register", REGISTRATION);
                statuses.add(r.statusCode());
            }
        }
        return statuses;
    }

    private static long count(List<Integer> statuses, int status) {
        return statuses.stream().filter(s -> s == status).count();
    }

    @Test
    void instancesSharingAStorageShareTheRegistrationBudgetOfAnAddress(@TempDir Path dir) throws Exception {
        TokenStorage shared = new DiskStore(dir);
        try (ProxyHarness a = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(shared))
                .limits(l -> l.registrationRateLimit(6)));
                ProxyHarness b = new ProxyHarness(a.base(), bb -> bb.keysAndStorage(k -> k.tokenStorage(shared))
                        .limits(l -> l.registrationRateLimit(6)))) {
            List<Integer> statuses = registerAlternately(List.of(a, b), 6);
            assertEquals(6, count(statuses, 201), "one budget of 6 for both instances: " + statuses);
            assertEquals(6, count(statuses, 429), statuses.toString());
        }
    }

    @Test
    void anInstanceOfItsOwnKeepsItsOwnBudget() throws Exception {
        // memory storages are not shared: each instance counts for itself, as before
        try (ProxyHarness a = new ProxyHarness(b -> b.keysAndStorage(k -> k.tokenStorage(new MemoryTokenStorage()))
                .limits(l -> l.registrationRateLimit(6)));
                ProxyHarness b = new ProxyHarness(bb -> bb.keysAndStorage(k -> k.tokenStorage(new MemoryTokenStorage()))
                        .limits(l -> l.registrationRateLimit(6)))) {
            List<Integer> statuses = registerAlternately(List.of(a, b), 7);
            assertEquals(12, count(statuses, 201), statuses.toString());
        }
    }
}
