package dev.fastmcp.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The rule for a secret that keys are derived from. Keys derived with a fast KDF (HKDF) are only as strong as the
 * secret: anyone holding one issued token can test guesses offline at billions per second, so the secret must be
 * random key material, not a passphrase. Its strength is estimated, never assumed from its length:
 *
 * <ul>
 *   <li>each character counts {@code log2} of the alphabet: 16 when the secret is all hex digits, else the
 *       character classes it uses (26 lower-case, 26 upper-case, 10 digits, 33 ASCII symbols and space, 100 for
 *       any other character), at most 64 when it is all base64 or base64url (trailing {@code =} padding counts
 *       nothing);</li>
 *   <li>a repeat of 3 or more characters that already occurred (ignoring case) counts nothing, and a character
 *       equal to the one before, continuing a sequence ({@code abc}, {@code 321}) or repeating a symbol already
 *       used (word separators) counts 1 bit;</li>
 *   <li>the letters of a word-like segment (see {@link #words}) count 2 bits each, about what a letter of a
 *       dictionary word is worth.</li>
 * </ul>
 *
 * <p>At least {@value #MIN_BITS} bits and {@value #MIN_CHARS} characters are required. {@code openssl rand -base64
 * 32} (about 250 bits by this estimate, never below 160 in a million tries) and {@code openssl rand -hex 32}
 * (about 240) pass with a wide margin; English passphrases, repeated patterns and short strings do not.
 */
public final class SecretStrength {

    /** The estimated strength a secret needs, in bits. */
    public static final int MIN_BITS = 128;
    /** The length a secret needs, in characters. */
    public static final int MIN_CHARS = 32;
    /** How to get a good secret. */
    public static final String FIX = "generate one with `openssl rand -base64 32` (or `openssl rand -hex 32`) and"
            + " keep it in a secret store or an environment variable";

    private static final double WORD_LETTER_BITS = 2;
    private static final double PATTERN_BITS = 1;
    private static final int MIN_REPEAT = 3;
    private static final int MIN_WORD = 3;
    /** The 150 most common letter pairs of English words, each between spaces. */
    private static final String COMMON_PAIRS =
            " th he in er an re on at en nd ti es or te of ed is it al ar st to nt ng se ha as ou io le ve co"
            + " me de hi ri ro ic ne ea ra ce li ch ll be ma si om ur ca el ta la ns di fo ho pe ec pr no ct us"
            + " ac ot il tr ly nc et ut ss so rs un lo wa ge ie wh ee wi em ad ol rt po we na ul ni ts mo ow pa"
            + " im mi ai sh ir su id os iv ia am fi ci vi pl ig tu ev ld ry mp fe bl ab gh ty op wo sa ay ex ke"
            + " fr oo av ag if ap gr od bo sp rd do uc bu ei ov by rm ep tt oc fa ";
    /** Only the beginning of a very long secret is analysed (repeat search is quadratic); it is plenty. */
    private static final int MAX_ANALYSED = 512;

    private SecretStrength() {
    }

    /**
     * What was measured of a secret; it never holds the secret.
     *
     * @param characters   its length in characters (code points)
     * @param alphabet     the size of the alphabet each character was counted from
     * @param alphabetName what that alphabet is ("base64", "hex digits", or the character classes used)
     * @param bits         the estimated strength
     */
    public record Estimate(int characters, int alphabet, String alphabetName, int bits) {
    }

    /**
     * Refuses a secret that is too weak to derive keys from; the error says what was measured, never the secret.
     *
     * @param what the option's name, for the message
     */
    public static void require(String what, String secret) {
        if (secret == null) {
            throw new IllegalArgumentException(what + " is null; " + FIX);
        }
        Estimate e = estimate(secret);
        if (e.characters() < MIN_CHARS || e.bits() < MIN_BITS) {
            throw new IllegalArgumentException(what + " is too weak to derive keys from: it has " + e.characters()
                    + " characters and an estimated strength of " + e.bits() + " bits (counted as " + e.alphabetName()
                    + ", alphabet " + e.alphabet() + ", with repeats, runs, sequences and word-like letter runs "
                    + "counting little), but at least " + MIN_CHARS + " characters and " + MIN_BITS + " bits are "
                    + "needed: anyone holding one token could guess a weaker secret offline. Use random key "
                    + "material, not a passphrase: " + FIX);
        }
    }

    /** The estimated strength of {@code secret}; see the class comment for how it is counted. */
    public static Estimate estimate(String secret) {
        int[] cps = withoutPadding(secret).codePoints().limit(MAX_ANALYSED).toArray();
        int characters = secret.codePointCount(0, secret.length());
        int alphabet;
        String name;
        if (cps.length > 0 && all(cps, SecretStrength::isHex)) {
            alphabet = 16;
            name = "hex digits";
        } else {
            boolean base64 = cps.length > 0 && (all(cps, c -> isAlnum(c) || c == '+' || c == '/')
                    || all(cps, c -> isAlnum(c) || c == '-' || c == '_'));
            Classes used = classes(cps);
            alphabet = base64 ? Math.min(64, used.size()) : used.size();
            name = base64 && alphabet == 64 ? "base64" : used.names();
        }
        double perChar = Math.log(alphabet) / Math.log(2);
        boolean[] repeated = repeats(cps);
        boolean[] word = words(cps);
        double bits = 0;
        for (int i = 0; i < cps.length; i++) {
            if (repeated[i]) {
                continue;
            }
            if (word[i]) {
                bits += Math.min(perChar, WORD_LETTER_BITS);
            } else if (pattern(cps, i)) {
                bits += Math.min(perChar, PATTERN_BITS);
            } else {
                bits += perChar;
            }
        }
        return new Estimate(characters, alphabet, name, (int) Math.floor(bits));
    }

    /** The secret without the trailing {@code =} of base64 padding, which carries nothing. */
    private static String withoutPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=' && s.length() - end < 2) {
            end--;
        }
        return s.substring(0, end);
    }

    /** The character classes a secret uses. */
    private record Classes(boolean lower, boolean upper, boolean digit, boolean symbol, boolean other) {

        int size() {
            return Math.max(2, (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0)
                    + (other ? 100 : 0));
        }

        String names() {
            List<String> names = new ArrayList<>();
            if (lower) {
                names.add("lower-case letters");
            }
            if (upper) {
                names.add("upper-case letters");
            }
            if (digit) {
                names.add("digits");
            }
            if (symbol) {
                names.add("symbols");
            }
            if (other) {
                names.add("other characters");
            }
            return names.isEmpty() ? "nothing" : String.join(", ", names);
        }
    }

    private static Classes classes(int[] cps) {
        boolean lower = false;
        boolean upper = false;
        boolean digit = false;
        boolean symbol = false;
        boolean other = false;
        for (int c : cps) {
            if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c >= 0x20 && c < 0x7F) {
                symbol = true;
            } else {
                other = true;
            }
        }
        return new Classes(lower, upper, digit, symbol, other);
    }

    /**
     * Marks the characters inside repeats: from each position, the longest run of at least 3 characters that also
     * starts at an earlier position (overlapping allowed, so {@code aaaa} and {@code abcabcabc} are repeats).
     */
    private static boolean[] repeats(int[] cps) {
        boolean[] repeated = new boolean[cps.length];
        int i = 0;
        while (i < cps.length) {
            int longest = 0;
            for (int j = 0; j < i; j++) {
                int n = 0;
                while (i + n < cps.length && fold(cps[j + n]) == fold(cps[i + n])) {
                    n++;
                }
                longest = Math.max(longest, n);
            }
            if (longest >= MIN_REPEAT) {
                for (int k = i; k < i + longest; k++) {
                    repeated[k] = true;
                }
                i += longest;
            } else {
                i++;
            }
        }
        return repeated;
    }

    /**
     * Marks the letters of word-like segments. Letters split into segments at case changes, a capital staying with
     * the lower-case letters after it ({@code CamelCase}); a segment reads as a word when it has at least
     * {@value #MIN_WORD} letters (or 2 standing alone, like {@code " to "}) and at least two thirds of its letter
     * pairs are among the most common of English words. Runs of letters in random base64 rarely do.
     */
    private static boolean[] words(int[] cps) {
        boolean[] word = new boolean[cps.length];
        int i = 0;
        while (i < cps.length) {
            if (!Character.isLetter(cps[i])) {
                i++;
                continue;
            }
            int end = i + 1;
            boolean upperRun = Character.isUpperCase(cps[i]) && end < cps.length && Character.isUpperCase(cps[end]);
            while (end < cps.length && Character.isLetter(cps[end])
                    && (upperRun ? Character.isUpperCase(cps[end]) : !Character.isUpperCase(cps[end]))) {
                end++;
            }
            int length = end - i;
            boolean alone = (i == 0 || !Character.isLetter(cps[i - 1]))
                    && (end == cps.length || !Character.isLetter(cps[end]));
            if ((length >= MIN_WORD || length == 2 && alone) && 3 * commonPairs(cps, i, end) >= 2 * (length - 1)) {
                Arrays.fill(word, i, end, true);
            }
            i = end;
        }
        return word;
    }

    private static int commonPairs(int[] cps, int from, int to) {
        int common = 0;
        for (int k = from + 1; k < to; k++) {
            String pair = " " + Character.toString(Character.toLowerCase(cps[k - 1]))
                    + Character.toString(Character.toLowerCase(cps[k])) + " ";
            if (COMMON_PAIRS.contains(pair)) {
                common++;
            }
        }
        return common;
    }

    /** Whether the character at {@code i} repeats the previous one, continues a sequence, or repeats a symbol. */
    private static boolean pattern(int[] cps, int i) {
        if (i == 0) {
            return false;
        }
        int step = cps[i] - cps[i - 1];
        if (step == 0) {
            return true;
        }
        if (i >= 2 && Math.abs(step) == 1 && cps[i - 1] - cps[i - 2] == step) {
            return true;
        }
        if (!Character.isLetterOrDigit(cps[i])) {
            for (int j = 0; j < i; j++) {
                if (cps[j] == cps[i]) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int fold(int c) {
        return Character.toLowerCase(c);
    }

    private static boolean isHex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static boolean isAlnum(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean all(int[] cps, IntPredicate p) {
        for (int c : cps) {
            if (!p.test(c)) {
                return false;
            }
        }
        return true;
    }
}
