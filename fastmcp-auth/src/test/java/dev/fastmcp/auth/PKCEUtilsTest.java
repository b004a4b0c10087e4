package dev.fastmcp.auth;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PKCEUtilsTest {

    /** RFC 7636 Appendix B (the challenge also checked against openssl and Python's hashlib). */
    private static final String RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    private static final String RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9._~-]+");

    @Test
    void rfc7636AppendixBVectorMatches() {
        assertEquals(RFC_CHALLENGE, PKCEUtils.generateChallenge(RFC_VERIFIER, "S256"));
        assertEquals(RFC_CHALLENGE, PKCEUtils.generateChallenge(RFC_VERIFIER));
        assertTrue(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_CHALLENGE, "S256"));
    }

    @Test
    void pairDefaultsToS256WithAMaximalVerifier() {
        PKCEUtils.PKCEPair pair = PKCEUtils.generatePair();
        assertEquals("S256", pair.method());
        assertEquals(128, pair.verifier().length());
        assertEquals(PKCEUtils.generateChallenge(pair.verifier(), "S256"), pair.challenge());
        assertTrue(PKCEUtils.validateChallenge(pair.verifier(), pair.challenge(), pair.method()));
    }

    @Test
    void plainPairUsesTheVerifierAsChallenge() {
        PKCEUtils.PKCEPair pair = PKCEUtils.generatePair("plain");
        assertEquals("plain", pair.method());
        assertEquals(pair.verifier(), pair.challenge());
        assertTrue(PKCEUtils.validateChallenge(pair.verifier(), pair.challenge(), "plain"));
    }

    @Test
    void pairDoesNotLeakTheVerifierThroughToString() {
        PKCEUtils.PKCEPair pair = PKCEUtils.generatePair();
        assertFalse(pair.toString().contains(pair.verifier()));
        assertTrue(pair.toString().contains(pair.challenge()));
    }

    @Test
    void verifierLengthIsEnforcedAtBothBounds() {
        assertEquals(128, PKCEUtils.generateVerifier().length());
        assertEquals(43, PKCEUtils.generateVerifier(43).length());
        assertEquals(128, PKCEUtils.generateVerifier(128).length());
        for (int bad : new int[] {42, 129, 0, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PKCEUtils.generateVerifier(bad));
            assertTrue(e.getMessage().contains("was " + bad), e.getMessage());
            assertTrue(e.getMessage().contains("43") && e.getMessage().contains("128"), e.getMessage());
        }
    }

    @Test
    void verifiersUseOnlyUnreservedCharactersAndNeverRepeat() {
        Set<String> seen = new HashSet<>();
        Set<Character> alphabet = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String v = PKCEUtils.generateVerifier(43);
            assertTrue(UNRESERVED.matcher(v).matches(), v);
            assertTrue(PKCEUtils.isValidVerifier(v));
            assertTrue(seen.add(v), "repeated verifier");
            v.chars().forEach(c -> alphabet.add((char) c));
        }
        // 21,500 uniform draws over 66 symbols: every symbol, including - . _ ~, shows up.
        assertEquals(66, alphabet.size());
    }

    @Test
    void unknownMethodIsRefusedNamingItAndTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PKCEUtils.generateChallenge(RFC_VERIFIER, "S512"));
        assertTrue(e.getMessage().contains("'S512'"), e.getMessage());
        assertTrue(e.getMessage().contains("S256") && e.getMessage().contains("plain"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PKCEUtils.generatePair("S512"));
        assertThrows(IllegalArgumentException.class, () -> PKCEUtils.generateChallenge(RFC_VERIFIER, null));
    }

    @Test
    void methodNamesAreCaseSensitiveWithAHint() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PKCEUtils.generateChallenge(RFC_VERIFIER, "s256"));
        assertTrue(e.getMessage().contains("case-sensitive"), e.getMessage());
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_CHALLENGE, "s256"));
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_VERIFIER, "PLAIN"));
    }

    @Test
    void wrongVerifierIsRejected() {
        String other = PKCEUtils.generateVerifier();
        assertFalse(PKCEUtils.validateChallenge(other, RFC_CHALLENGE, "S256"));
        assertFalse(PKCEUtils.validateChallenge(other, RFC_VERIFIER, "plain"));
    }

    @Test
    void challengeReplayedAsVerifierIsRejected() {
        // An attacker who saw the challenge cannot present it as the verifier.
        assertFalse(PKCEUtils.validateChallenge(RFC_CHALLENGE, RFC_CHALLENGE, "S256"));
    }

    @Test
    void s256ChallengeCheckedAsPlainIsRejected() {
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_CHALLENGE, "plain"));
    }

    @Test
    void truncatedOrExtendedChallengeIsRejected() {
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_CHALLENGE.substring(1), "S256"));
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_CHALLENGE + "=", "S256"));
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_CHALLENGE.toLowerCase(), "S256"));
    }

    @Test
    void missingOrEmptyInputsFailClosedWithoutThrowing() {
        assertDoesNotThrow(() -> {
            assertFalse(PKCEUtils.validateChallenge(null, RFC_CHALLENGE, "S256"));
            assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, null, "S256"));
            assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_CHALLENGE, null));
            assertFalse(PKCEUtils.validateChallenge("", "", "plain"));
            assertFalse(PKCEUtils.validateChallenge("", "", "S256"));
            assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, "", "S256"));
            assertFalse(PKCEUtils.validateChallenge(null, null, null));
        });
    }

    @Test
    void missingMethodIsNotTreatedAsPlain() {
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_VERIFIER, null));
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_VERIFIER, ""));
    }

    @Test
    void unknownMethodFailsValidationWithoutThrowing() {
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_CHALLENGE, "S512"));
        assertFalse(PKCEUtils.validateChallenge(RFC_VERIFIER, RFC_VERIFIER, "none"));
    }

    @Test
    void verifierBreakingRfcSyntaxIsRejectedEvenWhenPlainMatches() {
        String tooShort = "a".repeat(42);
        String tooLong = "a".repeat(129);
        String badChar = "a".repeat(42) + "+";
        String space = "a".repeat(42) + " ";
        String nonAscii = "a".repeat(42) + "\u00e9";
        for (String v : new String[] {tooShort, tooLong, badChar, space, nonAscii}) {
            assertFalse(PKCEUtils.isValidVerifier(v), v);
            assertFalse(PKCEUtils.validateChallenge(v, v, "plain"), v);
        }
        assertTrue(PKCEUtils.validateChallenge("a".repeat(43), "a".repeat(43), "plain"));
        assertTrue(PKCEUtils.isValidVerifier("a".repeat(128)));
        assertFalse(PKCEUtils.isValidVerifier(null));
    }

    @Test
    void invalidVerifierErrorDoesNotEchoTheSecret() {
        String secretish = "x".repeat(40) + "/";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PKCEUtils.generateChallenge(secretish, "S256"));
        assertFalse(e.getMessage().contains(secretish), e.getMessage());
        assertTrue(e.getMessage().contains("was 41"), e.getMessage());
        String badChar = "x".repeat(50) + "/";
        e = assertThrows(IllegalArgumentException.class, () -> PKCEUtils.generateChallenge(badChar));
        assertTrue(e.getMessage().contains("index 50"), e.getMessage());
    }

    @Test
    void s256ChallengeIsUnpaddedBase64Url() {
        for (int i = 0; i < 50; i++) {
            String challenge = PKCEUtils.generatePair().challenge();
            assertEquals(43, challenge.length());
            assertTrue(challenge.matches("[A-Za-z0-9_-]{43}"), challenge);
        }
        assertNotEquals(PKCEUtils.generatePair().challenge(), PKCEUtils.generatePair().challenge());
    }
}
