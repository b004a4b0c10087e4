package dev.fastmcp.testing;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test identities a server started by the test kit trusts: each a random token known to this object alone, so
 * nothing outside the test's process can present one.
 */
final class TestIdentities implements TokenVerifier {

    private static final String PREFIX = "fastmcp-test.";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, AuthSession> sessions = new ConcurrentHashMap<>();

    /** A new token standing for {@code identity}. */
    String tokenFor(TestIdentity identity) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        sessions.put(token, identity.session());
        return token;
    }

    @Override
    public TokenVerification verify(String token) {
        AuthSession session = token.startsWith(PREFIX) ? sessions.get(token) : null;
        if (session == null) {
            return TokenVerification.invalid("not a test identity");
        }
        if (session.expiresAt() != null && !session.expiresAt().isAfter(Instant.now())) {
            return TokenVerification.invalid("the test identity has expired");
        }
        return TokenVerification.valid(session);
    }
}
