package dev.fastmcp.auth.proxy;

import static dev.fastmcp.auth.proxy.ProxyHarness.CLIENT_REDIRECT;
import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.storage.MemoryTokenStorage;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Clients whose metadata document declares {@code private_key_jwt} authenticate at the token endpoint with an RFC 7523
 * assertion signed by one of the keys they publish ({@code jwks} or {@code jwks_uri}); each assertion is accepted
 * once, by every instance sharing the storage.
 */
@Timeout(60)
class OAuthProxyCimdKeysTest {

    private DocumentServer docs;
    private EllipticCurveJsonWebKey key;

    @BeforeEach
    void start() throws Exception {
        docs = new DocumentServer();
        key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
        key.setKeyId("k1");
    }

    @AfterEach
    void stop() {
        docs.close();
    }

    private ProxyHarness proxy(String baseUrl, MemoryTokenStorage storage) {
        return new ProxyHarness(baseUrl, (idp, b) -> {
            b.documentTransport(docs.transport()).clients(c -> c.allowedInternalNetworks("127.0.0.1/32"));
            return storage == null ? b : b.keysAndStorage(k -> k.tokenStorage(storage));
        });
    }

    private String publicKeys() {
        return new JsonWebKeySet(key).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
    }

    /** A confidential client publishing its keys inline ({@code jwks}). */
    private String clientWithKeys(String path) {
        String clientId = docs.url(path);
        docs.json(path, "{\"client_id\":\"" + clientId + "\",\"client_name\":\"Signed Client\",\"redirect_uris\":[\""
                + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":\"private_key_jwt\",\"jwks\":" + publicKeys()
                + "}");
        return clientId;
    }

    static String assertion(java.security.Key signingKey, String kid, String alg, String clientId, String audience,
            String jti) throws Exception {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(clientId);
        claims.setSubject(clientId);
        claims.setAudience(audience);
        claims.setExpirationTimeMinutesInTheFuture(2);
        claims.setIssuedAtToNow();
        claims.setJwtId(jti);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(alg);
        jws.setKey(signingKey);
        jws.setKeyIdHeaderValue(kid);
        jws.setDoKeyValidation(false);
        return jws.getCompactSerialization();
    }

    private String assertion(String clientId, String audience) throws Exception {
        return assertion(key.getPrivateKey(), "k1", AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, clientId,
                audience, UUID.randomUUID().toString());
    }

    private static Map<String, String> withAssertion(Map<String, String> form, String assertion) {
        Map<String, String> out = new LinkedHashMap<>(form);
        out.put("client_assertion_type", ClientAssertions.TYPE);
        out.put("client_assertion", assertion);
        return out;
    }

    /** Signs in and exchanges the code with an assertion; returns the token response. */
    private Map<String, Object> signInAndExchange(ProxyHarness h, String clientId) throws Exception {
        PKCEUtils.PKCEPair pkce = PKCEUtils.generatePair();
        ProxyHarness.ClientCallback cb = h.signIn(clientId, CLIENT_REDIRECT, pkce, "alice-123");
        HttpResponse<String> r = h.postForm("/oauth/token", withAssertion(Map.of("grant_type", "authorization_code",
                "code", cb.code(), "redirect_uri", CLIENT_REDIRECT, "code_verifier", pkce.verifier()),
                assertion(clientId, h.base() + "/oauth/token")));
        assertEquals(200, r.statusCode(), r.body());
        return json(r);
    }

