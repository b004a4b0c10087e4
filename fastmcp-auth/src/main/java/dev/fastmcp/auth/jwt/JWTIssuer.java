package dev.fastmcp.auth.jwt;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Issues and verifies the HS256-signed JWTs the OAuth proxy hands to MCP clients instead of the identity provider's
 * tokens. Immutable and thread-safe.
 *
 * <pre>{@code
 * JWTIssuer issuer = new JWTIssuer("https://mcp.example.com", "https://mcp.example.com/mcp",
 *         JWTIssuer.deriveKey(System.getenv("JWT_SECRET")));
 * String access = issuer.issueAccessToken("client-123", List.of("read", "write"), Map.of("role", "admin"));
 * TokenVerification result = issuer.verifyAccessToken(access); // result.isValid(), result.claims()
 * }</pre>
 *
 * <p><b>Tokens.</b> The header carries {@code alg: HS256}, the {@code kid} of the signing key and an explicit
 * type: {@value #ACCESS_TOKEN_TYPE} for access tokens (RFC 9068) and {@value #REFRESH_TOKEN_TYPE} for refresh
 * tokens. The claims are {@code iss}, {@code sub} (when a subject is given), {@code aud}, {@code client_id},
 * {@code scope} (RFC 9068: the scopes joined by spaces; left out when there are none), {@code token_use}
 * ({@code access} or {@code refresh}), {@code iat}, {@code nbf}, {@code exp} and {@code jti} (128 random bits,
 * base64url), then the additional claims. Additional claims never replace a {@linkplain #PROTECTED_CLAIMS
 * protected claim}: those names are dropped (and logged at debug). {@code sub} is protected when a subject is
 * given; otherwise an additional {@code sub} string is kept, so an upstream subject can pass through.
 *
 * <p><b>Verification.</b> Only HS256 is accepted ({@code none}, RSA and every other algorithm are refused
 * before any key is used); the key is chosen by {@code kid} among the current and {@linkplain
 * Builder#previousKey(String, byte[]) previous} keys; {@code iss} and {@code aud} must match exactly;
 * {@code exp} and {@code nbf} are checked with the {@linkplain Builder#clockLeeway clock leeway}; {@code typ}
 * and {@code token_use} must agree. {@link #verifyAccessToken} and {@link #verifyRefreshToken} also require
 * the kind, so a refresh token never passes as an access token or the reverse; use them rather than
 * {@link #verify}.
 *
 * <p><b>Results.</b> Every verification returns a {@link TokenVerification}, the type every {@link TokenVerifier}
 * returns. The seed API's {@code result.valid} and {@code result.claims} are {@link TokenVerification#isValid()}
 * and {@link TokenVerification#claims()}: the verified claims (deeply unmodifiable, JSON nulls dropped), empty
 * when the token was refused. A valid result also carries the session described at {@link #accessTokenVerifier()}.
 */
public final class JWTIssuer {

    /** The {@code typ} header of access tokens (RFC 9068). */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";
    /** The {@code typ} header of refresh tokens (FastMCP's own, distinct from access tokens). */
    public static final String REFRESH_TOKEN_TYPE = "refresh+jwt";
    /** The claim telling access tokens ({@code access}) from refresh tokens ({@code refresh}). */
    public static final String TOKEN_USE_CLAIM = "token_use";
    /** Claims that additional claims can never set: iss, aud, exp, iat, nbf, jti, client_id, scope, token_use. */
    public static final Set<String> PROTECTED_CLAIMS = JWTClaimRules.PROTECTED;
    /** Access token lifetime unless configured: 3600 s. */
    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofSeconds(3600);
    /** Refresh token lifetime unless configured: 2,592,000 s (30 days). */
    public static final Duration DEFAULT_REFRESH_TOKEN_TTL = Duration.ofSeconds(2_592_000);
    /** Clock leeway for {@code exp} and {@code nbf} unless configured: 30 s. */
    public static final Duration DEFAULT_CLOCK_LEEWAY = Duration.ofSeconds(30);
    /** PBKDF2 iterations of {@link #deriveKey(String)}: 600,000, OWASP's figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_KDF_ITERATIONS = 600_000;
    /** The PBKDF2 salt of {@link #deriveKey}, used as its UTF-8 bytes. */
    public static final String KDF_SALT = "fastmcp-oauth-proxy";

    private final JWTIssuerSettings settings;
    private final JWTChecker checker;
    private final JWTSigner signer;
    private final TokenVerifier accessTokenVerifier;

    /**
     * An issuer with the default lifetimes (access 3600 s, refresh 30 days), a key id derived from the key and
     * 30 s of clock leeway.
     *
     * @param issuer     the {@code iss} claim, usually the server's base URL
     * @param audience   the {@code aud} claim, usually the MCP endpoint URL
     * @param signingKey the HS256 key, at least 32 bytes: random bytes or {@link #deriveKey}
     * @throws IllegalArgumentException when an argument is blank or the key too short
     */
    public JWTIssuer(String issuer, String audience, byte[] signingKey) {
        this(builder(issuer, audience, signingKey).settings());
    }

    private JWTIssuer(JWTIssuerSettings settings) {
        this.settings = settings;
        this.checker = new JWTChecker(settings);
        this.signer = new JWTSigner(settings);
        this.accessTokenVerifier = checker.accessTokenVerifier();
    }

    /** Starts a configured issuer; the arguments are as for {@link #JWTIssuer(String, String, byte[])}. */
    public static Builder builder(String issuer, String audience, byte[] signingKey) {
        return new Builder(issuer, audience, signingKey);
    }

    // ---- issuing --------------------------------------------------------------------------------------------

    /** An access token for {@code clientId} with {@code scopes} and the default lifetime. */
    public String issueAccessToken(String clientId, Collection<String> scopes) {
        return issueAccessToken(TokenRequest.of(clientId, scopes));
    }

    /** An access token with additional claims (protected names are dropped) and the default lifetime. */
    public String issueAccessToken(String clientId, Collection<String> scopes, Map<String, ?> additionalClaims) {
        return issueAccessToken(TokenRequest.of(clientId, scopes).withClaims(additionalClaims));
    }

    /** An access token with additional claims and a lifetime overriding the default ({@code null}: default). */
    public String issueAccessToken(String clientId, Collection<String> scopes, Map<String, ?> additionalClaims,
            Duration ttlOverride) {
        return issueAccessToken(TokenRequest.of(clientId, scopes).withClaims(additionalClaims).withTtl(ttlOverride));
    }

    /** An access token as described by {@code request} (which may carry a subject). */
    public String issueAccessToken(TokenRequest request) {
        return issueAccessTokenWithInfo(request).token();
    }

    /** An access token with its {@code jti} and times, for server-side mappings. */
    public IssuedToken issueAccessTokenWithInfo(TokenRequest request) {
        return signer.sign(JWTTokenUse.ACCESS, request);
    }

    /** A refresh token for {@code clientId} with {@code scopes} and the default lifetime. */
    public String issueRefreshToken(String clientId, Collection<String> scopes) {
        return issueRefreshToken(TokenRequest.of(clientId, scopes));
    }

    /** A refresh token with additional claims (protected names are dropped) and the default lifetime. */
    public String issueRefreshToken(String clientId, Collection<String> scopes, Map<String, ?> additionalClaims) {
        return issueRefreshToken(TokenRequest.of(clientId, scopes).withClaims(additionalClaims));
    }

    /** A refresh token with additional claims and a lifetime overriding the default ({@code null}: default). */
    public String issueRefreshToken(String clientId, Collection<String> scopes, Map<String, ?> additionalClaims,
            Duration ttlOverride) {
        return issueRefreshToken(TokenRequest.of(clientId, scopes).withClaims(additionalClaims).withTtl(ttlOverride));
    }

    /** A refresh token as described by {@code request} (which may carry a subject). */
    public String issueRefreshToken(TokenRequest request) {
        return issueRefreshTokenWithInfo(request).token();
    }

    /** A refresh token with its {@code jti} and times, for server-side mappings. */
    public IssuedToken issueRefreshTokenWithInfo(TokenRequest request) {
        return signer.sign(JWTTokenUse.REFRESH, request);
    }

    // ---- verifying ------------------------------------------------------------------------------------------

    /**
     * Verifies a token of either kind: signature (HS256, by {@code kid}), issuer, audience, expiry and
     * not-before. The {@code token_use} claim among the result's claims says which kind it is; prefer
     * {@link #verifyAccessToken} or {@link #verifyRefreshToken}, which require the kind. Never throws for a bad
     * token.
     */
    public TokenVerification verify(String token) {
        return checker.check(token, null);
    }

    /** Like {@link #verify}, and requires an access token: a refresh token is refused. */
    public TokenVerification verifyAccessToken(String token) {
        return checker.check(token, JWTTokenUse.ACCESS);
    }

    /** Like {@link #verify}, and requires a refresh token: an access token is refused. */
    public TokenVerification verifyRefreshToken(String token) {
        return checker.check(token, JWTTokenUse.REFRESH);
    }

    /**
     * This issuer's access tokens as a {@link TokenVerifier}: refresh tokens are refused. The session's subject
     * is {@code sub}, or {@code client_id} when there is none; its scopes come from the {@code scope} string,
     * its expiry from {@code exp}, and its claims are all claims (so {@code role}/{@code roles} reach
     * {@link AuthSession#roles()}).
     */
    public TokenVerifier accessTokenVerifier() {
        return accessTokenVerifier;
    }

    // ---- keys -----------------------------------------------------------------------------------------------

    /** {@link #deriveKey(String, int)} with {@value #DEFAULT_KDF_ITERATIONS} iterations. */
    public static byte[] deriveKey(String secret) {
        return deriveKey(secret, DEFAULT_KDF_ITERATIONS);
    }

    /**
     * Turns a secret (a passphrase, a client secret) into a 32-byte HS256 key: PBKDF2-HMAC-SHA256 over the
     * secret's UTF-8 bytes with the salt {@value #KDF_SALT} (UTF-8) and {@code iterations} rounds. The result is
     * the 32 raw bytes, to pass as the signing key as they are. The same secret always gives the same key, so
     * every instance sharing the secret can verify every other's tokens. Logs a warning when the secret is
     * weaker than random key material: fewer than 32 characters or an estimated strength under 128 bits (the
     * measure {@code OAuthProxy}'s {@code secret(...)} is held to; a passphrase is guessable offline from any
     * issued token even through PBKDF2). Generate a secret with {@code openssl rand -base64 32}.
     *
     * @throws IllegalArgumentException when the secret is null or blank, or {@code iterations} is below 10,000
     */
    public static byte[] deriveKey(String secret, int iterations) {
        return JWTKeys.derive(secret, iterations);
    }

    // ---- accessors ------------------------------------------------------------------------------------------

    /** The {@code iss} of issued tokens, required of verified ones. */
    public String issuer() {
        return settings.issuer();
    }

    /** The {@code aud} of issued tokens, required of verified ones. */
    public String audience() {
        return settings.audience();
    }

    /** The {@code kid} of the current signing key. */
    public String keyId() {
        return settings.keys().currentKeyId();
    }

    /** The default access token lifetime. */
    public Duration accessTokenTtl() {
        return settings.accessTokenTtl();
    }

    /** The default refresh token lifetime. */
    public Duration refreshTokenTtl() {
        return settings.refreshTokenTtl();
    }

    /** The leeway allowed on {@code exp} and {@code nbf}. */
    public Duration clockLeeway() {
        return settings.clockLeeway();
    }

    @Override
    public String toString() {
        return "JWTIssuer[issuer=" + issuer() + ", audience=" + audience() + ", kid=" + keyId() + "]";
    }

    /**
     * What to put in one token: the client, its scopes, optionally a subject, additional claims and a lifetime.
     * Build one with {@link #of} and the {@code with...} methods:
     * {@code TokenRequest.of("client-123", List.of("read")).withSubject("user-1").withTtl(Duration.ofMinutes(5))}.
     *
     * @param clientId         the {@code client_id} claim; required
     * @param scopes           the granted scopes, each an RFC 6749 scope-token; de-duplicated in order
     * @param subject          the {@code sub} claim, or null for none (then an additional {@code sub} is kept)
     * @param additionalClaims further claims with JSON values (String, Number, Boolean, List, Map); protected
     *                         names are dropped when signing
     * @param ttl              the lifetime (whole seconds, at least 1), or null for the issuer's default
     */
    public record TokenRequest(String clientId, List<String> scopes, String subject,
            Map<String, Object> additionalClaims, Duration ttl) {

        /** Checks and copies every field; each error names the value and what to pass instead. */
        public TokenRequest {
            JWTIssuerRules.checkRequest(clientId, subject, ttl);
            scopes = JWTClaimRules.checkScopes(scopes);
            additionalClaims = JWTClaimRules.checkAdditionalClaims(additionalClaims);
            if (subject == null) {
                JWTClaimRules.checkAdditionalSubject(additionalClaims);
            }
        }

        /** A request for {@code clientId} with {@code scopes} ({@code null}: none) and nothing else. */
        public static TokenRequest of(String clientId, Collection<String> scopes) {
            return new TokenRequest(clientId, scopes == null ? null : new ArrayList<>(scopes), null, null, null);
        }

        /** This request with the {@code sub} claim set to {@code subject} ({@code null}: none). */
        public TokenRequest withSubject(String subject) {
            return new TokenRequest(clientId, scopes, subject, additionalClaims, ttl);
        }

        /** This request with {@code claims} as its additional claims ({@code null}: none). */
        public TokenRequest withClaims(Map<String, ?> claims) {
            return new TokenRequest(clientId, scopes, subject, JWTClaimRules.checkAdditionalClaims(claims), ttl);
        }

        /** This request with its own lifetime ({@code null}: the issuer's default). */
        public TokenRequest withTtl(Duration ttl) {
            return new TokenRequest(clientId, scopes, subject, additionalClaims, ttl);
        }
    }

    /**
     * Configures a {@link JWTIssuer}. Issuer, audience and signing key are required; everything else has a
     * default. {@link #build()} checks the whole configuration and says what to change.
     */
    public static final class Builder {
        private final String issuer;
        private final String audience;
        private final byte[] signingKey;
        private Duration accessTokenTtl = DEFAULT_ACCESS_TOKEN_TTL;
        private Duration refreshTokenTtl = DEFAULT_REFRESH_TOKEN_TTL;
        private Duration clockLeeway = DEFAULT_CLOCK_LEEWAY;
        private Clock clock = Clock.systemUTC();
        private String keyId;
        private final List<Map.Entry<String, byte[]>> previous = new ArrayList<>();

        private Builder(String issuer, String audience, byte[] signingKey) {
            this.issuer = Objects.requireNonNull(issuer, "issuer == null");
            this.audience = Objects.requireNonNull(audience, "audience == null");
            this.signingKey = Objects.requireNonNull(signingKey, "signingKey == null").clone();
        }

        /** The default access token lifetime (default 3600 s). */
        public Builder accessTokenTtl(Duration ttl) {
            this.accessTokenTtl = Objects.requireNonNull(ttl, "ttl == null");
            return this;
        }

        /** The default access token lifetime in seconds (default 3600). */
        public Builder accessTokenTtl(long seconds) {
            return accessTokenTtl(Duration.ofSeconds(seconds));
        }

        /** The default refresh token lifetime (default 30 days). */
        public Builder refreshTokenTtl(Duration ttl) {
            this.refreshTokenTtl = Objects.requireNonNull(ttl, "ttl == null");
            return this;
        }

        /** The default refresh token lifetime in seconds (default 2,592,000). */
        public Builder refreshTokenTtl(long seconds) {
            return refreshTokenTtl(Duration.ofSeconds(seconds));
        }

        /**
         * The {@code kid} of the signing key. By default it is derived from the key (8 bytes of its SHA-256,
         * base64url), so every instance sharing the key agrees without configuration.
         */
        public Builder keyId(String keyId) {
            this.keyId = Objects.requireNonNull(keyId, "keyId == null");
            return this;
        }

        /**
         * A retired key whose tokens still verify, under its derived key id; see
         * {@link #previousKey(String, byte[])}.
         */
        public Builder previousKey(byte[] key) {
            Objects.requireNonNull(key, "key == null");
            return previousKey(JWTKeys.defaultKeyId(key), key);
        }

        /**
         * A retired key whose tokens still verify, under {@code keyId} (the id it signed with). New tokens are
         * always signed with the current key. To rotate: make the new key current, keep the old one here for
         * as long as its refresh tokens live, then drop it.
         */
        public Builder previousKey(String keyId, byte[] key) {
            Objects.requireNonNull(keyId, "keyId == null");
            Objects.requireNonNull(key, "key == null");
            previous.add(Map.entry(keyId, key.clone()));
            return this;
        }

        /** How far {@code exp} and {@code nbf} may be off to allow for clock drift (default 30 s, at most 5 min). */
        public Builder clockLeeway(Duration leeway) {
            this.clockLeeway = Objects.requireNonNull(leeway, "leeway == null");
            return this;
        }

        /** The clock for issuing and checking times (default the system UTC clock); for tests. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /**
         * The issuer.
         *
         * @throws IllegalArgumentException when issuer or audience is blank, a key is shorter than 32 bytes, a
         *                                  lifetime is under 1 s, the leeway is negative or above 5 minutes, or
         *                                  key ids are blank or repeated
         */
        public JWTIssuer build() {
            return new JWTIssuer(settings());
        }

        /** Checks the whole configuration in the order {@link #build()} lists it. */
        private JWTIssuerSettings settings() {
            JWTIssuerRules.requireText("issuer", issuer,
                    "the URL clients see as the token issuer, e.g. https://mcp.example.com");
            JWTIssuerRules.requireText("audience", audience,
                    "the resource the tokens are for, e.g. https://mcp.example.com/mcp");
            JWTKeys.requireKey("signingKey", signingKey);
            JWTIssuerRules.requireTtl("accessTokenTtl", accessTokenTtl);
            JWTIssuerRules.requireTtl("refreshTokenTtl", refreshTokenTtl);
            JWTIssuerRules.requireLeeway(clockLeeway);
            return new JWTIssuerSettings(issuer, audience, JWTIssuerRules.keys(keyId, signingKey, previous),
                    accessTokenTtl, refreshTokenTtl, clockLeeway, clock);
        }
    }
}
