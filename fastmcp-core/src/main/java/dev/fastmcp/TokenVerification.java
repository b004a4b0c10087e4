package dev.fastmcp;

import java.util.Map;
import java.util.Objects;

/**
 * The outcome of {@link TokenVerifier#verify}: the verified session, or why the token was refused. The seed API's
 * {@code result.valid} and {@code result.claims} are {@link #isValid()} and {@link #claims()} here.
 *
 * @param session the verified identity; null when invalid
 * @param error   why the token was refused, safe to log (never contains the token); null when valid
 */
public record TokenVerification(AuthSession session, String error) {

    /** Exactly one of session and error is set. */
    public TokenVerification {
        if ((session == null) == (error == null)) {
            throw new IllegalArgumentException("exactly one of session and error must be set");
        }
    }

    /** A valid token for {@code session}. */
    public static TokenVerification valid(AuthSession session) {
        return new TokenVerification(Objects.requireNonNull(session, "session == null"), null);
    }

    /** A refused token, with the reason. */
    public static TokenVerification invalid(String error) {
        return new TokenVerification(null, Objects.requireNonNull(error, "error == null"));
    }

    /** Whether the token was accepted. */
    public boolean isValid() {
        return session != null;
    }

    /** The verified claims, those of the session (unmodifiable); empty when the token was refused. */
    public Map<String, Object> claims() {
        return session == null ? Map.of() : session.claims();
    }
}