    @Test
    void privateKeyJwtClientAuthenticatesWithASignedAssertion() throws Exception {
        try (ProxyHarness h = proxy(null, null)) {
            String clientId = clientWithKeys("/signed.json");
            Map<String, Object> tokens = signInAndExchange(h, clientId);
            Map<String, String> refresh = Map.of("grant_type", "refresh_token", "refresh_token",
                    (String) tokens.get("refresh_token"));
            // the issuer identifier is an accepted audience too
            HttpResponse<String> ok = h.postForm("/oauth/token", withAssertion(refresh, assertion(clientId, h.base())));
            assertEquals(200, ok.statusCode(), ok.body());
            String newRefresh = (String) json(ok).get("refresh_token");
            refresh = Map.of("grant_type", "refresh_token", "refresh_token", newRefresh);

            // without an assertion, with a foreign key, with a shared-secret algorithm, for another audience
            HttpResponse<String> none = h.postForm("/oauth/token", Map.of("grant_type", "refresh_token",
                    "refresh_token", newRefresh, "client_id", clientId));
            assertRefused(none, "declares private_key_jwt");
            EllipticCurveJsonWebKey other = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            other.setKeyId("k1");
            assertRefused(h.postForm("/oauth/token", withAssertion(refresh, assertion(other.getPrivateKey(), "k1",
                    AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256, clientId, h.base() + "/oauth/token",
                    "j-other"))), "does not verify");
            assertRefused(h.postForm("/oauth/token", withAssertion(refresh, assertion(new HmacKey(new byte[32]), "k1",
                    AlgorithmIdentifiers.HMAC_SHA256, clientId, h.base(), "j-hmac"))), "algorithm must be one of");
            assertRefused(h.postForm("/oauth/token", withAssertion(refresh, assertion(clientId,
                    "https://elsewhere.example/token"))), "its aud must name this server");
            // a client_id that disagrees with the assertion's issuer
            Map<String, String> mismatch = new LinkedHashMap<>(withAssertion(refresh, assertion(clientId, h.base())));
            mismatch.put("client_id", docs.url("/another.json"));
            assertRefused(h.postForm("/oauth/token", mismatch), "issued (iss) by another client");
            // the grant still works with a good assertion: none of the refusals spent it
            HttpResponse<String> again = h.postForm("/oauth/token", withAssertion(refresh, assertion(clientId,
                    h.base() + "/oauth/token")));
            assertEquals(200, again.statusCode(), again.body());
        }
    }

    @Test
    void replayedClientAssertionIsRefused() throws Exception {
        MemoryTokenStorage shared = new MemoryTokenStorage();
        try (ProxyHarness a = proxy(null, shared); ProxyHarness b = proxy(a.base(), shared)) {
            String clientId = clientWithKeys("/signed.json");
            Map<String, Object> tokens = signInAndExchange(a, clientId);
            Map<String, String> refresh = Map.of("grant_type", "refresh_token", "refresh_token",
                    (String) tokens.get("refresh_token"));
            String used = assertion(clientId, a.base() + "/oauth/token");
            HttpResponse<String> first = a.postForm("/oauth/token", withAssertion(refresh, used));
            assertEquals(200, first.statusCode(), first.body());
            refresh = Map.of("grant_type", "refresh_token", "refresh_token", (String) json(first).get("refresh_token"));
            // the same assertion again, at the same instance and at another sharing the storage
            assertRefused(a.postForm("/oauth/token", withAssertion(refresh, used)), "already used");
            assertRefused(b.postForm("/oauth/token", withAssertion(refresh, used)), "already used");
            // a fresh assertion at the other instance is accepted
            HttpResponse<String> fresh = b.postForm("/oauth/token", withAssertion(refresh, assertion(clientId,
                    a.base() + "/oauth/token")));
            assertEquals(200, fresh.statusCode(), fresh.body());
        }
    }

    @Test
    void keysAtJwksUriAreFetchedUnderTheSameRules() throws Exception {
        try (ProxyHarness h = proxy(null, null)) {
            docs.json("/jwks.json", publicKeys(), "Cache-Control", "max-age=600");
            String clientId = docs.url("/remote.json");
            docs.json("/remote.json", "{\"client_id\":\"" + clientId + "\",\"client_name\":\"Remote keys\","
                    + "\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":"
                    + "\"private_key_jwt\",\"jwks_uri\":\"" + docs.url("keys.test", "/jwks.json") + "\"}");
            signInAndExchange(h, clientId);
            assertEquals(1, docs.hits("/jwks.json"));

            // keys at an internal address are never fetched
            docs.resolve("internal-keys.test", "10.0.0.7");
            String internal = docs.url("/internal.json");
            docs.json("/internal.json", "{\"client_id\":\"" + internal + "\",\"client_name\":\"Internal keys\","
                    + "\"redirect_uris\":[\"" + CLIENT_REDIRECT + "\"],\"token_endpoint_auth_method\":"
                    + "\"private_key_jwt\",\"jwks_uri\":\"https://internal-keys.test/jwks.json\"}");
            HttpResponse<String> r = h.postForm("/oauth/token", withAssertion(Map.of("grant_type", "refresh_token",
                    "refresh_token", "x"), assertion(internal, h.base())));
            assertRefused(r, "internal-keys.test resolves to 10.0.0.7, a private address");
        }
    }

    private static void assertRefused(HttpResponse<String> r, String reason) {
        assertEquals(401, r.statusCode(), r.body());
        Map<String, Object> body = json(r);
        assertEquals("invalid_client", body.get("error"), r.body());
        assertTrue(String.valueOf(body.get("error_description")).contains(reason),
                "expected '" + reason + "' in " + body.get("error_description"));
    }
}
