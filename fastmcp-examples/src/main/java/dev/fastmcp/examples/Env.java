package dev.fastmcp.examples;

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
}
