package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A flood of sign-ins started for one client: its {@code client_id} and redirect URI are public, so anyone can
 * start sign-ins for it from many addresses, each under its own rate limit. The bound on pending sign-ins must
 * hold without letting the flood spend that client's allowance and lock its real users out.
 */
@Timeout(120)
class OAuthProxySignInFloodTest {

    /** Addresses 127.0.0.2 .. 127.0.0.40. */
    private static final int FIRST_ADDRESS = 2;
    private static final int LAST_ADDRESS = 40;

    /** {@code perAddress} sign-ins for {@code clientId} from each flood address; the statuses answered. */
    private static List<Integer> flood(ProxyHarness h, String clientId, int perAddress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Integer>>> all = new ArrayList<>();
            for (int n = FIRST_ADDRESS; n <= LAST_ADDRESS; n++) {
                String source = SourceAddressHttp.loopback(n);
                all.add(pool.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < perAddress; i++) {
                        String url = h.authorizeUrl(clientId, CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(),
                                "flood-" + source + "-" + i);
                        statuses.add(SourceAddressHttp.get(source, url, Map.of()).status());
                    }
                    return statuses;
                }));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<List<Integer>> f : all) {
                statuses.addAll(f.get(60, TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void signInFloodForOneClientFromManyAddressesCannotLockOutItsUsers() throws Exception {
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.maxPendingAuthorizations(50)))) {
            String clientId = h.registerPublic();
            // 39 addresses x 26 = 1014 sign-ins, each address under its limit of 60 per minute
            List<Integer> statuses = flood(h, clientId, 26);

            // the client's real user, from another address, still signs in all the way to tokens
            Map<String, Object> tokens = h.tokensFor(clientId, "real-user");
            assertTrue(tokens.get("access_token") instanceof String, tokens.toString());

            assertEquals(1014, statuses.size());
            assertTrue(statuses.stream().allMatch(s -> s == 200), "every flood address stayed under its own limit: "
                    + statuses.stream().filter(s -> s != 200).count() + " refused");
        }
    }

    /**
     * Sign-ins for one client, checking after each that the storage holds at most the bound. The per-address limit
     * is off: the bound must hold by itself.
     */
    @Test
    void unfinishedSignInsNeverExceedTheBoundAndTheOldestGoFirst() throws Exception {
        int bound = 20;
        MemoryTokenStorage storage = new MemoryTokenStorage();
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.maxPendingAuthorizations(bound))
                .keysAndStorage(k -> k.tokenStorage(storage))
                .limits(l -> l.authorizationRateLimit(0)))) {
            String clientId = h.registerPublic();
            int baseline = storage.size();
            List<Map<String, String>> pages = new ArrayList<>();
            for (int i = 0; i < 3 * bound; i++) {
                HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                        PKCEUtils.generatePair().challenge(), "s" + i));
                pages.add(ProxyHarness.consentFields(page));
                assertTrue(storage.size() - baseline <= bound, "stored unfinished sign-ins: "
                        + (storage.size() - baseline) + " > " + bound);
            }
            assertEquals(bound, storage.size() - baseline);
            // the oldest page was evicted: its approval finds nothing
            HttpResponse<String> oldest = h.consent(pages.get(0), "approve");
            assertEquals(400, oldest.statusCode(), oldest.body());
            assertTrue(oldest.body().contains("expired"), oldest.body());
            // the newest pages still work, and an approval (an upstream transaction now) stays within the bound
            for (int i = pages.size() - 5; i < pages.size(); i++) {
                HttpResponse<String> approve = h.consent(pages.get(i), "approve");
                assertTrue(Browser.location(approve).startsWith(
                        h.idp.authorizationEndpointUrl(ProxyHarness.ISSUER_ID).toString()));
                assertTrue(storage.size() - baseline <= bound, String.valueOf(storage.size() - baseline));
            }
            // approved sign-ins waiting for the provider (upstream transactions) count against the same bound
            for (int i = 0; i < 2 * bound; i++) {
                HttpResponse<String> approve = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                        CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "t" + i))), "approve");
                assertEquals(302, approve.statusCode(), approve.body());
                assertTrue(storage.size() - baseline <= bound, String.valueOf(storage.size() - baseline));
            }
            // a sign-in finished frees its place: the callback took its upstream transaction
            Map<String, Object> tokens = h.tokensFor(clientId, "finisher");
            assertTrue(tokens.containsKey("access_token"), tokens.toString());
        }
    }

    @Test
    void unfinishedSignInsWithoutConsentAreBoundedToo() throws Exception {
        int bound = 10;
        MemoryTokenStorage storage = new MemoryTokenStorage();
        try (ProxyHarness h = new ProxyHarness(b -> b.limits(l -> l.maxPendingAuthorizations(bound))
                .keysAndStorage(k -> k.tokenStorage(storage))
                .claimsAndConsent(c -> c.consentRequired(false)).limits(l -> l.authorizationRateLimit(0)))) {
            String clientId = h.registerPublic();
            int baseline = storage.size();
            for (int i = 0; i < 3 * bound; i++) {
                HttpResponse<String> upstream = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                        PKCEUtils.generatePair().challenge(), "s" + i));
                assertEquals(302, upstream.statusCode(), upstream.body());
                assertTrue(storage.size() - baseline <= bound, String.valueOf(storage.size() - baseline));
            }
            assertEquals(bound, storage.size() - baseline);
        }
    }

    @Test
    void theBoundMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OAuthProxy.builder(Upstream.of("https://idp.example/authorize", "https://idp.example/token",
                        "c", "s"))
                .limits(l -> l.maxPendingAuthorizations(0)).build());
        assertTrue(e.getMessage().contains("maxPendingAuthorizations") && e.getMessage().contains("was 0"),
                e.getMessage());
    }
}
