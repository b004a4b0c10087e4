package dev.fastmcp.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HKDF-SHA256 against the test vectors of RFC 5869, appendix A. */
class HkdfTest {

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void rfc5869TestCase1() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = hex("000102030405060708090a0b0c");
        byte[] info = hex("f0f1f2f3f4f5f6f7f8f9");
        byte[] prk = Hkdf.extract(salt, ikm);
        assertArrayEquals(hex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"), prk);
        byte[] okm = hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
        assertArrayEquals(okm, Hkdf.expand(prk, info, 42));
        assertArrayEquals(okm, Hkdf.derive(salt, ikm, info, 42));
    }

    @Test
    void rfc5869TestCase3WithEmptySaltAndInfo() {
        byte[] ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        assertArrayEquals(hex("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04"),
                Hkdf.extract(new byte[0], ikm));
        assertArrayEquals(hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"),
                Hkdf.derive(null, ikm, new byte[0], 42));
    }

    @Test
    void distinctLabelsGiveUnrelatedKeys() {
        byte[] secret = "one secret for every purpose".getBytes(StandardCharsets.UTF_8);
        byte[] a = Hkdf.derive(null, secret, "storage".getBytes(StandardCharsets.UTF_8), 32);
        byte[] b = Hkdf.derive(null, secret, "signing".getBytes(StandardCharsets.UTF_8), 32);
        assertFalse(Arrays.equals(a, b));
        assertArrayEquals(Arrays.copyOf(Hkdf.derive(null, secret, new byte[0], 64), 32),
                Hkdf.derive(null, secret, new byte[0], 32), "a shorter output is a prefix of a longer one");
    }

    @Test
    void anImpossibleOutputLengthIsRefused() {
        byte[] prk = new byte[32];
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, null, 0));
        assertEquals(255 * 32, Hkdf.expand(prk, null, 255 * 32).length);
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, null, 255 * 32 + 1));
    }
}
