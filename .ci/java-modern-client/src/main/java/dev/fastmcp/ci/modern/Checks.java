package dev.fastmcp.ci.modern;

/** Runs named checks, prints one PASS or FAIL line for each and a closing count. */
final class Checks {

    /** One check: returns a short detail for the PASS line, throws to fail. */
    interface Check {
        String run() throws Exception;
    }

    private int passed;
    private int failed;

    void check(String name, Check check) {
        try {
            String detail = check.run();
            passed++;
            System.out.println("PASS  " + name + (detail == null || detail.isEmpty() ? "" : "  [" + detail + "]"));
        } catch (Exception | AssertionError e) {
            failed++;
            System.out.println("FAIL  " + name + "\n      " + describe(e).replace("\n", "\n      "));
        }
        System.out.flush();
    }

    /** Prints the closing lines; true when every check passed. */
    boolean report() {
        System.out.println();
        System.out.println("java-modern-client: " + (failed == 0 ? "PASSED" : "FAILED"));
        System.out.println("java-modern-client: " + passed + " passed, " + failed + " failed");
        return failed == 0 && passed > 0;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
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
