package dev.fastmcp.providers;

import com.nimbusds.oauth2.sdk.TokenRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;

/**
 * Claims of mock-oauth2-server's tokens that differ between the ID token and the access token of one answer, as
 * they do at most identity providers. The mock signs the ID token first and the access token second, each with the
 * claims of {@link #addClaims} (which replace its own, {@code iss} included), for the code exchange and for each
 * refresh alike; the ID token's {@code aud} is the client id, the access token's is {@link #audience}.
 */
final class IdAndAccessClaims implements OAuth2TokenCallback {

    private final String issuerId;
    private final String subject;
    private final List<String> accessAudience;
    private final Map<String, Object> idClaims;
    private final Map<String, Object> accessClaims;
    private final long expirySeconds;
    private final AtomicInteger signed = new AtomicInteger();

    IdAndAccessClaims(String issuerId, String subject, List<String> accessAudience, Map<String, Object> idClaims,
            Map<String, Object> accessClaims, long expirySeconds) {
        this.issuerId = issuerId;
        this.subject = subject;
        this.accessAudience = accessAudience;
        this.idClaims = idClaims;
        this.accessClaims = accessClaims;
        this.expirySeconds = expirySeconds;
    }

    @Override
    public String issuerId() {
        return issuerId;
    }

    @Override
    public String subject(TokenRequest request) {
        return subject;
    }

    @Override
    public String typeHeader(TokenRequest request) {
        return "JWT";
    }

    @Override
    public List<String> audience(TokenRequest request) {
        return accessAudience;
    }

    @Override
    public Map<String, Object> addClaims(TokenRequest request) {
        return signed.getAndIncrement() % 2 == 0 ? idClaims : accessClaims;
    }

    @Override
    public long tokenExpiry() {
        return expirySeconds;
    }
}
