package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.auth.DiscoveryDocumentCache;
import dev.fastmcp.auth.DiscoveryException;
import dev.fastmcp.auth.jwt.RSAKeyPair;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Discovery of an identity provider from its issuer: the OpenID Connect document, else the RFC 8414 metadata (at
 * the root, or path-inserted for an issuer with a path), served here by a small local metadata server.
 */
@Timeout(60)
class UpstreamDiscoveryTest {

    private final RSAKeyPair keys = RSAKeyPair.generate();
    /** The answers of the metadata server by exact path: status, then body. */
    private final Map<String, Object[]> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
    private HttpServer server;
    private String origin;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
        origin = "http://127.0.0.1:" + server.getAddress().getPort();
        answers.put("/jwks", new Object[] {200, keys.jwksJson()});
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getRawPath();
        hits.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
        Object[] a = answers.getOrDefault(path, new Object[] {404, "{\"error\":\"not_found\"}"});
        byte[] body = ((String) a[1]).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders((Integer) a[0], body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** An RFC 8414 document (no OpenID Connect fields but jwks_uri) for {@code issuer}. */
    private String oauthMetadata(String issuer) {
        return "{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/authorize\","
                + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + origin + "/jwks\","
                + "\"response_types_supported\":[\"code\"]}";
    }

    private int hits(String path) {
        AtomicInteger n = hits.get(path);
        return n == null ? 0 : n.get();
    }

    @Test
    void anIssuerWithoutAnOidcDocumentIsFoundByItsRfc8414Metadata() {
        answers.put("/.well-known/oauth-authorization-server", new Object[] {200, oauthMetadata(origin)});
        DiscoveryDocumentCache.IssuerMetadata found = new DiscoveryDocumentCache().forIssuer(origin);
        assertEquals(origin + "/.well-known/oauth-authorization-server", found.url());
        assertEquals(origin, found.document().get("issuer"));
        assertEquals(1, hits("/.well-known/openid-configuration"), "the OpenID Connect document is asked first");
    }

    @Test
    void anIssuerWithAPathIsFoundAtThePathInsertedRfc8414Url() {
        String issuer = origin + "/tenant/one";
        answers.put("/.well-known/oauth-authorization-server/tenant/one", new Object[] {200, oauthMetadata(issuer)});
        // the root document belongs to another issuer of the same host: never taken for this one
        answers.put("/.well-known/oauth-authorization-server", new Object[] {200, oauthMetadata(origin)});
        DiscoveryDocumentCache.IssuerMetadata found = new DiscoveryDocumentCache().forIssuer(issuer + "/");
        assertEquals(origin + "/.well-known/oauth-authorization-server/tenant/one", found.url());
        assertEquals(issuer, found.document().get("issuer"));
        assertEquals(1, hits("/tenant/one/.well-known/openid-configuration"));
    }

    @Test
    void theOidcDocumentIsPreferredWhenThereIsOne() {
        answers.put("/.well-known/openid-configuration", new Object[] {200, oauthMetadata(origin)});
        answers.put("/.well-known/oauth-authorization-server", new Object[] {200, "{\"issuer\":\"other\"}"});
        assertEquals(origin + "/.well-known/openid-configuration",
                new DiscoveryDocumentCache().forIssuer(origin).url());
        assertEquals(0, hits("/.well-known/oauth-authorization-server"));
    }

    @Test
    void anUpstreamOutageDuringDiscoveryIsNotMistakenForAMissingDocument() {
        answers.put("/.well-known/openid-configuration", new Object[] {503, "{}"});
        answers.put("/.well-known/oauth-authorization-server", new Object[] {200, oauthMetadata(origin)});
        DiscoveryException e = assertThrows(DiscoveryException.class,
                () -> new DiscoveryDocumentCache().forIssuer(origin));
        assertTrue(e.getMessage().contains("HTTP 503"), e.getMessage());
        assertEquals(0, hits("/.well-known/oauth-authorization-server"));
    }

    @Test
    void anIssuerWithNeitherDocumentIsReportedWithBothUrls() {
        DiscoveryException e = assertThrows(DiscoveryException.class,
                () -> new DiscoveryDocumentCache().forIssuer(origin + "/realm"));
        assertTrue(e.getMessage().contains(origin + "/realm/.well-known/openid-configuration answered HTTP 404"),
                e.getMessage());
        assertTrue(e.getMessage().contains(origin + "/.well-known/oauth-authorization-server/realm"), e.getMessage());
    }

    @Test
    void idTokensOfAnIssuerWithOnlyRfc8414MetadataAreVerifiedAgainstItsJwks() {
        String issuer = origin + "/oauth";
        answers.put("/.well-known/oauth-authorization-server/oauth", new Object[] {200, oauthMetadata(issuer)});
        DiscoveredIdTokenVerifier verifier = new DiscoveredIdTokenVerifier(issuer, "proxy-client",
                Duration.ofSeconds(5));
        TokenVerification ok = verifier.verify(keys.createToken("user-1", issuer, "proxy-client", List.of()));
        assertTrue(ok.isValid(), ok.error());
        assertEquals("user-1", ok.session().subject());
        TokenVerification otherIssuer = verifier.verify(keys.createToken("user-1", origin, "proxy-client",
                List.of()));
        assertFalse(otherIssuer.isValid());
        TokenVerification otherKey = verifier.verify(RSAKeyPair.generate().createToken("user-1", issuer,
                "proxy-client", List.of()));
        assertFalse(otherKey.isValid());
    }
}
