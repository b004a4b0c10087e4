package dev.fastmcp.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * PKCE (RFC 7636) helpers: code verifiers, code challenges and their constant-time validation.
 *
 * <pre>{@code
 * PKCEUtils.PKCEPair pair = PKCEUtils.generatePair();          // S256
 * // send pair.challenge() and pair.method() with the authorization request, keep pair.verifier()
 * boolean ok = PKCEUtils.validateChallenge(verifierFromTokenRequest, storedChallenge, storedMethod);
 * }</pre>
 *
 * <p>{@value #S256} is the default everywhere. {@value #PLAIN} is supported for clients that cannot hash, but is
 * never chosen implicitly: a missing method is not treated as {@code plain} by {@link #validateChallenge}.
 * Method names are case-sensitive, as in RFC 7636.
 */
public final class PKCEUtils {

    /** The SHA-256 challenge method: {@code BASE64URL(SHA256(ASCII(verifier)))}. */
    public static final String S256 = "S256";
    /** The plain challenge method: the challenge is the verifier itself. */
    public static final String PLAIN = "plain";
    /** The shortest verifier RFC 7636 allows. */
    public static final int MIN_VERIFIER_LENGTH = 43;
    /** The longest verifier RFC 7636 allows, and the length {@link #generateVerifier()} uses. */
    public static final int MAX_VERIFIER_LENGTH = 128;

    /** RFC 7636 §4.1 {@code unreserved}: ALPHA / DIGIT / "-" / "." / "_" / "~". */
    private static final String UNRESERVED =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PKCEUtils() {
    }

    /**
     * A verifier, the challenge derived from it, and the method used.
     *
     * @param verifier  the secret sent only with the token request
     * @param challenge the value sent with the authorization request
     * @param method    {@value #S256} or {@value #PLAIN}
     */
    public record PKCEPair(String verifier, String challenge, String method) {

        /** Checks that no component is null. */
        public PKCEPair {
            Objects.requireNonNull(verifier, "verifier == null");
            Objects.requireNonNull(challenge, "challenge == null");
            Objects.requireNonNull(method, "method == null");
        }

        /** Hides the verifier, which is a secret. */
        @Override
        public String toString() {
            return "PKCEPair[verifier=<redacted>, challenge=" + challenge + ", method=" + method + "]";
        }
    }

    /** Generates a {@value #MAX_VERIFIER_LENGTH}-character verifier and its {@value #S256} challenge. */
    public static PKCEPair generatePair() {
        return generatePair(S256);
    }

    /**
     * Generates a {@value #MAX_VERIFIER_LENGTH}-character verifier and its challenge.
     *
     * @param method {@value #S256} or {@value #PLAIN}
     * @throws IllegalArgumentException if the method is neither
     */
    public static PKCEPair generatePair(String method) {
        requireKnownMethod(method);
        String verifier = generateVerifier();
        return new PKCEPair(verifier, generateChallenge(verifier, method), method);
    }

    /** Generates a {@value #MAX_VERIFIER_LENGTH}-character verifier (about 770 bits of entropy). */
    public static String generateVerifier() {
        return generateVerifier(MAX_VERIFIER_LENGTH);
    }

    /**
     * Generates a verifier of unreserved characters drawn uniformly with {@link SecureRandom}.
     *
     * @param length {@value #MIN_VERIFIER_LENGTH} to {@value #MAX_VERIFIER_LENGTH}
     * @throws IllegalArgumentException if the length is outside that range
     */
    public static String generateVerifier(int length) {
        if (length < MIN_VERIFIER_LENGTH || length > MAX_VERIFIER_LENGTH) {
            throw new IllegalArgumentException("PKCE verifier length must be between " + MIN_VERIFIER_LENGTH
                    + " and " + MAX_VERIFIER_LENGTH + " (RFC 7636 §4.1), was " + length);
        }
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = UNRESERVED.charAt(RANDOM.nextInt(UNRESERVED.length()));
        }
        return new String(chars);
    }

    /**
     * Computes the {@value #S256} challenge of a verifier.
     *
     * @throws IllegalArgumentException if the verifier breaks the RFC 7636 syntax
     */
    public static String generateChallenge(String verifier) {
        return generateChallenge(verifier, S256);
    }

    /**
     * Computes the challenge of a verifier.
     *
     * @param method {@value #S256} (base64url, unpadded, of the SHA-256 of the ASCII verifier) or
     *               {@value #PLAIN} (the verifier itself)
     * @throws IllegalArgumentException if the method is unknown or the verifier breaks the RFC 7636 syntax (the
     *                                  message names the length or the position of the bad character, never the
     *                                  verifier, which is a secret)
     */
    public static String generateChallenge(String verifier, String method) {
        requireKnownMethod(method);
        String problem = verifierProblem(verifier);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return S256.equals(method) ? s256(verifier) : verifier;
    }

    /**
     * Checks a verifier against the challenge from the authorization request, in constant time.
     *
     * <p>Returns {@code false}, never throwing, when any argument is null or empty, the method is not exactly
     * {@value #S256} or {@value #PLAIN}, or the verifier breaks the RFC 7636 syntax (43 to 128 unreserved
     * characters).
     */
    public static boolean validateChallenge(String verifier, String challenge, String method) {
        if (challenge == null || challenge.isEmpty() || method == null || verifierProblem(verifier) != null) {
            return false;
        }
        String expected;
        if (S256.equals(method)) {
            expected = s256(verifier);
        } else if (PLAIN.equals(method)) {
            expected = verifier;
        } else {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                challenge.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@code verifier} has the RFC 7636 syntax: 43 to 128 characters from the unreserved set. */
    public static boolean isValidVerifier(String verifier) {
        return verifierProblem(verifier) == null;
    }

    /** Whether {@code method} is exactly {@value #S256} or {@value #PLAIN}. */
    public static boolean isSupportedMethod(String method) {
        return S256.equals(method) || PLAIN.equals(method);
    }

    private static void requireKnownMethod(String method) {
        if (isSupportedMethod(method)) {
            return;
        }
        String hint = method != null && (method.equalsIgnoreCase(S256) || method.equalsIgnoreCase(PLAIN))
                ? "; method names are case-sensitive" : "";
        throw new IllegalArgumentException("Unsupported PKCE code challenge method "
                + (method == null ? "null" : "'" + method + "'") + "; use '" + S256 + "' (recommended) or '"
                + PLAIN + "'" + hint);
    }

    /** Describes what is wrong with a verifier without quoting it, or returns null if it is valid. */
    private static String verifierProblem(String verifier) {
        if (verifier == null) {
            return "PKCE verifier is null";
        }
        int length = verifier.length();
        if (length < MIN_VERIFIER_LENGTH || length > MAX_VERIFIER_LENGTH) {
            return "PKCE verifier must be " + MIN_VERIFIER_LENGTH + " to " + MAX_VERIFIER_LENGTH
                    + " characters (RFC 7636 §4.1), was " + length;
        }
        for (int i = 0; i < length; i++) {
            if (UNRESERVED.indexOf(verifier.charAt(i)) < 0) {
                return "PKCE verifier has a character outside A-Z a-z 0-9 - . _ ~ at index " + i
                        + " (RFC 7636 §4.1)";
            }
        }
        return null;
    }

    private static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JRE", e);
        }
    }
}
