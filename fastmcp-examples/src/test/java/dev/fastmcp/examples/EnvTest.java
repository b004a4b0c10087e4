package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.auth.proxy.Clients;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The examples' reading of how clients identify themselves, from environment variables. */
class EnvTest {

    private static Clients clients(Map<String, String> env) {
        return Env.clients(Clients.defaults(), env::get);
    }

    @Test
    void withoutTheVariablesAnyDocumentIsAcceptedAndLoopbackOnesAreNot() {
        Clients c = clients(Map.of());
        assertNull(c.allowedMetadataDocuments(), "no list: any document");
        assertFalse(c.insecureLoopbackMetadataDocuments());
        assertNull(clients(Map.of("FASTMCP_CIMD_ALLOWED", "  ")).allowedMetadataDocuments(), "blank is unset");
    }

    @Test
    void theAllowListTakesHostsAndUrlPatternsSeparatedByCommasOrSpaces() {
        Clients c = clients(Map.of("FASTMCP_CIMD_ALLOWED",
                "claude.ai, *.example.com,https://tools.example.org/mcp/* localhost"));
        assertEquals(List.of("claude.ai", "*.example.com", "https://tools.example.org/mcp/*", "localhost"),
                c.allowedMetadataDocuments());
        assertFalse(c.insecureLoopbackMetadataDocuments(), "the list does not turn on the development mode");
    }

    @Test
    void anInvalidEntryIsRefusedNamingTheVariable() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> clients(Map.of("FASTMCP_CIMD_ALLOWED", "claude.ai,http://plain.example.com/*")));
        assertTrue(e.getMessage().startsWith("FASTMCP_CIMD_ALLOWED: "), e.getMessage());
        assertTrue(e.getMessage().contains("'http://plain.example.com/*'"), e.getMessage());
    }

    @Test
    void theDevelopmentModeAndTheAllowListCombine() {
        Clients c = clients(Map.of("FASTMCP_DEV_INSECURE_CIMD", "1",
                "FASTMCP_CIMD_ALLOWED", "https://localhost:8443/clients/*"));
        assertTrue(c.insecureLoopbackMetadataDocuments());
        assertEquals(List.of("https://localhost:8443/clients/*"), c.allowedMetadataDocuments());
        assertFalse(clients(Map.of("FASTMCP_DEV_INSECURE_CIMD", "true")).insecureLoopbackMetadataDocuments(),
                "only 1 turns it on");
    }
}
