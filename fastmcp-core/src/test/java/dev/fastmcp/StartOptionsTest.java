package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.transport.ResolvedOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartOptionsTest {

    @Test
    void defaultsAreHttpOnLoopback8080() {
        ResolvedOptions r = StartOptions.fromEnvironment().resolve(Map.of());
        assertEquals(new ResolvedOptions(StartOptions.Transport.HTTP, "127.0.0.1", 8080, "/mcp", false, null), r);
    }

    @Test
    void theEnvironmentFillsWhatTheCodeLeavesUnset() {
        Map<String, String> env = Map.of("FASTMCP_PORT", "9001", "FASTMCP_HOST", "0.0.0.0",
                "FASTMCP_ENDPOINT", "/api/mcp", "FASTMCP_STATELESS", "true", "FASTMCP_TRANSPORT", "httpStream",
                "FASTMCP_BASE_URL", "https://mcp.example.com");
        assertEquals(new ResolvedOptions(StartOptions.Transport.HTTP, "0.0.0.0", 9001, "/api/mcp", true,
                        "https://mcp.example.com"),
                StartOptions.fromEnvironment().resolve(env));
        assertEquals(0, StartOptions.http().port(0).resolve(env).port(), "explicit options win");
        assertEquals(StartOptions.Transport.STDIO,
                StartOptions.fromEnvironment().resolve(Map.of("FASTMCP_TRANSPORT", "stdio")).transport());
    }

    @Test
    void badValuesAreExplained() {
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class,
                () -> StartOptions.fromEnvironment().resolve(Map.of("FASTMCP_PORT", "http")));
        assertTrue(port.getMessage().contains("FASTMCP_PORT") && port.getMessage().contains("'http'"));
        IllegalArgumentException transport = assertThrows(IllegalArgumentException.class,
                () -> StartOptions.fromEnvironment().resolve(Map.of("FASTMCP_TRANSPORT", "carrier-pigeon")));
        assertTrue(transport.getMessage().contains("carrier-pigeon"));
        assertThrows(IllegalArgumentException.class, () -> StartOptions.http().port(70000));
        // a flag never silently means false: 1 is true, and what is neither is refused
        assertTrue(StartOptions.fromEnvironment().resolve(Map.of("FASTMCP_STATELESS", "1")).stateless());
        IllegalArgumentException flag = assertThrows(IllegalArgumentException.class,
                () -> StartOptions.fromEnvironment().resolve(Map.of("FASTMCP_STATELESS", "on")));
        assertTrue(flag.getMessage().contains("FASTMCP_STATELESS") && flag.getMessage().contains("'on'"));
    }

    @Test
    void aTakenPortIsExplained() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
                FastMCP server = FastMCP.builder("x", "1").build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> server.start(StartOptions.http().port(taken.getLocalPort())));
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
    }

    @Test
    void testIdentitiesAndTheStdioIdentityEachBelongToTheirTransports() {
        TokenVerifier verifier = token -> TokenVerification.invalid("none");
        IllegalArgumentException stdio = assertThrows(IllegalArgumentException.class,
                () -> StartOptions.stdio().trustTestIdentities(verifier).resolve(Map.of()));
        assertTrue(stdio.getMessage().contains("identity(...)"), stdio.getMessage());
        assertEquals(verifier, StartOptions.inMemory().trustTestIdentities(verifier).resolve(Map.of())
                .testIdentities());
        assertEquals(verifier, StartOptions.http().trustTestIdentities(verifier).resolve(Map.of()).testIdentities());
        IllegalArgumentException memory = assertThrows(IllegalArgumentException.class, () -> StartOptions.inMemory()
                .identity(AuthSession.of("ada", java.util.List.of())).resolve(Map.of()));
        assertTrue(memory.getMessage().contains("FastMCP.connectInMemory"), memory.getMessage());
        assertTrue(StartOptions.http().trustTestIdentities(verifier).resolve(Map.of()).toString()
                .contains("testIdentities=true"));
    }

    @Test
    void testIdentitiesStayOnLoopbackAndInMemoryReadsNoEnvironment() {
        TokenVerifier verifier = token -> TokenVerification.invalid("none");
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> StartOptions.http().host("0.0.0.0").trustTestIdentities(verifier).resolve(Map.of()));
        assertTrue(wide.getMessage().contains("'0.0.0.0'"), wide.getMessage());
        ResolvedOptions memory = StartOptions.inMemory().resolve(Map.of("FASTMCP_PORT", "not-a-port",
                "FASTMCP_STATELESS", "true", "FASTMCP_ENDPOINT", "/other"));
        assertEquals(new ResolvedOptions(StartOptions.Transport.IN_MEMORY, "127.0.0.1", 0, "/mcp", false, null),
                memory);
        assertThrows(IllegalArgumentException.class, () -> StartOptions.inMemory().stateless(true).resolve(Map.of()));
    }
}
