package dev.fastmcp;

/**
 * Verifies bearer tokens: a token in, the verified identity or the reason it was refused out. Implemented by
 * the JWT and JWKS verifiers of {@code fastmcp-auth} and by auth providers; usable for any custom scheme.
 *
 * <p>Implementations must be thread-safe, must never throw for a bad token (return
 * {@link TokenVerification#invalid}), and must not put the token itself in the reason.
 */
@FunctionalInterface
public interface TokenVerifier {

    /** Verifies {@code token} (without the {@code Bearer } prefix). */
    TokenVerification verify(String token);
}
