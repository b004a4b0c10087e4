package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client id that is a URL makes the server fetch from wherever a stranger chooses (server-side request forgery).
 * Every form of an internal address is refused before anything is sent, and so are redirects, slow and oversized
 * documents and documents that do not name themselves; each refusal is an error page, never a redirect.
 */
@Timeout(60)
class OAuthProxyCimdThreatTest {

    private DocumentServer docs;
    private ProxyHarness h;

    @BeforeEach
    void start() throws Exception {
        docs = new DocumentServer();
    }

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
        docs.close();
    }

    /**
     * A proxy reaching the document server through the test resolver; no internal network allowed, and no limit on
     * fetches per address (these tests make many from one).
     */
    private ProxyHarness proxy(UnaryOperator<Clients> clients) {
        h = new ProxyHarness(b -> b.documentTransport(docs.transport()).clients(clients)
                .limits(l -> l.registrationRateLimit(0)));
        return h;
    }

    private HttpResponse<String> authorize(String clientId) throws Exception {
        return h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(), "s"));
    }

    /** An error page (never a redirect, though the redirect URI is loopback) whose text holds {@code reason}. */
    private static void refusedWithPage(HttpResponse<String> r, String reason) {
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty(), "no redirect: " + r.headers().map());
        assertTrue(r.body().contains("Application not accepted"), r.body());
        assertTrue(r.body().contains(reason), "expected '" + reason + "' in " + r.body());
    }

    @Test
    void metadataDocumentAtLoopbackIsRefused() throws Exception {
        proxy(c -> c);
        docs.publicClient("/client.json", CLIENT_REDIRECT);
        // literal loopback hosts: refused by their text, before any lookup
        for (String host : List.of("127.0.0.1", "localhost", "[::1]", "[::ffff:127.0.0.1]", "127.0.0.2")) {
            refusedWithPage(authorize(docs.url(host, "/client.json")), "loopback host");
        }
        assertEquals(0, docs.totalLookups());
        // a public-looking name that resolves to loopback: refused by its address
        refusedWithPage(authorize(docs.url("/client.json")), "docs.test resolves to 127.0.0.1, a loopback address");
        assertEquals(0, docs.totalHits(), "nothing was fetched");
    }

    @Test
    void metadataDocumentAtPrivateOrLinkLocalAddressIsRefused() throws Exception {
        proxy(c -> c);
        String[][] cases = {
            {"ten.test", "10.0.0.5", "a private address (10.0.0.0/8)"},
            {"router.test", "192.168.1.1", "a private address (192.168.0.0/16)"},
            {"corp.test", "172.20.0.1", "a private address (172.16.0.0/12)"},
            {"metadata.test", "169.254.169.254", "a link-local address (169.254.0.0/16"},
            {"cgnat.test", "100.64.0.1", "a carrier-grade NAT address (100.64.0.0/10)"},
            {"zero.test", "0.0.0.0", "0.0.0.0/8"},
            {"multicast.test", "224.0.0.251", "a multicast address (224.0.0.0/4)"},
            {"broadcast.test", "255.255.255.255", "the broadcast address"},
            {"ula.test", "fd00::1", "a unique local address (fc00::/7)"},
            {"linklocal.test", "fe80::1", "a link-local address (fe80::/10)"},
            {"v6multicast.test", "ff02::1", "a multicast address (ff00::/8)"},
        };
        for (String[] c : cases) {
            docs.resolve(c[0], c[1]);
            refusedWithPage(authorize("https://" + c[0] + "/client.json"), c[0] + " resolves to ");
            refusedWithPage(authorize("https://" + c[0] + "/client.json"), c[2]);
        }
    }

    @Test
    void ipv4MappedIpv6AddressIsRefused() throws Exception {
        proxy(c -> c);
        // the resolver answers with a true IPv6 address whose last 32 bits are an internal IPv4 address
        docs.resolve("mapped.test", "::ffff:10.1.2.3");
        refusedWithPage(authorize("https://mapped.test/client.json"), "(IPv4-mapped)");
        docs.resolve("mappedloop.test", "::ffff:127.0.0.1");
        refusedWithPage(authorize("https://mappedloop.test/client.json"), "a loopback address (127.0.0.0/8)");
        // the same as a literal host
        refusedWithPage(authorize("https://[::ffff:10.1.2.3]/client.json"), "a private address (10.0.0.0/8)");
    }

    @Test
    void ipv6TransitionFormsCarryingInternalAddressesAreRefused() throws Exception {
        proxy(c -> c);
        docs.resolve("sixtofour.test", "2002:7f00:1::1");
        refusedWithPage(authorize("https://sixtofour.test/client.json"), "(6to4)");
        docs.resolve("nat64.test", "64:ff9b::a9fe:a9fe");
        refusedWithPage(authorize("https://nat64.test/client.json"), "(NAT64)");
        docs.resolve("teredo.test", "2001:0:4136:e378:8000:63bf:3fff:fdd2");
        refusedWithPage(authorize("https://teredo.test/client.json"), "a Teredo tunnel address");
        docs.resolve("compat.test", "::a00:1");
        refusedWithPage(authorize("https://compat.test/client.json"), "an IPv4-compatible address");
    }

    @Test
    void aNameWithOneInternalAddressAmongOthersIsRefused() throws Exception {
        // the operator allows 127.0.0.1 (where the test's documents are), but the name also resolves to 10.0.0.1:
        // every address is checked, not only the first
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32"));
        docs.publicClient("/client.json", CLIENT_REDIRECT);
        docs.resolve("docs.test", "127.0.0.1", "10.0.0.1");
        refusedWithPage(authorize(docs.url("/client.json")), "docs.test resolves to 10.0.0.1");
        assertEquals(0, docs.totalHits(), "nothing was sent, not even to the allowed address");
    }

    @Test
    void dnsRebindingBetweenCheckAndConnectGainsNothing() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32"));
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        HttpResponse<String> page = authorize(clientId);
        assertEquals(200, page.statusCode(), page.body());
        // one lookup for the one fetch: the connection went to the address that was checked, never to a second
        // answer of the name
        assertEquals(1, docs.lookups("docs.test"));
        assertEquals(1, docs.hits("/client.json"));
    }

    @Test
    void redirectFromMetadataDocumentIsRefused() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32"));
        docs.publicClient("/client.json", CLIENT_REDIRECT);
        docs.handle("/moved.json", ex -> {
            ex.getResponseHeaders().add("Location", docs.url("/client.json"));
            DocumentServer.send(ex, 302, "");
        });
        refusedWithPage(authorize(docs.url("/moved.json")), "redirects are not followed");
        assertEquals(1, docs.hits("/moved.json"));
        assertEquals(0, docs.hits("/client.json"), "the redirect was not followed");
    }

    @Test
    void oversizedMetadataDocumentIsRefused() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32"));
        String padding = "x".repeat(ClientIdDocuments.MAX_DOCUMENT_BYTES);
        docs.json("/big.json", "{\"client_id\":\"" + docs.url("/big.json") + "\",\"client_name\":\"" + padding + "\"}");
        refusedWithPage(authorize(docs.url("/big.json")), "it is larger than 5120 bytes");
        // without a declared length: cut while reading
        docs.handle("/chunked.json", ex -> {
            ex.sendResponseHeaders(200, 0);
            try (var out = ex.getResponseBody()) {
                for (int i = 0; i < 100; i++) {
                    out.write(("{\"pad\":\"" + "y".repeat(1000) + "\"}").getBytes());
                }
            } catch (java.io.IOException e) {
                // cut by the client
            }
        });
        refusedWithPage(authorize(docs.url("/chunked.json")), "it is larger than 5120 bytes");
    }

    @Test
    void slowMetadataDocumentTimesOut() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32").metadataDocumentTimeout(Duration.ofMillis(800)));
        docs.trickle("/slow.json");
        long start = System.nanoTime();
        refusedWithPage(authorize(docs.url("/slow.json")), "no complete answer within 800 ms");
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took < 5000, "the sign-in waited " + took + " ms for a document trickled byte by byte");
    }

    @Test
    void documentWhoseClientIdDiffersFromItsUrlIsRefused() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32"));
        String genuine = docs.publicClient("/client.json", CLIENT_REDIRECT);
        // a document copied elsewhere (or naming a famous client) is not that client
        docs.json("/copy.json", "{\"client_id\":\"" + genuine + "\",\"client_name\":\"Doc Client\","
                + "\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"]}");
        refusedWithPage(authorize(docs.url("/copy.json")), "its client_id must be exactly the URL it is served at");
        // the same URL spelled with the default port is another string, so another client
        docs.json("/plain.json", "{\"client_id\":\"" + docs.url("/plain.json").replace("https://", "HTTPS://")
                + "\",\"client_name\":\"x\",\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"]}");
        refusedWithPage(authorize(docs.url("/plain.json")), "its client_id must be exactly the URL");
    }

    @Test
    void plainHttpMetadataDocumentIsRefused() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32"));
        refusedWithPage(authorize("http://docs.test/client.json"), "must use https");
        for (String url : List.of("https://docs.test", "https://user@docs.test/c.json", "https://docs.test/a/../c.json",
                "https://docs.test/c.json#x", "ftp://docs.test/c.json")) {
            refusedWithPage(authorize(url), "Application not accepted");
        }
        assertEquals(0, docs.totalLookups(), "refused by their form, before any lookup");
    }

    @Test
    void documentWithASharedSecretMethodOrPrivateKeysIsRefused() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32"));
        docs.json("/secret.json", "{\"client_id\":\"" + docs.url("/secret.json") + "\",\"client_name\":\"x\","
                + "\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":"
                + "\"client_secret_basic\"}");
        refusedWithPage(authorize(docs.url("/secret.json")), "a method based on a shared secret");
        docs.json("/private.json", "{\"client_id\":\"" + docs.url("/private.json") + "\",\"client_name\":\"x\","
                + "\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":\"private_key_jwt\","
                + "\"jwks\":{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}}");
        refusedWithPage(authorize(docs.url("/private.json")), "private or secret key material");
        docs.json("/noredirect.json", "{\"client_id\":\"" + docs.url("/noredirect.json") + "\",\"client_name\":\"x\"}");
        refusedWithPage(authorize(docs.url("/noredirect.json")), "redirect_uris is required");
        docs.json("/javascript.json", "{\"client_id\":\"" + docs.url("/javascript.json") + "\",\"client_name\":\"x\","
                + "\"redirect_uris\":[\"javascript:alert(1)\"]}");
        refusedWithPage(authorize(docs.url("/javascript.json")), "is invalid");
    }

    @Test
    void clientRefusedByPolicyGetsAnErrorPageNotARedirect() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32").allowedMetadataDocuments("claude.ai", "*.example.com"));
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        // the loopback redirect URI would get other errors redirected; a refused client gets the page
        refusedWithPage(authorize(clientId), "does not accept the application https://docs.test");
    }

    @Test
    void policyRefusedClientCausesNoFetch() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32").allowedMetadataDocuments("https://docs.test:*/mcp/*"));
        String outside = docs.publicClient("/client.json", CLIENT_REDIRECT);
        refusedWithPage(authorize(outside), "is not one of them");
        // nor at the token endpoint
        HttpResponse<String> token = h.postForm("/oauth/token", java.util.Map.of("grant_type", "authorization_code",
                "code", "x", "code_verifier", "y", "client_id", outside));
        assertEquals(401, token.statusCode(), token.body());
        assertEquals(0, docs.totalLookups(), "no lookup");
        assertEquals(0, docs.totalHits(), "no fetch");
        // a document under the allowed pattern is fetched and accepted
        String inside = docs.publicClient("/mcp/client.json", CLIENT_REDIRECT);
        assertEquals(200, authorize(inside).statusCode());
        assertEquals(1, docs.hits("/mcp/client.json"));
    }

    @Test
    void aFloodOfNewDocumentUrlsFromOneAddressIsCutAtTheLimit() throws Exception {
        h = new ProxyHarness(b -> b.documentTransport(docs.transport())
                .clients(c -> c.allowedInternalNetworks("127.0.0.1/32")).limits(l -> l.registrationRateLimit(3)));
        String kept = docs.publicClient("/client.json", CLIENT_REDIRECT);
        assertEquals(200, authorize(kept).statusCode());
        for (int i = 0; i < 2; i++) {
            docs.json("/flood-" + i + ".json", "{}");
            refusedWithPage(authorize(docs.url("/flood-" + i + ".json")), "is invalid");
        }
        HttpResponse<String> cut = authorize(docs.url("/flood-2.json"));
        assertEquals(429, cut.statusCode(), cut.body());
        assertTrue(cut.body().contains("Too many client metadata documents were fetched"), cut.body());
        assertTrue(cut.headers().firstValue("Location").isEmpty());
        assertEquals(0, docs.hits("/flood-2.json"), "not fetched");
        // a document already kept costs nothing, so its users are not locked out by the flood
        assertEquals(200, authorize(kept).statusCode());
        assertEquals(1, docs.hits("/client.json"));
    }

    @Test
    void documentsAreRefusedWhenTheServerAcceptsNone() throws Exception {
        proxy(c -> c.allowedInternalNetworks("127.0.0.1/32").clientIdMetadataDocuments(false));
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        refusedWithPage(authorize(clientId), "does not accept client metadata documents");
        assertEquals(0, docs.totalLookups());
    }
}
