package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.testing.McpHttp;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients identified by a metadata document URL sign in without registering: the document's redirect URIs and
 * name are used, the consent page shows the domain the document came from, concurrent sign-ins share one fetch,
 * and dynamic registration can be switched off.
 */
@Timeout(60)
class OAuthProxyCimdTest {

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

    /** A proxy reaching the document server, which is on 127.0.0.1: the operator allows that one address. */
    private ProxyHarness proxy(UnaryOperator<Clients> clients) {
        h = new ProxyHarness(b -> b.documentTransport(docs.transport())
                .clients(c -> clients.apply(c.allowedInternalNetworks("127.0.0.1/32"))));
        return h;
    }

    @Test
    void aClientWithAMetadataDocumentSignsInWithoutRegistering() throws Exception {
        proxy(c -> c);
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "alice-123");
        HttpResponse<String> tr = h.exchange(clientId, cb.code(), pkce.verifier(), CLIENT_REDIRECT);
        assertEquals(200, tr.statusCode(), tr.body());
        Map<String, Object> tokens = json(tr);
        String access = (String) tokens.get("access_token");
        assertEquals(clientId, TokenService.jwtPayload(access).get("client_id"));
        assertEquals("openid profile", tokens.get("scope"));

        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode());
        assertEquals("alice-123|" + clientId + "|alice-123@example.com", McpHttp.text(mcp.callTool(access, 2,
                "whoami")));
        HttpResponse<String> refreshed = h.refresh(clientId, (String) tokens.get("refresh_token"));
        assertEquals(200, refreshed.statusCode(), refreshed.body());
        assertEquals(1, docs.hits("/client.json"), "the document was fetched once, then kept (max-age=300)");
    }

    @Test
    void theConsentPageShowsTheClientsDomainAboveItsName() throws Exception {
        proxy(c -> c);
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                PKCEUtils.generatePair().challenge(), "s"));
        assertEquals(200, page.statusCode(), page.body());
        String body = page.body();
        int domain = body.indexOf("<p class=\"host\">docs.test:" + docs.port() + "</p>");
        assertTrue(domain > 0, body);
        assertTrue(body.indexOf("Application from") < domain, "the domain is introduced as the application's");
        assertTrue(body.indexOf("<h1>Authorize <bdi>Doc Client</bdi>?</h1>") < domain, "under the name it claims");
        assertTrue(domain < body.indexOf("is asking to use this MCP server"), "before anything else is said");
        assertTrue(body.contains("any program running on it could pose as the application"),
                "a loopback redirect URI of a published client is flagged");
        assertTrue(body.contains("you recognise <strong>docs.test:" + docs.port() + "</strong>"), body);
    }

    @Test
    void aRedirectUriMissingFromTheDocumentIsRefused() throws Exception {
        proxy(c -> c);
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        HttpResponse<String> r = h.get(h.authorizeUrl(clientId, "http://127.0.0.1:47123/other",
                PKCEUtils.generatePair().challenge(), "s"));
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("Invalid redirect URI"), r.body());
        assertTrue(r.headers().firstValue("Location").isEmpty());
    }

    @Test
    void concurrentSignInsForOneDocumentShareOneFetch() throws Exception {
        proxy(c -> c);
        String clientId = docs.url("/slow-client.json");
        docs.handle("/slow-client.json", ex -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            DocumentServer.send(ex, 200, "{\"client_id\":\"" + clientId + "\",\"client_name\":\"Slow\","
                    + "\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"]}");
        });
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> pages = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                pages.add(pool.submit(() -> h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                        PKCEUtils.generatePair().challenge(), "s"))));
            }
            for (Future<HttpResponse<String>> page : pages) {
                assertEquals(200, page.get().statusCode(), page.get().body());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, docs.hits("/slow-client.json"), "one fetch for eight sign-ins");
    }

    @Test
    void dynamicRegistrationCanBeSwitchedOff() throws Exception {
        proxy(c -> c.dynamicClientRegistration(false));
        HttpResponse<String> register = h.postJson("/oauth/register", "{\"redirect_uris\":[\"" + CLIENT_REDIRECT
                + "\"],\"token_endpoint_auth_method\":\"none\"}");
        assertEquals(404, register.statusCode(), register.body());
        Map<String, Object> as = json(h.get(h.base() + "/.well-known/oauth-authorization-server"));
        assertFalse(as.containsKey("registration_endpoint"), as.toString());
        assertEquals(true, as.get("client_id_metadata_document_supported"));
        // metadata document clients still sign in
        String clientId = docs.publicClient("/client.json", CLIENT_REDIRECT);
        assertEquals(200, h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT, PKCEUtils.generatePair().challenge(),
                "s")).statusCode());
    }

    @Test
    void withoutDocumentsTheMetadataSaysSo() throws Exception {
        proxy(c -> c.clientIdMetadataDocuments(false));
        Map<String, Object> as = json(h.get(h.base() + "/.well-known/oauth-authorization-server"));
        assertEquals(false, as.get("client_id_metadata_document_supported"));
        assertEquals(List.of("none", "client_secret_basic", "client_secret_post"),
                as.get("token_endpoint_auth_methods_supported"));
        assertTrue(as.containsKey("registration_endpoint"));
    }

    @Test
    void turningOffBothWaysIsRefusedAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OAuthProxy.builder(
                Upstream.of("https://idp.example.com/a", "https://idp.example.com/t", "id", "secret"))
                .clients(c -> c.dynamicClientRegistration(false).clientIdMetadataDocuments(false)).build());
        assertTrue(e.getMessage().contains("no way to identify themselves"), e.getMessage());
    }

    @Test
    void optionValuesAreCheckedWhereTheyAreSet() {
        Clients c = Clients.defaults();
        for (String bad : List.of("http://example.com/*", "https://exa mple.com/", "*", "*.*.example.com", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.allowedMetadataDocuments(bad));
            assertTrue(e.getMessage().contains("allowedMetadataDocuments"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> c.allowedInternalNetworks("intranet.example.com"));
        assertThrows(IllegalArgumentException.class, () -> c.metadataDocumentTimeout(java.time.Duration.ofMinutes(1)));
        assertEquals(List.of("claude.ai", "*.example.com", "https://*.example.com/mcp/*"), c.allowedMetadataDocuments(
                "claude.ai", "*.example.com", "https://*.example.com/mcp/*").allowedMetadataDocuments());
    }

    @Test
    void insecureLoopbackModeAcceptsDocumentsOnTheDevelopersMachine() throws Exception {
        try (DocumentServer plain = new DocumentServer(false)) {
            h = new ProxyHarness(b -> b.documentTransport(docs.transport())
                    .clients(c -> c.insecureLoopbackMetadataDocuments(true)));
            String overHttp = plain.publicClient("127.0.0.1", "/client.json", CLIENT_REDIRECT);
            String overHttps = docs.publicClient("localhost", "/client.json", CLIENT_REDIRECT);
            for (String clientId : List.of(overHttp, overHttps)) {
                HttpResponse<String> page = h.get(h.authorizeUrl(clientId, CLIENT_REDIRECT,
                        PKCEUtils.generatePair().challenge(), "s"));
                assertEquals(200, page.statusCode(), clientId + ": " + page.body());
            }
            // the mode is for loopback hosts: a name that merely resolves to loopback is still refused
            String named = docs.publicClient("/named.json", CLIENT_REDIRECT);
            HttpResponse<String> refused = h.get(h.authorizeUrl(named, CLIENT_REDIRECT,
                    PKCEUtils.generatePair().challenge(), "s"));
            assertEquals(400, refused.statusCode());
            assertTrue(refused.body().contains("docs.test resolves to 127.0.0.1"), refused.body());
        }
    }

    @Test
    void theInsecureLoopbackModeIsRefusedForAServerOthersCanReach() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new ClientIdUrls(
                Clients.defaults().insecureLoopbackMetadataDocuments(true), "https://mcp.example.com"));
        assertTrue(e.getMessage().contains("FASTMCP_DEV_INSECURE_CIMD"), e.getMessage());
        new ClientIdUrls(Clients.defaults().insecureLoopbackMetadataDocuments(true), "http://127.0.0.1:8080");
        new ClientIdUrls(Clients.defaults(), "https://mcp.example.com");
    }
}
