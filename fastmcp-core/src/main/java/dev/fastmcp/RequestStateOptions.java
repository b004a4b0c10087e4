package dev.fastmcp;

import dev.fastmcp.internal.SecretStrength;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the {@code requestState} of multi-round-trip requests (MCP 2026-07-28) is sealed: one group of
 * {@link FastMCP.Builder}'s options, immutable, each value checked when it is set. The state a server hands a client
 * between rounds is encrypted and authenticated with a key derived from the secret, bound to the caller and the
 * request, and accepted only until it expires.
 *
 * <pre>{@code
 * FastMCP.builder("notes", "1.0.0")
 *         .requestState(r -> r.secret(System.getenv("REQUEST_STATE_SECRET")).ttl(Duration.ofMinutes(2)))
 * }</pre>
 *
 * @param secret the secret that seals new state and opens it; null (the default) for a random key per process
 * @param previousSecrets secrets used before a rotation: they still open the state they sealed, until it expires
 * @param ttl how long a sealed state is accepted; default 5 minutes
 */
public record RequestStateOptions(String secret, List<String> previousSecrets, Duration ttl) {

    private static final RequestStateOptions DEFAULTS = new RequestStateOptions(null, List.of(), Duration.ofMinutes(5));

    /** Checks every value; a weak secret is refused with what was measured and how to make a good one. */
    public RequestStateOptions {
        if (secret != null) {
            SecretStrength.require("requestState: secret", secret);
        }
        previousSecrets = List.copyOf(previousSecrets);
        for (String p : previousSecrets) {
            SecretStrength.require("requestState: a previous secret", p);
        }
        if (secret == null && !previousSecrets.isEmpty()) {
            throw new IllegalArgumentException("requestState: previous secrets were given without a current one; "
                    + "pass the current secret first: secret(current, previous...)");
        }
        Objects.requireNonNull(ttl, "requestState: ttl == null");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("requestState: ttl must be positive, was " + ttl);
        }
    }

    /** The defaults listed on the record's components. */
    public static RequestStateOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The secret {@code requestState} is sealed with: give every instance behind a load balancer the same one, so
     * that a client's retry may reach any of them. Without it each process seals with a random key of its own (and
     * says so in a warning at the first state it seals). The secret must be random key material, at least 32
     * characters and an estimated 128 bits, such as the output of {@code openssl rand -base64 32}; a passphrase is
     * refused.
     *
     * @param secret   seals new state and opens it
     * @param previous secrets used before a rotation: they still open the state they sealed, until it expires
     * @throws IllegalArgumentException when a secret is too weak, saying what was measured and how to make one
     */
    public RequestStateOptions secret(String secret, String... previous) {
        SecretStrength.require("requestState: secret", secret);
        return new RequestStateOptions(secret, List.of(previous), ttl);
    }

    /** How long a sealed {@code requestState} is accepted (default 5 minutes). */
    public RequestStateOptions ttl(Duration ttl) {
        return new RequestStateOptions(secret, previousSecrets, ttl);
    }

    /** Never shows the secrets. */
    @Override
    public String toString() {
        return "RequestStateOptions[secret=" + (secret == null ? "(random per process)" : "(set)")
                + ", previousSecrets=" + previousSecrets.size() + ", ttl=" + ttl + "]";
    }
}
