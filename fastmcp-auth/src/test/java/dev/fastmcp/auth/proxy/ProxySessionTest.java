package dev.fastmcp.auth.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fastmcp.auth.internal.ImmutableValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProxySessionTest {

    @Test
    void nullUpstreamClaimsAreDroppedInsteadOfFailingEveryRequest() {
        Map<String, Object> upstream = new LinkedHashMap<>();
        upstream.put("sub", "u-1");
        upstream.put("middle_name", null); // some identity providers send explicit nulls in their tokens
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("jti", "j");
        ours.put("act", null);
        ProxySession session = new ProxySession("u-1", "client", Set.of("read"), ours, Instant.EPOCH,
                ImmutableValue.frozen(upstream), () -> null);
        assertEquals(Map.of("sub", "u-1"), session.upstreamClaims());
        assertEquals(Map.of("jti", "j"), session.claims());
        assertFalse(session.upstreamClaims().containsKey("middle_name"));
        assertThrows(UnsupportedOperationException.class, () -> session.upstreamClaims().put("x", "y"));
    }

    @Test
    void immutableClaimsAreAcceptedAsTheyAre() {
        Map<String, Object> claims = Map.of("sub", "u-2", "scope", "read");
        ProxySession session = new ProxySession("u-2", null, Set.of(), claims, null, Map.of(), () -> null);
        assertEquals(claims, session.claims());
        assertEquals(Map.of(), session.upstreamClaims());
    }
}
