package dev.fastmcp.auth.jwt;

import dev.fastmcp.auth.internal.VerifierClaims;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The claim checks {@link JWTVerifier.Builder} and {@link JWKSVerifier.Builder} share: the accepted issuers and
 * audiences (both required unless skipped by name), the scopes every token must grant, the clock leeway, and
 * whether a JWKS URL may be plain http. Each option returns the concrete builder, so calls chain; its
 * {@code build()} checks these options with its own.
 *
 * @param <B> the concrete builder
 */
public abstract class VerifierBuilder<B extends VerifierBuilder<B>> {

    private List<String> issuers = List.of();
    private List<String> audiences = List.of();
    private boolean skipIssuerCheck;
    private boolean skipAudienceCheck;
    private Set<String> requiredScopes = Set.of();
    private Duration clockLeeway = Duration.ofSeconds(30);
    private boolean allowPlainHttp;

    VerifierBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The accepted {@code iss} values (exact match); replaces earlier ones. */
    public B issuer(String... issuers) {
        return issuer(Arrays.asList(issuers));
    }

    /** The accepted {@code iss} values (exact match); replaces earlier ones. */
    public B issuer(Collection<String> issuers) {
        this.issuers = VerifierClaims.names(issuers, "issuer");
        return self();
    }

    /** The accepted audiences: a token's {@code aud} must contain one of them. Replaces earlier ones. */
    public B audience(String... audiences) {
        return audience(Arrays.asList(audiences));
    }

    /** The accepted audiences: a token's {@code aud} must contain one of them. Replaces earlier ones. */
    public B audience(Collection<String> audiences) {
        this.audiences = VerifierClaims.names(audiences, "audience");
        return self();
    }

    /** Accepts any {@code iss}; only when the keys belong to a single issuer (a JWKS that serves only one). */
    public B skipIssuerCheck() {
        this.skipIssuerCheck = true;
        return self();
    }

    /**
     * Accepts any {@code aud}. Weakens security: tokens the issuer issued for other services or clients are then
     * accepted too.
     */
    public B skipAudienceCheck() {
        this.skipAudienceCheck = true;
        return self();
    }

    /** Scopes every token must grant (in {@code scope} or {@code scp}); a token lacking one is refused. */
    public B requiredScopes(String... scopes) {
        this.requiredScopes = Set.copyOf(VerifierClaims.names(Arrays.asList(scopes), "requiredScopes"));
        return self();
    }

    /** Allowed clock skew when checking {@code exp} and {@code nbf}; default 30 s. */
    public B clockLeeway(Duration clockLeeway) {
        this.clockLeeway = clockLeeway;
        return self();
    }

    /**
     * Allows a plain-http JWKS URL on a host other than localhost. Only for trusted private networks: anyone who
     * can alter the traffic can substitute keys and mint tokens.
     */
    public B allowPlainHttp() {
        this.allowPlainHttp = true;
        return self();
    }

    /** Refuses a missing issuer or audience whose check was not skipped, and a missing or negative leeway. */
    void checkClaimOptions() {
        if (issuers.isEmpty() && !skipIssuerCheck) {
            throw new IllegalArgumentException("no issuer set; call issuer(...) with the iss value your tokens "
                    + "carry, or skipIssuerCheck() to accept any issuer the keys sign for");
        }
        if (audiences.isEmpty() && !skipAudienceCheck) {
            throw new IllegalArgumentException("no audience set; call audience(...) with this server's client "
                    + "id or resource URL, or skipAudienceCheck() to accept tokens meant for any service or client");
        }
        JWKSVerifier.notNegative(clockLeeway, "clockLeeway");
    }

    List<String> issuers() {
        return issuers;
    }

    List<String> audiences() {
        return audiences;
    }

    Set<String> requiredScopes() {
        return requiredScopes;
    }

    Duration clockLeeway() {
        return clockLeeway;
    }

    boolean plainHttpAllowed() {
        return allowPlainHttp;
    }
}
