package dev.fastmcp.ci.modern;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs named checks, prints one PASS or FAIL line for each and a closing count. Values registered with
 * {@link #secret} (tokens, codes, cookies) never reach the output: they print as {@code <secret:FINGERPRINT>}.
 */
final class Checks {

    /** One check: returns a short detail for the PASS line, throws to fail. */
    interface Check {
        String run() throws Exception;
    }

    private final String name;
    /** value -> fingerprint; read on every line printed, written from the SDK's threads too. */
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private int passed;
    private int failed;

    /** @param name the program's name, which starts the closing lines */
    Checks(String name) {
        this.name = name;
    }

    void check(String check, Check run) {
        try {
            String detail = run.run();
            passed++;
            print("PASS  " + check + (detail == null || detail.isEmpty() ? "" : "  [" + detail + "]"));
        } catch (Exception | AssertionError e) {
            failed++;
            print("FAIL  " + check + "\n      " + describe(e).replace("\n", "\n      "));
        }
    }

    /** Registers a value never to be printed, and returns the stand-in printed for it. */
    String secret(String value) {
        if (value == null || value.length() < 6) {
            return "<secret>";
        }
        return "<secret:" + secrets.computeIfAbsent(value, Checks::fingerprint) + ">";
    }

    /** Prints a line, with every registered secret replaced by its stand-in. */
    void print(String line) {
        String out = line;
        // Longest first, so that a value containing another secret is replaced whole.
        for (String value : secrets.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed())
                .toList()) {
            out = out.replace(value, "<secret:" + secrets.get(value) + ">");
        }
        System.out.println(out);
        System.out.flush();
    }

    /** Prints the closing lines; true when every check passed. */
    boolean report() {
        print("");
        print(name + ": " + (failed == 0 ? "PASSED" : "FAILED"));
        print(name + ": " + passed + " passed, " + failed + " failed");
        return failed == 0 && passed > 0;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static String fingerprint(String value) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (text.length() > 0) {
                text.append("\ncaused by: ");
            }
            text.append(t.getClass().getName()).append(": ").append(t.getMessage());
        }
        return text.toString();
    }
}
