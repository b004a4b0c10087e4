package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testing.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.testing.Browser;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the client sees when the identity provider fails during a refresh, and what the identity provider sees when
 * a client revokes our tokens. Driven against a stub identity provider whose token endpoint answers what each test
 * says, and whose revocation endpoint records what it receives.
 */
@Timeout(120)
class OAuthProxyUpstreamOutageTest {

    /** A token endpoint (the code exchange always succeeds; refreshes answer {@code refreshAnswer}), and /revoke. */
    private static final class StubUpstream implements AutoCloseable {
        final HttpServer server;
        final AtomicReference<String[]> refreshAnswer = new AtomicReference<>();
        final List<String> revocations = new CopyOnWriteArrayList<>();
        final List<String> revocationAuth = new CopyOnWriteArrayList<>();

        StubUpstream() throws Exception {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/token", exchange -> {
                String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String[] answer = form.contains("grant_type=refresh_token") ? refreshAnswer.get()
                        : new String[] {"200", "application/json",
                                "{\"access_token\":\"up-1\",\"refresh_token\":\"up-r1\",\"expires_in\":1}"};
                reply(exchange, Integer.parseInt(answer[0]), answer[1], answer[2]);
            });
            server.createContext("/revoke", exchange -> {
                revocations.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                revocationAuth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
                reply(exchange, 200, "application/json", "{}");
            });
            server.start();
        }

        private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String type, String body)
                throws java.io.IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }

        UnaryOperator<OAuthProxy.Builder> endpoints() {
            return b -> b.upstream(u -> u.upstreamTokenEndpoint(url("/token"))
                    .upstreamRevocationEndpoint(url("/revoke")));
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    private static Map<String, Object> signIn(ProxyHarness h, String clientId) throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        HttpResponse<String> approve = h.consent(ProxyHarness.consentFields(h.get(h.authorizeUrl(clientId,
                CLIENT_REDIRECT, pkce.challenge(), "s"))), "approve");
        String callback = h.throughUpstream(approve);
        String code = Browser.query(Browser.location(h.get(callback, "Cookie",
                ProxyHarness.cookie(approve)))).get("code");
        HttpResponse<String> r = h.exchange(clientId, code, pkce.verifier(), CLIENT_REDIRECT);
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    @Test
    void upstreamOutageDuringRefreshIsRetryable() throws Exception {
        // what identity providers answer while they are down or overloaded; none of it ends the user's grant
        String[][] outages = {
            {"503", "application/json", "{\"error\":\"temporarily_unavailable\",\"error_description\":\"node-7 db\"}"},
            {"400", "application/json", "{\"error\":\"temporarily_unavailable\",\"error_description\":\"node-7 db\"}"},
            {"500", "application/json", "{\"error\":\"server_error\",\"error_description\":\"node-7 db\"}"},
            {"502", "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"node-7 db\"}"},
            {"504", "text/plain", "node-7 db gateway timeout"}};
        try (StubUpstream up = new StubUpstream(); ProxyHarness h = new ProxyHarness(up.endpoints())) {
            String clientId = h.registerPublic();
            String refresh = (String) signIn(h, clientId).get("refresh_token");
            for (String[] outage : outages) {
                up.refreshAnswer.set(outage);
                HttpResponse<String> r = h.refresh(clientId, refresh);
                String what = outage[0] + " " + outage[2];
                assertEquals(503, r.statusCode(), what + " -> " + r.body());
                assertEquals("temporarily_unavailable", json(r).get("error"), what);
                assertFalse(r.body().contains("node-7"), "no upstream text in our answer: " + r.body());
            }
            // the same refresh token works once the identity provider is back
            up.refreshAnswer.set(new String[] {"200", "application/json",
                    "{\"access_token\":\"up-2\",\"expires_in\":3600}"});
            HttpResponse<String> back = h.refresh(clientId, refresh);
            assertEquals(200, back.statusCode(), back.body());
            assertEquals("up-2", h.proxy.loadUpstreamTokens((String) json(back).get("access_token")).accessToken());
        }
    }

    @Test
    void revokingOurRefreshTokenRevokesTheUpstreamGrantWithTheUpstreamsOwnToken() throws Exception {
        try (StubUpstream up = new StubUpstream(); ProxyHarness h = new ProxyHarness(up.endpoints())) {
            String clientId = h.registerPublic();
            Map<String, Object> tokens = signIn(h, clientId);
            HttpResponse<String> r = h.postForm("/oauth/revoke", Map.of("token", (String) tokens.get("refresh_token"),
                    "client_id", clientId));
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(1, up.revocations.size(), "one call to the upstream revocation endpoint");
            Map<String, String> form = Browser.decodeForm(up.revocations.get(0));
            assertEquals("up-r1", form.get("token"), "the upstream's refresh token, not ours");
            assertEquals("refresh_token", form.get("token_type_hint"));
            assertEquals("Basic " + Base64.getEncoder().encodeToString("proxy-client:proxy-client-secret"
                    .getBytes(StandardCharsets.UTF_8)), up.revocationAuth.get(0), "as our upstream client");
            assertNull(h.proxy.loadUpstreamTokens((String) tokens.get("access_token")),
                    "our access token of that grant is gone too");
        }
    }
}
