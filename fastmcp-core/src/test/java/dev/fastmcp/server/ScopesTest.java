package dev.fastmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.FastMCP;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The scope rules of MCP 2026-07-28: a broader scope implies narrower ones; offline_access is never advertised. */
class ScopesTest {

    private static final Scopes NOTES = Scopes.hierarchy(Map.of(
            "notes:admin", Set.of("notes:write"),
            "notes:write", Set.of("notes:read")));

    @Test
    void aBroaderScopeImpliesTheNarrowerOnesThroughEachOther() {
        assertTrue(NOTES.holds(Set.of("notes:write"), "notes:read"));
        assertTrue(NOTES.holds(Set.of("notes:admin"), "notes:read"), "transitively");
        assertTrue(NOTES.holds(Set.of("notes:admin"), "notes:admin"), "a granted scope is held");
        assertFalse(NOTES.holds(Set.of("notes:read"), "notes:write"), "never the other way");
        assertFalse(NOTES.holds(Set.of("notes:write"), "notes:admin"));
        assertFalse(NOTES.holds(Set.of(), "notes:read"));
        assertTrue(NOTES.holds(Set.of("profile"), "profile"), "scopes outside the hierarchy are held when granted");
    }

    @Test
    void anImpliedScopeEndingInAStarCoversEveryScopeThatStartsWithItsPrefix() {
        Scopes admin = Scopes.hierarchy(Map.of(
                "admin", List.of("admin:*"),
                "admin:notes", List.of("notes:read"),
                "root", List.of("*")));
        assertTrue(admin.holds(Set.of("admin"), "admin:users"));
        assertTrue(admin.holds(Set.of("admin"), "admin:users:delete"));
        assertTrue(admin.holds(Set.of("admin"), "notes:read"), "through admin:notes, which admin:* covers");
        assertFalse(admin.holds(Set.of("admin"), "administrator"), "the prefix is admin:, not admin");
        assertFalse(admin.holds(Set.of("admin:users"), "admin"), "never the other way");
        assertFalse(admin.holds(Set.of("admin:*"), "admin:users"), "a granted scope is a scope, not a pattern");
        assertTrue(admin.holds(Set.of("root"), "anything:at-all"));
    }

    @Test
    void aCycleMakesItsScopesEquivalentAndEnds() {
        Scopes cycle = Scopes.hierarchy(Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a")));
        assertTrue(cycle.holds(Set.of("b"), "a"));
        assertTrue(cycle.holds(Set.of("c"), "b"));
        assertFalse(cycle.holds(Set.of("b"), "d"));
    }

    @Test
    void withoutAHierarchyOnlyTheGrantedScopesAreHeld() {
        assertTrue(Scopes.FLAT.holds(Set.of("notes:write"), "notes:write"));
        assertFalse(Scopes.FLAT.holds(Set.of("notes:write"), "notes:read"));
        assertEquals(Set.of(), Scopes.hierarchy(Map.of()).missing(Set.of("a"), List.of("a")));
    }

    @Test
    void missingNamesTheRequiredScopesNotHeldInTheirOrder() {
        assertEquals(List.of("notes:admin", "billing"), List.copyOf(NOTES.missing(Set.of("notes:write"),
                List.of("notes:admin", "notes:read", "billing"))));
        assertEquals(Set.of(), NOTES.missing(Set.of("notes:admin"), List.of("notes:read", "notes:write")));
    }

    @Test
    void aBlankScopeOrAStarAnywhereButAtTheEndOfAnImpliedScopeIsRefused() {
        for (Map<String, List<String>> wrong : List.of(Map.of(" ", List.of("a")), Map.of("a", List.of("")),
                Map.of("admin:*", List.of("a")), Map.of("a", List.of("b*c")), Map.of("a", List.of("**")))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Scopes.hierarchy(wrong),
                    wrong.toString());
            assertTrue(e.getMessage().startsWith("The scope hierarchy "), e.getMessage());
        }
        Map<String, List<String>> nullImplied = new LinkedHashMap<>();
        nullImplied.put("a", null);
        assertThrows(IllegalArgumentException.class, () -> Scopes.hierarchy(nullImplied));
        assertThrows(IllegalArgumentException.class, () -> Scopes.hierarchy(Map.of("a", Arrays.asList("b", null))));
        IllegalArgumentException builder = assertThrows(IllegalArgumentException.class,
                () -> FastMCP.builder("s", "1").scopeHierarchy(Map.of("a", List.of("b*c"))));
        assertTrue(builder.getMessage().contains("'b*c'") && builder.getMessage().contains("admin:*"),
                builder.getMessage());
    }

    @Test
    void offlineAccessIsNeverAdvertised() {
        assertEquals(List.of("openid", "notes:read"), Scopes.advertised(List.of("openid", "offline_access",
                "notes:read")));
        assertEquals(List.of(), Scopes.advertised(Set.of("offline_access")));
        assertEquals(List.of("offline_access:x", "Offline_Access"), Scopes.advertised(List.of("offline_access:x",
                "Offline_Access")), "scope tokens are case-sensitive: only offline_access itself is left out");
    }

    @Test
    void theBuilderAddsToTheHierarchyAcrossCalls() {
        Blueprint blueprint = new Blueprint("s", "1");
        blueprint.scopeHierarchy(Map.of("notes:write", List.of("notes:read")));
        blueprint.scopeHierarchy(Map.of("notes:write", List.of("notes:list"), "admin", List.of("notes:write")));
        Scopes scopes = blueprint.settings().scopeHierarchy();
        assertTrue(scopes.holds(Set.of("notes:write"), "notes:read"));
        assertTrue(scopes.holds(Set.of("notes:write"), "notes:list"));
        assertTrue(scopes.holds(Set.of("admin"), "notes:read"));
        assertFalse(new Blueprint("s", "1").settings().scopeHierarchy().holds(Set.of("notes:write"), "notes:read"));
    }
}
