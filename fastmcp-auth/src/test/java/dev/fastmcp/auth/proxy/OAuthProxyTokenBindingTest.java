package dev.fastmcp.auth.proxy;

import static dev.fastmcp.testsupport.Browser.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.jwt.JWTIssuer;
import dev.fastmcp.auth.testing.McpHttp;
import dev.fastmcp.testsupport.Browser;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Whoever knows the signing key (derived from the secret, as here) can sign any claims. Our tokens are only good
 * together with the mapping stored when they were issued, so a live token re-signed with other claims (another
 * user, client, scopes or roles) is refused like an unknown token, on {@code /mcp} and at the token endpoint, and
 * the real token keeps working.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class OAuthProxyTokenBindingTest {

    private ProxyHarness h;
    private byte[] key;

    @BeforeAll
    void start() {
        h = new ProxyHarness(b -> b.limits(l -> l.registrationRateLimit(0).authorizationRateLimit(0)));
        key = ProxyKeys.resolve(KeysAndStorage.defaults().secret(ProxyHarness.SECRET)).signing();
    }

    @AfterAll
    void stop() {
        h.close();
    }

    @Test
    void aTokenReSignedWithTheKeyAsAnotherUserIsRefused() throws Exception {
        String clientId = h.registerPublic();
        String access = (String) h.tokensFor(clientId, "alice-123").get("access_token");
        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode());
        assertEquals("alice-123|" + clientId + "|alice-123@example.com", McpHttp.text(mcp.callTool(access, 1, "whoami")));

        String forged = resign(access, c -> c.setSubject("admin-1"));
        assertRefusedOnMcp(mcp, forged);
        assertEquals("alice-123|" + clientId + "|alice-123@example.com", McpHttp.text(mcp.callTool(access, 2, "whoami")),
                "the real token still works");
    }

    @Test
    void aTokenReSignedWithTheKeyWithMoreScopesIsRefused() throws Exception {
        String clientId = h.registerPublic();
        String access = (String) h.tokensFor(clientId, "alice-123").get("access_token");
        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode());

        String forged = resign(access, c -> c.setStringClaim("scope", "openid profile admin"));
        assertRefusedOnMcp(mcp, forged);
        assertEquals(200, mcp.listTools(access).statusCode(), "the real token still works");
    }

    @Test
    void aTokenReSignedWithTheKeyForAnotherClientIsRefused() throws Exception {
        String clientId = h.registerPublic();
        String other = h.registerPublic();
        String access = (String) h.tokensFor(clientId, "alice-123").get("access_token");
        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode());

        String forged = resign(access, c -> c.setStringClaim("client_id", other));
        assertRefusedOnMcp(mcp, forged);
        assertEquals(200, mcp.listTools(access).statusCode(), "the real token still works");
    }

    /** Roles drive {@code canAccess} rules and are not in the mapping: the token as issued is what is bound. */
    @Test
    void aTokenReSignedWithTheKeyWithAnotherRoleIsRefused() throws Exception {
        String clientId = h.registerPublic();
        String access = (String) h.tokensFor(clientId, "alice-123").get("access_token");
        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode());

        String forged = resign(access, c -> c.setStringListClaim("roles", List.of("admin")));
        assertRefusedOnMcp(mcp, forged);
        assertEquals(200, mcp.listTools(access).statusCode(), "the real token still works");
    }

    @Test
    void aRefreshTokenReSignedAsAnotherUserIsRefused() throws Exception {
        String clientId = h.registerPublic();
        String refresh = (String) h.tokensFor(clientId, "alice-123").get("refresh_token");

        HttpResponse<String> forged = h.refresh(clientId, resign(refresh, c -> c.setSubject("admin-1")));
        assertEquals(400, forged.statusCode(), forged.body());
        assertEquals("invalid_grant", json(forged).get("error"));

        HttpResponse<String> real = h.refresh(clientId, refresh);
        assertEquals(200, real.statusCode(), "the real refresh token is not spent by the forgery: " + real.body());
    }

    @Test
    void aRefreshTokenReSignedForAnotherClientIsRefused() throws Exception {
        String clientId = h.registerPublic();
        String other = h.registerPublic();
        String refresh = (String) h.tokensFor(clientId, "alice-123").get("refresh_token");

        HttpResponse<String> forged = h.refresh(other, resign(refresh, c -> c.setStringClaim("client_id", other)));
        assertEquals(400, forged.statusCode(), "another client cannot take the grant over: " + forged.body());
        assertEquals("invalid_grant", json(forged).get("error"));

        HttpResponse<String> real = h.refresh(clientId, refresh);
        assertEquals(200, real.statusCode(), real.body());
    }

    @Test
    void aRefreshTokenReSignedWithMoreScopesIsRefused() throws Exception {
        String clientId = h.registerPublic();
        String refresh = (String) h.tokensFor(clientId, "alice-123").get("refresh_token");

        HttpResponse<String> forged = h.refresh(clientId,
                resign(refresh, c -> c.setStringClaim("scope", "openid profile admin")));
        assertEquals(400, forged.statusCode(), forged.body());
        assertEquals("invalid_grant", json(forged).get("error"));
        assertEquals(200, h.refresh(clientId, refresh).statusCode());
    }

    @Test
    void aTokenReSignedWithTheKeyForAnotherClientCannotRevokeTheGrant() throws Exception {
        String clientId = h.registerPublic();
        String attacker = h.registerPublic();
        Map<String, Object> tokens = h.tokensFor(clientId, "alice-123");
        String refresh = (String) tokens.get("refresh_token");
        String access = (String) tokens.get("access_token");
        for (String token : List.of(refresh, access)) {
            HttpResponse<String> revoked = h.postForm("/oauth/revoke", Map.of("client_id", attacker,
                    "token", resign(token, c -> c.setStringClaim("client_id", attacker))));
            assertEquals(200, revoked.statusCode(), "RFC 7009: an unknown token is no error: " + revoked.body());
        }
        McpHttp mcp = new McpHttp(URI.create(h.mcpUrl()));
        assertEquals(200, mcp.initialize(access).statusCode(), "the real access token still works");
        assertEquals(200, h.refresh(clientId, refresh).statusCode(), "the real grant still refreshes");
    }

    /**
     * A forged token is refused with the same answer as a token this server never issued: for a new session, and
     * in the session of the real token, whose jti it carries (and whose verified session is cached).
     */
    private void assertRefusedOnMcp(McpHttp mcp, String forged) throws Exception {
        HttpResponse<String> fresh = new McpHttp(URI.create(h.mcpUrl())).initialize(forged);
        assertEquals(401, fresh.statusCode(), "a forged token is refused: " + fresh.body());
        assertTrue(McpHttp.challengeHeader(fresh).contains("invalid_token"), McpHttp.challengeHeader(fresh));
        HttpResponse<String> call = mcp.callTool(forged, 9, "whoami");
        assertEquals(401, call.statusCode(), call.body());
    }

    /**
     * {@code token} signed again with the proxy's key after {@code change} to its claims, as an attacker who
     * learnt the secret would. First proves the key is the server's: re-signing the token unchanged gives it back.
     */
    private String resign(String token, Consumer<JwtClaims> change) throws Exception {
        String[] parts = token.split("\\.");
        JsonWebSignature same = new JsonWebSignature();
        same.setKey(new HmacKey(key));
        same.setCompactSerialization(token);
        assertTrue(same.verifySignature(), "the test derives the server's signing key from the secret");

        Map<String, Object> header = TokenService.jwtPayload(parts[1] + "." + parts[0] + "." + parts[2]);
        JwtClaims claims = JwtClaims.parse(new String(Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8));
        change.accept(claims);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue((String) header.get("kid"));
        jws.setHeader("typ", (String) header.get("typ"));
        jws.setPayload(claims.toJson());
        jws.setKey(new HmacKey(key));
        String forged = jws.getCompactSerialization();
        JWTIssuer sameKey = new JWTIssuer(claims.getIssuer(), claims.getAudience().get(0), key);
        assertTrue(sameKey.verify(forged).isValid(), "the forgery passes signature, issuer and audience checks");
        return forged;
    }
}
