package dev.fastmcp.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StaticTokenVerifierTest {

    private static final String ALICE = "dev-alice-token-7f3a";
    private static final String BOB = "dev-bob-token-91c2";

    private final StaticTokenVerifier verifier = new StaticTokenVerifier(Map.of(
            ALICE, Map.of("sub", "alice", "client_id", "cli", "scopes", List.of("read", "write"), "role", "admin"),
            BOB, Map.of("client_id", "bob-service", "scope", "read")));

    @Test
    void knownTokenYieldsItsSession() {
        TokenVerification result = verifier.verify(ALICE);

        assertTrue(result.isValid(), result.error());
        AuthSession session = result.session();
        assertEquals("alice", session.subject());
        assertEquals("cli", session.clientId());
        assertEquals(Set.of("read", "write"), session.scopes());
        assertEquals(Set.of("admin"), session.roles());
        assertNull(session.expiresAt());
    }

    @Test
    void clientIdStandsInForAMissingSubject() {
        AuthSession session = verifier.verify(BOB).session();

        assertEquals("bob-service", session.subject());
        assertEquals(Set.of("read"), session.scopes());
    }

    @Test
    void unknownOrNearMissTokenIsRejectedWithoutEchoingIt() {
        for (String guess : new String[] {"dev-alice-token-7f3b", ALICE + " ", ALICE.substring(1), "x"}) {
            TokenVerification result = verifier.verify(guess);

            assertFalse(result.isValid());
            assertEquals("unknown token", result.error());
        }
        assertFalse(verifier.verify(null).isValid());
        assertFalse(verifier.verify("").isValid());
    }

    @Test
    void expiredTokenIsRejected() {
        StaticTokenVerifier expiring = new StaticTokenVerifier(Map.of(
                "old", Map.of("sub", "a", "exp", Instant.now().minusSeconds(1).getEpochSecond()),
                "fresh", Map.of("sub", "b", "exp", Instant.now().plusSeconds(600))));

        TokenVerification old = expiring.verify("old");
        assertFalse(old.isValid());
        assertTrue(old.error().startsWith("token expired at"), old.error());
        assertTrue(expiring.verify("fresh").isValid());
        assertTrue(expiring.verify("fresh").session().expiresAt().isAfter(Instant.now()));
    }

    @Test
    void tokenMissingARequiredScopeIsRejectedNamingIt() {
        StaticTokenVerifier strict = new StaticTokenVerifier(Map.of(
                ALICE, Map.of("sub", "alice", "scopes", List.of("read", "write")),
                BOB, Map.of("sub", "bob", "scope", "read")), List.of("write"));

        assertTrue(strict.verify(ALICE).isValid());
        TokenVerification bob = strict.verify(BOB);
        assertFalse(bob.isValid());
        assertTrue(bob.error().contains("lacks the required scope(s) write"), bob.error());
    }

    @Test
    void invalidEntriesFailAtConstructionWithoutRevealingTheToken() {
        IllegalArgumentException noSubject = assertThrows(IllegalArgumentException.class,
                () -> new StaticTokenVerifier(Map.of("secret-token-1", Map.of("scopes", List.of("read")))));
        assertTrue(noSubject.getMessage().contains("\"sub\""), noSubject.getMessage());
        assertFalse(noSubject.getMessage().contains("secret-token-1"));

        IllegalArgumentException badExp = assertThrows(IllegalArgumentException.class,
                () -> new StaticTokenVerifier(Map.of("secret-token-2", Map.of("sub", "a", "exp", "tomorrow"))));
        assertTrue(badExp.getMessage().contains("epoch seconds"), badExp.getMessage());
        assertFalse(badExp.getMessage().contains("secret-token-2"));

        assertThrows(IllegalArgumentException.class, () -> new StaticTokenVerifier(Map.of(" ", Map.of("sub", "a"))));
        assertThrows(IllegalArgumentException.class, () -> new StaticTokenVerifier(null));
    }

    @Test
    void toStringDoesNotRevealTokens() {
        assertFalse(verifier.toString().contains(ALICE));
        assertEquals("StaticTokenVerifier[2 token(s)]", verifier.toString());
    }
}
