package dev.fastmcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@link RemoteAuthProvider} and the development {@link StaticTokenVerifier} provide, and what they refuse. */
class RemoteAuthProviderTest {

    private static final TokenVerifier NOBODY = token -> TokenVerification.invalid("no tokens here");

    private static IllegalArgumentException refused(String... servers) {
        return assertThrows(IllegalArgumentException.class,
                () -> RemoteAuthProvider.builder(NOBODY).authorizationServers(servers).build());
    }

    @Test
    void servesTheVerifierTheAuthorizationServersAndTheScopesAndNoRoutes() {
        RemoteAuthProvider provider = RemoteAuthProvider.builder(NOBODY)
                .authorizationServers("https://auth.example.com", "https://tenant.auth0.com/",
                        "https://auth.example.com")
                .scopesSupported("notes:read", "notes:write", "notes:read")
                .build();

        assertSame(NOBODY, provider.tokenVerifier());
        assertEquals(List.of("https://auth.example.com", "https://tenant.auth0.com/"),
                provider.authorizationServers(), "issuers verbatim (trailing slash kept), in order, once each");
        assertEquals(List.of("notes:read", "notes:write"), provider.scopesSupported());
        assertEquals(List.of(), provider.routes());
        assertEquals(null, provider.authorizationServerMetadata());
    }

    @Test
    void atLeastOneAuthorizationServerIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RemoteAuthProvider.builder(NOBODY).scopesSupported("notes:read").build());
        assertTrue(e.getMessage().contains("authorizationServers("), e.getMessage());
        assertTrue(refused().getMessage().contains("no authorization server"));
    }

    @Test
    void authorizationServersMustBeAbsoluteHttpsUrls() {
        assertTrue(refused("auth.example.com").getMessage().contains("absolute https URL"));
        assertTrue(refused("/oauth").getMessage().contains("absolute https URL"));
        assertTrue(refused("ftp://auth.example.com").getMessage().contains("absolute https URL"));
        assertTrue(refused("https://auth.example.com/?tenant=1").getMessage().contains("query"));
        assertTrue(refused("https://auth.example.com/#x").getMessage().contains("fragment"));
        assertTrue(refused("https://user:pw@auth.example.com").getMessage().contains("user info"));
        assertTrue(refused("https://auth example.com").getMessage().contains("not a valid URL"));
        assertTrue(refused(" ").getMessage().contains("blank"));
        assertTrue(refused((String) null).getMessage().contains("null"));
    }

    @Test
    void plainHttpIsAcceptedOnlyForLoopbackAuthorizationServers() {
        IllegalArgumentException e = refused("http://auth.example.com");
        assertTrue(e.getMessage().contains("plain http"), e.getMessage());
        for (String local : List.of("http://localhost:9000", "http://127.0.0.1:9000/realms/test", "http://[::1]:9000")) {
            assertEquals(List.of(local),
                    RemoteAuthProvider.builder(NOBODY).authorizationServers(local).build().authorizationServers());
        }
    }

    @Test
    void scopesMustBeValidScopeTokens() {
        for (String bad : List.of("notes read", "notes\"read", "", "caf\u00e9")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> RemoteAuthProvider.builder(NOBODY).authorizationServers("https://auth.example.com")
                            .scopesSupported(bad).build());
            assertTrue(e.getMessage().contains("scope"), e.getMessage());
        }
    }

    @Test
    void aVerifierIsRequired() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> RemoteAuthProvider.builder(null));
        assertTrue(e.getMessage().contains("TokenVerifier"), e.getMessage());
    }

    @Test
    void laterCallsReplaceEarlierOnes() {
        RemoteAuthProvider provider = RemoteAuthProvider.builder(NOBODY)
                .authorizationServers("https://old.example.com").authorizationServers("https://new.example.com")
                .scopesSupported("a").scopesSupported("b")
                .build();
        assertEquals(List.of("https://new.example.com"), provider.authorizationServers());
        assertEquals(List.of("b"), provider.scopesSupported());
    }

    @Test
    void aStaticTokenVerifierIsAProviderWithoutAuthorizationServers() {
        StaticTokenVerifier verifier = new StaticTokenVerifier(Map.of("t", Map.of("sub", "alice")),
                List.of("mcp:use"));
        AuthProvider provider = verifier;

        assertSame(verifier, provider.tokenVerifier());
        assertEquals(List.of(), provider.authorizationServers());
        assertEquals(List.of("mcp:use"), provider.scopesSupported());
        assertEquals(List.of(), provider.routes());
    }
}
