package dev.fastmcp.auth.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.LogCapture;
import dev.fastmcp.auth.jwt.JWTIssuer;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.internal.SecretStrength;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The proxy derives its signing, storage and consent keys from {@code secret(...)} with fast HKDF, so one issued
 * token lets anyone test guesses at the secret offline: a secret must be random key material. Passphrases and
 * patterns are refused at {@code build()}, with what was measured and how to make a good one.
 */
class SecretStrengthTest {

    private static final List<String> WEAK = List.of(
            "correct horse battery staple correct horse",
            "correcthorsebatterystaplecorrecthorsebatterystaple",
            "CorrectHorseBatteryStapleCorrectHorseBatteryStaple",
            "correct-horse-battery-staple-correct-horse-battery",
            "It was the best of times, it was the worst of times, it was the age of wisdom",
            "MySuperSecretPassword2024!MySuperSecretPassword2024!",
            "ThisIsMyVeryLongAndVerySecurePassphraseForTheProductionServer",
            "a-test-secret-of-at-least-32-characters!",
            "Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!",
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ",
            "0000000000000000000000000000000000000000000000000000000000000000",
            "01234567890123456789012345678901234567890123456789");

    private static OAuthProxy.Builder proxy() {
        return OAuthProxy.builder(Upstream.of("https://idp.example/authorize", "https://idp.example/token", "id",
                "secret"));
    }

    @Test
    void aDictionaryPassphraseSecretIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> proxy().secret("correct horse battery staple correct horse").build());
        String message = e.getMessage();
        assertTrue(message.startsWith("secret is too weak to derive keys from"), message);
        assertTrue(message.contains("42 characters") && message.matches("(?s).*estimated strength of \\d+ bits.*"),
                "the message says what was measured: " + message);
        assertTrue(message.contains("openssl rand -base64 32"), "the message says how to fix it: " + message);
        for (String weak : WEAK) {
            SecretStrength.Estimate estimate = SecretStrength.estimate(weak);
            assertTrue(estimate.bits() < SecretStrength.MIN_BITS, weak + " estimated at " + estimate);
            assertThrows(IllegalArgumentException.class, () -> proxy().secret(weak).build(), weak);
        }
    }

    @Test
    void aShortSecretIsRefusedWhateverItsAlphabet() {
        String random16 = Base64.getEncoder().encodeToString(randomBytes(16)); // 24 characters, 128 random bits
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> proxy().secret(random16).build());
        assertTrue(e.getMessage().contains("24 characters") && e.getMessage().contains("at least 32 characters"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> proxy().secret("").build());
    }

    @Test
    void aRandomSecretFromOpensslIsAccepted() {
        // Printed by `openssl rand -base64 32` and `openssl rand -hex 32`.
        for (String secret : List.of("lZg33LfqKDOMpayyNfLdvk8A0SRH5xga1mktaHBfttA=",
                "vauuu49prhTLL1p7jqdl13taLmPH81WS0Fm0xZzBfJs=",
                "3fce87dbf78ba6e9ebca518ab4912a92bec35f5de07dd7b8df47a756cea7606d")) {
            assertDoesNotThrow(() -> proxy().secret(secret).build(), secret);
        }
        // The same formats from many fresh random keys: none comes anywhere near the limit.
        int lowest = Integer.MAX_VALUE;
        for (int i = 0; i < 20_000; i++) {
            byte[] key = randomBytes(32);
            lowest = Math.min(lowest, SecretStrength.estimate(Base64.getEncoder().encodeToString(key)).bits());
            lowest = Math.min(lowest, SecretStrength.estimate(Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(key)).bits());
            lowest = Math.min(lowest, SecretStrength.estimate(HexFormat.of().formatHex(key)).bits());
        }
        assertTrue(lowest >= SecretStrength.MIN_BITS + 24, "the weakest random key was estimated at " + lowest);
        assertEquals(64, SecretStrength.estimate("vauuu49prhTLL1p7jqdl13taLmPH81WS0Fm0xZzBfJs/").alphabet());
        assertEquals(16, SecretStrength.estimate(HexFormat.of().formatHex(randomBytes(32))).alphabet());
        // A random prefix-free password with symbols, as password managers make, passes too.
        assertDoesNotThrow(() -> proxy().secret("k7#Qv9!mZ2@xT4$wR8^pL1&nB6*yH3(dF5)sJ0+gC").build());
    }

    @Test
    void theWeakSecretErrorNeverContainsTheSecret() {
        // The message's own words ("secret", "characters") may occur in a secret; any other piece of it is a leak.
        String template = assertThrows(IllegalArgumentException.class,
                () -> proxy().secret("0".repeat(64)).build()).getMessage();
        for (String weak : WEAK) {
            String message = assertThrows(IllegalArgumentException.class, () -> proxy().secret(weak).build())
                    .getMessage();
            assertFalse(message.contains(weak), message);
            for (int i = 0; i + 6 <= weak.length(); i++) {
                String part = weak.substring(i, i + 6);
                assertFalse(message.contains(part) && !template.contains(part),
                        "the message quotes '" + part + "' of the secret: " + message);
            }
        }
    }

    @Test
    void deriveKeyWarnsAboutAWeakSecretByTheSameMeasure() {
        try (LogCapture logs = new LogCapture("dev.fastmcp.auth")) {
            assertEquals(32, JWTIssuer.deriveKey("correct horse battery staple", 10_000).length);
            assertTrue(logs.text().contains("estimated strength") && logs.text().contains("openssl rand"),
                    logs.text());
            assertFalse(logs.text().contains("horse"), "the warning never quotes the secret");
        }
        try (LogCapture logs = new LogCapture("dev.fastmcp.auth")) {
            JWTIssuer.deriveKey(Base64.getEncoder().encodeToString(randomBytes(32)), 10_000);
            assertFalse(logs.text().contains("estimated strength"), logs.text());
        }
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }
}
