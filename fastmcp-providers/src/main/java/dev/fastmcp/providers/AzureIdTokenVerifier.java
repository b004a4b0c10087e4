package dev.fastmcp.providers;

import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import java.time.Duration;
import java.util.Map;

/**
 * Verifies Entra ID tokens for any tenant the configured one admits. At the multi-tenant endpoints the issuer
 * names the user's own tenant ({@code <authority>/<tid>/v2.0}), so it is checked against the token's {@code tid}
 * rather than one fixed string, and the {@code tid} against the configured tenant. Signature, audience (our
 * client id) and expiry are checked by the JWKS verifier.
 */
final class AzureIdTokenVerifier implements TokenVerifier {

    private final JWKSVerifier jwks;
    private final String authority;
    private final AzureTenant tenant;

    AzureIdTokenVerifier(String jwksUri, String authority, AzureTenant tenant, String clientId, Duration timeout) {
        this.jwks = JWKSVerifier.builder(jwksUri).skipIssuerCheck().audience(clientId).timeout(timeout).build();
        this.authority = authority;
        this.tenant = tenant;
    }

    @Override
    public TokenVerification verify(String token) {
        TokenVerification v = jwks.verify(token);
        if (!v.isValid()) {
            return v;
        }
        Map<String, Object> claims = v.session().claims();
        if (!(claims.get("tid") instanceof String tid) || tid.isBlank()) {
            return TokenVerification.invalid("the ID token names no tenant (tid), so its issuer cannot be checked");
        }
        if (!(authority + "/" + tid + "/v2.0").equals(claims.get("iss"))) {
            return TokenVerification.invalid("the ID token's issuer is not the v2.0 issuer of its tenant");
        }
        if (!tenant.accepts(tid)) {
            return TokenVerification.invalid("the ID token's issuer is a tenant this application does not accept");
        }
        return v;
    }
}
