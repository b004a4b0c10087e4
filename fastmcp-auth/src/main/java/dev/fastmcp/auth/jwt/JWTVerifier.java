package dev.fastmcp.auth.jwt;

import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.internal.VerifierClaims;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jose4j.keys.HmacKey;
import org.jose4j.keys.resolvers.VerificationKeyResolver;

/**
 * Verifies JWT bearer tokens against exactly one key source: a PEM public key, a JWKS URL, or an HMAC secret.
 *
 * <pre>{@code
 * TokenVerifier verifier = JWTVerifier.builder()
 *         .publicKey(Files.readString(Path.of("issuer-public.pem")))
 *         .issuer("https://auth.example.com")
 *         .audience("my-mcp-server")
 *         .requiredScopes("mcp:use")
 *         .build();
 * }</pre>
 *
 * <p><b>Algorithms.</b> Each key source accepts only the algorithms its key can verify: an RSA key RS256/384/512
 * and PS256/384/512; an EC key the ES algorithm of its curve (P-256 → ES256, P-384 → ES384, P-521 → ES512); an
 * Ed25519/Ed448 key EdDSA; a JWKS URL all of these; an HMAC secret HS256, plus HS384 from 48 bytes and HS512
 * from 64 bytes. {@link Builder#algorithm} narrows the set further. HMAC is never accepted with a public key or a
 * JWKS, which rules out algorithm confusion (an {@code HS256} token "signed" with the public key), and
 * {@code none} is never accepted.
 *
 * <p><b>Claims.</b> {@code exp} and {@code sub} are required; {@code exp} and {@code nbf} are checked with the
 * clock leeway (default 30 s); {@code iss} must equal one of the issuers and {@code aud} (a string or a list)
 * must contain one of the audiences. Issuer and audience must be configured, or skipped explicitly.
 *
 * <p><b>Session.</b> A valid token yields an {@link dev.fastmcp.AuthSession} with
 * <ul>
 *   <li>subject: {@code sub};
 *   <li>clientId: {@code client_id}, else {@code azp} (OpenID Connect), else {@code cid} (Okta), else null;
 *   <li>scopes: {@code scope}, else {@code scp}, each a space-separated string or a list of strings;
 *   <li>claims: every claim of the token (JSON nulls dropped), unmodifiable;
 *   <li>expiresAt: {@code exp}.
 * </ul>
 * A token missing a {@link Builder#requiredScopes required scope} is refused with a reason naming the scopes.
 *
 * <p>Instances are thread-safe and meant to be shared. A JWKS URL is handled as by {@link JWKSVerifier} with its
 * defaults (cache 1 h, refetch cooldown 30 s, timeout 10 s); use {@code JWKSVerifier} to tune them.
 */
public final class JWTVerifier implements TokenVerifier {

    private final VerifierCore core;
    private final String description;

    private JWTVerifier(VerifierCore core, String description) {
        this.core = core;
        this.description = description;
    }

    /** Starts a builder; set one key source, the issuer and the audience. */
    public static Builder builder() {
        return new Builder();
    }

    /** Verifies a bearer token; never throws for a bad token. */
    @Override
    public TokenVerification verify(String token) {
        return core.verify(token);
    }

    @Override
    public String toString() {
        return "JWTVerifier[" + description + "]";
    }

    /**
     * Configures a {@link JWTVerifier}: one key source, the algorithms, and the claim checks of
     * {@link VerifierBuilder}. {@link #build()} validates everything.
     */
    public static final class Builder extends VerifierBuilder<Builder> {

        private String publicKeyPem;
        private String jwksUri;
        private byte[] hmacSecret;
        private List<String> algorithms = List.of();

        private Builder() {
        }

        /** Key source: an RSA, EC or EdDSA public key as PEM text ({@code -----BEGIN PUBLIC KEY-----}). */
        public Builder publicKey(String pem) {
            this.publicKeyPem = pem;
            return this;
        }

        /**
         * Key source: the JWKS URL of the token issuer (https; plain http only on localhost unless
         * {@link #allowPlainHttp()}).
         */
        public Builder jwksUri(String jwksUri) {
            this.jwksUri = jwksUri;
            return this;
        }

        /** Key source: a shared HMAC secret of at least 32 bytes, for tokens your own services sign. Copied. */
        public Builder hmacSecret(byte[] secret) {
            this.hmacSecret = secret == null ? null : secret.clone();
            return this;
        }

        /**
         * Restricts the accepted algorithms (for example {@code "RS256"}) to these; each must suit the key
         * source. By default every algorithm the key can verify is accepted.
         */
        public Builder algorithm(String... algorithms) {
            this.algorithms = VerifierClaims.names(Arrays.asList(algorithms), "algorithm");
            return this;
        }

        /**
         * Builds the verifier.
         *
         * @throws IllegalArgumentException when there is not exactly one key source, the key is unusable, an
         *                                  algorithm does not suit the key, or issuer or audience is missing
         */
        public JWTVerifier build() {
            int sources = (publicKeyPem != null ? 1 : 0) + (jwksUri != null ? 1 : 0) + (hmacSecret != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalArgumentException((sources == 0 ? "no key source set" : "several key sources set")
                        + "; call exactly one of publicKey(pem), jwksUri(url) or hmacSecret(bytes)");
            }
            for (String alg : algorithms) {
                if (!VerifierCore.ASYMMETRIC.contains(alg) && !VerifierCore.HMAC.contains(alg)) {
                    throw new IllegalArgumentException("unknown algorithm '" + alg + "'; supported: "
                            + String.join(", ", VerifierCore.ASYMMETRIC) + ", " + String.join(", ", VerifierCore.HMAC)
                            + " ('none' is never accepted)");
                }
            }
            checkClaimOptions();

            VerificationKeyResolver keys;
            List<String> supported;
            String description;
            if (hmacSecret != null) {
                if (hmacSecret.length < 32) {
                    throw new IllegalArgumentException("hmacSecret is " + hmacSecret.length + " bytes; HS256 needs "
                            + "at least 32 random bytes (e.g. from SecureRandom), so use a longer secret");
                }
                Key key = new HmacKey(hmacSecret);
                keys = (jws, nesting) -> key;
                supported = VerifierKeys.hmacAlgorithmsFor(hmacSecret.length);
                description = "an HMAC secret of " + hmacSecret.length + " bytes";
            } else if (publicKeyPem != null) {
                PublicKey key = VerifierKeys.parsePublicKeyPem(publicKeyPem);
                keys = (jws, nesting) -> key;
                supported = VerifierKeys.algorithmsFor(key);
                description = "an " + key.getAlgorithm() + " public key";
            } else {
                JWKSKeySource source = JWKSVerifier.keySource(jwksUri, plainHttpAllowed());
                keys = source;
                supported = VerifierCore.ASYMMETRIC;
                description = "the JWKS at " + source.uri();
            }
            List<String> accepted = new ArrayList<>(supported);
            if (!algorithms.isEmpty()) {
                for (String alg : algorithms) {
                    if (!supported.contains(alg)) {
                        throw new IllegalArgumentException(VerifierKeys.mismatch(alg, description, supported));
                    }
                }
                accepted.retainAll(algorithms);
            }
            VerifierCore core = new VerifierCore(accepted, keys, issuers(), audiences(), clockLeeway(),
                    requiredScopes(), VerifierCore.DEFAULT_CACHE_MAX_AGE);
            return new JWTVerifier(core, description + ", " + String.join("/", accepted));
        }
    }
}
