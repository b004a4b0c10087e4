package dev.fastmcp.auth.jwt;

import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import java.net.URI;
import java.time.Duration;

/**
 * Verifies JWTs signed by an identity provider that publishes its public keys as a JSON Web Key Set.
 *
 * <pre>{@code
 * TokenVerifier verifier = new JWKSVerifier(
 *         "https://idp.example.com/.well-known/jwks.json", "https://idp.example.com", "my-mcp-server");
 *
 * TokenVerifier tuned = JWKSVerifier.builder("https://idp.example.com/.well-known/jwks.json")
 *         .issuer("https://idp.example.com")
 *         .audience("my-mcp-server", "api://my-mcp-server")
 *         .cooldownDuration(Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 *
 * <p><b>Keys.</b> The JWKS is fetched on first use (GET, no redirects, {@link Builder#timeout} for the whole
 * exchange, body capped at 1 MiB) and cached for {@link Builder#cacheDuration}. A token whose {@code kid} is not
 * cached triggers a refetch, so key rotation needs no restart; refetches are limited to one per
 * {@link Builder#cooldownDuration}, shared by concurrent callers, so a stream of made-up {@code kid}s cannot
 * turn this server into a load generator against the issuer. When a fetch fails, the token at hand is refused
 * with the reason and the keys fetched earlier stay in service.
 *
 * <p><b>Algorithms.</b> RS256/384/512, PS256/384/512, ES256/384/512 and EdDSA. HMAC ({@code HS*}) and
 * {@code none} are never accepted, and symmetric keys in the JWKS are ignored: a JWKS is public, so accepting
 * HMAC with its keys would let anyone mint tokens.
 *
 * <p><b>Claims.</b> {@code exp} and {@code sub} are required; {@code exp} and {@code nbf} are checked with the
 * {@link Builder#clockLeeway}; {@code iss} must equal a configured issuer and {@code aud} (a string or a list)
 * must contain a configured audience. Both checks are on by default and can only be switched off explicitly.
 * The resulting session is described in {@link JWTVerifier}.
 *
 * <p>Instances are thread-safe and meant to be shared.
 */
public final class JWKSVerifier implements TokenVerifier {

    private final JWKSKeySource keys;
    private final VerifierCore core;

    /**
     * A verifier with the default cache settings.
     *
     * @param jwksUri  the issuer's JWKS URL (https; plain http only on localhost)
     * @param issuer   the {@code iss} value tokens must carry
     * @param audience the {@code aud} value tokens must contain, usually this server's client id or resource URL
     * @throws IllegalArgumentException when an argument is missing or invalid; the message says which and why
     */
    public JWKSVerifier(String jwksUri, String issuer, String audience) {
        this(builder(jwksUri).issuer(required(issuer, "issuer")).audience(required(audience, "audience")));
    }

    private JWKSVerifier(Builder b) {
        URI uri = JWKSFetcher.parseUri(b.jwksUri, b.plainHttpAllowed());
        b.checkClaimOptions();
        positive(b.cacheDuration, "cacheDuration");
        positive(b.timeout, "timeout");
        notNegative(b.cooldownDuration, "cooldownDuration");
        this.keys = new JWKSKeySource(uri, b.timeout, b.cacheDuration, b.cooldownDuration);
        // A verification is reused no longer than the keys it used are kept: a key dropped from the set stops
        // its tokens within one cache period either way.
        Duration reuse = b.cacheDuration.compareTo(VerifierCore.DEFAULT_CACHE_MAX_AGE) < 0 ? b.cacheDuration
                : VerifierCore.DEFAULT_CACHE_MAX_AGE;
        this.core = new VerifierCore(VerifierCore.ASYMMETRIC, keys, b.issuers(), b.audiences(), b.clockLeeway(),
                b.requiredScopes(), reuse);
    }

    /** Starts a builder for the JWKS at {@code jwksUri}; issuer and audience are required unless skipped. */
    public static Builder builder(String jwksUri) {
        return new Builder(jwksUri);
    }

    /** Verifies a bearer token; never throws for a bad token. */
    @Override
    public TokenVerification verify(String token) {
        return core.verify(token);
    }

    /**
     * Fetches the JWKS now, ignoring the cooldown, for example after the issuer announced a rotation.
     *
     * @throws java.io.UncheckedIOException when the JWKS cannot be fetched or parsed; the cached keys stay in use
     */
    public void refreshKeys() {
        keys.refresh();
    }

    /** The JWKS URL the keys are fetched from. */
    public String getJwksUri() {
        return keys.uri().toString();
    }

    @Override
    public String toString() {
        return "JWKSVerifier[" + keys.uri() + "]";
    }

    static JWKSKeySource keySource(String jwksUri, boolean allowPlainHttp) {
        Builder defaults = new Builder(jwksUri);
        return new JWKSKeySource(JWKSFetcher.parseUri(jwksUri, allowPlainHttp), defaults.timeout,
                defaults.cacheDuration, defaults.cooldownDuration);
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is empty; pass the " + what
                    + " your tokens carry, or use JWKSVerifier.builder(...) to skip the check explicitly");
        }
        return value;
    }

    static void positive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }

    static void notNegative(Duration d, String what) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be zero or positive, got " + d);
        }
    }

    /**
     * Configures a {@link JWKSVerifier}: the key cache and fetch, and the claim checks of {@link VerifierBuilder}.
     * {@link #build()} validates everything.
     */
    public static final class Builder extends VerifierBuilder<Builder> {

        private final String jwksUri;
        private Duration cacheDuration = Duration.ofHours(1);
        private Duration cooldownDuration = Duration.ofSeconds(30);
        private Duration timeout = Duration.ofSeconds(10);

        private Builder(String jwksUri) {
            this.jwksUri = jwksUri;
        }

        /** How long fetched keys are used before the JWKS is fetched again; default 1 hour. */
        public Builder cacheDuration(Duration cacheDuration) {
            this.cacheDuration = cacheDuration;
            return this;
        }

        /** The minimum time between two fetches, however many unknown {@code kid}s arrive; default 30 s. */
        public Builder cooldownDuration(Duration cooldownDuration) {
            this.cooldownDuration = cooldownDuration;
            return this;
        }

        /** Deadline for one JWKS fetch, from connecting to the last byte; default 10 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Builds the verifier; no network access happens until the first token.
         *
         * @throws IllegalArgumentException when the URL, issuer, audience or a duration is missing or invalid
         */
        public JWKSVerifier build() {
            return new JWKSVerifier(this);
        }
    }
}
