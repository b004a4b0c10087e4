package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.auth.proxy.ProxyHarness.ISSUER_ID;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.redis.RedisTokenStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.embedded.RedisServer;

/**
 * Three OAuth proxy instances of one deployment (one public URL, one secret) on one real Redis, as behind a load
 * balancer: what one instance issues, another redeems; atomic steps have one winner across instances; a revocation
 * at one instance stops the token at all of them at once, their read caches included; Redis down is a 503 at every
 * endpoint, and passes.
 */
@Timeout(120)
class RedisMultiInstanceTest {

    private int redisPort;
    private RedisServer redis;
    private final List<ProxyHarness> instances = new ArrayList<>();
    private final List<RedisTokenStorage> storages = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            redisPort = s.getLocalPort();
        }
        startRedis();
        ProxyHarness first = instance(null, null);
        instance(first.base(), first);
        instance(first.base(), first);
    }

    private void startRedis() {
        try {
            var builder = RedisServer.newRedisServer().port(redisPort).bind("127.0.0.1").setting("save \"\"")
                    .setting("appendonly no");
            String binary = System.getenv("FASTMCP_TEST_REDIS_SERVER");
            if (binary != null && !binary.isBlank()) {
                java.io.File file = new java.io.File(binary);
                builder.executableProvider(() -> file);
            }
            redis = builder.build();
            redis.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() throws IOException {
        instances.forEach(ProxyHarness::close);
        storages.forEach(RedisTokenStorage::close);
        redis.stop();
    }

    /** An instance with the deployment's URL (the first's) and storage; its upstream is the first's identity provider. */
    private ProxyHarness instance(String baseUrl, ProxyHarness first) {
        RedisTokenStorage storage = RedisTokenStorage.builder("redis://127.0.0.1:" + redisPort)
                .keyPrefix("multi:").timeout(Duration.ofMillis(500)).connectTimeout(Duration.ofMillis(500)).build();
        storages.add(storage);
        UnaryOperator<OAuthProxy.Builder> options = b -> {
            b.keysAndStorage(k -> k.tokenStorage(storage)).lifetimes(l -> l.refreshGracePeriod(Duration.ofSeconds(1)))
                    .limits(l -> l.registrationRateLimit(0).authorizationRateLimit(0));
            return first == null ? b : b.upstream(u -> u
                    .upstreamAuthorizationEndpoint(first.idp.authorizationEndpointUrl(ISSUER_ID).toString())
                    .upstreamTokenEndpoint(first.idp.tokenEndpointUrl(ISSUER_ID).toString()));
        };
        ProxyHarness h = new ProxyHarness(baseUrl, options);
        instances.add(h);
        return h;
    }

    private ProxyHarness at(int i) {
        return instances.get(i);
    }

    /** Runs the calls at once (released together), returning their results in order. */
    private static <T> List<T> atOnce(List<Callable<T>> calls) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(calls.size());
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (Callable<T> c : calls) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return c.call();
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static int mcpStatus(ProxyHarness h, String token) throws Exception {
        return new McpHttp(URI.create(h.mcpUrl())).initialize(token).statusCode();
    }

    @Test
    void aClientRegisteredAtOneInstanceSignsInAtAnotherAndRedeemsAtTheThird() throws Exception {
        String clientId = at(1).registerPublic();
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = at(0).signIn(clientId, CLIENT_REDIRECT, pkce, "dora");
        HttpResponse<String> r = at(2).exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT);
        assertEquals(200, r.statusCode(), r.body());
        String access = (String) json(r).get("access_token");
        for (ProxyHarness h : instances) {
            assertEquals(200, mcpStatus(h, access), "accepted at " + h.base());
        }
    }

    @Test
    void oneCodeRedeemedAtThreeInstancesAtOnceHasOneWinner() throws Exception {
        for (int round = 0; round < 5; round++) {
            String clientId = at(0).registerPublic();
            PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
            ProxyHarness.ClientCallback cb = at(0).signIn(clientId, CLIENT_REDIRECT, pkce, "user-" + round);
            List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
            for (ProxyHarness h : instances) {
                calls.add(() -> h.exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT));
            }
            List<Integer> statuses = atOnce(calls).stream().map(HttpResponse::statusCode).toList();
            assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "one winner: " + statuses);
            assertEquals(2, statuses.stream().filter(s -> s == 400).count(), statuses.toString());
        }
    }

    @Test
    void oneRefreshTokenRotatedAtThreeInstancesAtOnceYieldsOneFamilyAndReuseAfterTheGraceRevokesItEverywhere()
            throws Exception {
        String clientId = at(0).registerPublic();
        Map<String, Object> tokens = at(0).tokensFor(clientId, "erin");
        String refresh = (String) tokens.get("refresh_token");
        List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
        for (ProxyHarness h : instances) {
            calls.add(() -> h.refresh(clientId, refresh));
        }
        List<HttpResponse<String>> answers = atOnce(calls);
        List<String> newRefresh = new ArrayList<>();
        for (HttpResponse<String> a : answers) {
            assertEquals(200, a.statusCode(), "a duplicate within the grace period, from one address: " + a.body());
            newRefresh.add((String) json(a).get("refresh_token"));
        }
        assertEquals(1, newRefresh.stream().distinct().count(), "one rotation, one new pair: " + newRefresh);
        String access = (String) json(answers.get(0)).get("access_token");
        for (ProxyHarness h : instances) {
            assertEquals(200, mcpStatus(h, access));
        }

        Thread.sleep(1_200); // past the grace period: the old token presented again is theft
        HttpResponse<String> reuse = at(2).refresh(clientId, refresh);
        assertEquals(400, reuse.statusCode(), reuse.body());
        for (ProxyHarness h : instances) {
            assertEquals(401, mcpStatus(h, access), "the family's access token is revoked at " + h.base());
            assertEquals(400, h.refresh(clientId, newRefresh.get(0)).statusCode(), "and its refresh token");
        }
    }

    @Test
    void aTokenRevokedAtOneInstanceIsRefusedByAllAtOnce() throws Exception {
        String clientId = at(0).registerPublic();
        Map<String, Object> tokens = at(0).tokensFor(clientId, "fred");
        String access = (String) tokens.get("access_token");
        for (int i = 0; i < 5; i++) { // read, and read again: each instance answers from its cache
            for (ProxyHarness h : instances) {
                assertEquals(200, mcpStatus(h, access));
            }
        }
        HttpResponse<String> revoke = at(0).postForm("/oauth/revoke", Map.of("token",
                (String) tokens.get("refresh_token"), "client_id", clientId));
        assertEquals(200, revoke.statusCode(), revoke.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (ProxyHarness h : instances) {
            int status;
            do {
                status = mcpStatus(h, access);
            } while (status != 401 && System.nanoTime() < deadline);
            assertEquals(401, status, "revoked at " + h.base());
        }
    }

    @Test
    void redisDownIs503AtEveryInstanceAndASignInWorksWhenItIsBack() throws Exception {
        String clientId = at(0).registerPublic();
        String access = (String) at(0).tokensFor(clientId, "gina").get("access_token");
        redis.stop();
        for (ProxyHarness h : instances) {
            HttpResponse<String> mcp = new McpHttp(URI.create(h.mcpUrl())).initialize(access);
            assertEquals(503, mcp.statusCode(), mcp.body());
            assertNotNull(mcp.headers().firstValue("Retry-After").orElse(null));
            HttpResponse<String> register = h.postJson("/oauth/register", "{\"redirect_uris\":[\""
                    + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":\"none\",\"client_name\":\"x\"}");
            assertEquals(503, register.statusCode(), register.body());
            assertEquals("temporarily_unavailable", json(register).get("error"));
        }
        startRedis(); // back, and empty: the clients and tokens of before are gone
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String again = null;
        while (again == null) {
            try {
                again = at(1).registerPublic();
            } catch (AssertionError e) {
                assertTrue(System.nanoTime() < deadline, "the instances work again: " + e.getMessage());
                Thread.sleep(50);
            }
        }
        String fresh = (String) at(0).tokensFor(again, "gina").get("access_token");
        for (ProxyHarness h : instances) {
            assertEquals(200, mcpStatus(h, fresh));
        }
    }
}
