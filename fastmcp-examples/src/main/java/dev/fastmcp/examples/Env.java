package dev.fastmcp.examples;

import java.util.Arrays;
import java.util.List;

/** Reading the configuration of examples from the environment, with a clear message when it is missing. */
final class Env {

    private Env() {
    }

    /** The value of {@code name}; exits with a message naming it when unset. */
    static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("Set the environment variable " + name + " to run this example.");
            System.exit(2);
        }
        return value;
    }

    /** The space- or comma-separated values of {@code name}, empty when unset. */
    static List<String> list(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? List.of()
                : Arrays.stream(value.trim().split("[\\s,]+")).toList();
    }

    /**
     * The server's public URL from {@code FASTMCP_BASE_URL} (behind a reverse proxy, the proxy's), or null: the
     * server then uses its own loopback address.
     */
    static String baseUrl() {
        String value = System.getenv("FASTMCP_BASE_URL");
        return value == null || value.isBlank() ? null : value.trim();
    }
}
