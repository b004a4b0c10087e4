package dev.fastmcp.auth.proxy;

import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.fastmcp.testsupport.Browser;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the client sees when the identity provider fails during a refresh, and what the identity provider sees when
 * a client revokes our tokens. Driven against a stub identity provider whose token endpoint answers what each test
 * says, and whose revocation endpoint records what it receives.
 */
@Timeout(120)
class OAuthProxyUpstreamOutageTest {

    @Test
    void upstreamOutageDuringRefreshIsRetryable() throws Exception {
        // what identity providers answer while they are down or overloaded; none of it ends the user's grant
        String[][] outages = {
            {"503", "application/json", "{\"error\":\"temporarily_unavailable\",\"error_description\":\"node-7 db\"}"},
            {"400", "application/json", "{\"error\":\"temporarily_unavailable\",\"error_description\":\"node-7 db\"}"},
            {"500", "application/json", "{\"error\":\"server_error\",\"error_description\":\"node-7 db\"}"},
            {"502", "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"node-7 db\"}"},
            {"504", "text/plain", "node-7 db gateway timeout"}};
        try (StubUpstream up = new StubUpstream(StubUpstream.EXPIRING);
                ProxyHarness h = new ProxyHarness(up.endpoints())) {
            String clientId = h.registerPublic();
            String refresh = (String) h.tokensFor(clientId, "stub-user").get("refresh_token");
            for (String[] outage : outages) {
                up.answerRefresh(Integer.parseInt(outage[0]), outage[1], outage[2]);
                HttpResponse<String> r = h.refresh(clientId, refresh);
                String what = outage[0] + " " + outage[2];
                assertEquals(503, r.statusCode(), what + " -> " + r.body());
                assertEquals("temporarily_unavailable", json(r).get("error"), what);
                assertFalse(r.body().contains("node-7"), "no upstream text in our answer: " + r.body());
            }
            // the same refresh token works once the identity provider is back
            up.answerRefresh(200, "application/json", "{\"access_token\":\"up-2\",\"expires_in\":3600}");
            HttpResponse<String> back = h.refresh(clientId, refresh);
            assertEquals(200, back.statusCode(), back.body());
            assertEquals("up-2", h.proxy.loadUpstreamTokens((String) json(back).get("access_token")).accessToken());
        }
    }

    @Test
    void revokingOurRefreshTokenRevokesTheUpstreamGrantWithTheUpstreamsOwnToken() throws Exception {
        try (StubUpstream up = new StubUpstream(StubUpstream.EXPIRING);
                ProxyHarness h = new ProxyHarness(up.endpoints())) {
            String clientId = h.registerPublic();
            Map<String, Object> tokens = h.tokensFor(clientId, "stub-user");
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
