package dev.fastmcp.auth.jwt;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.auth.internal.VerifierClaims;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * The JWT checks shared by {@link JWTVerifier} and {@link JWKSVerifier}, in two passes.
 *
 * <p>The first pass only parses, so the header can be checked before any key is looked up: the token must be a
 * single JWS whose {@code alg} is on the allow-list. The second pass resolves the key, verifies the signature
 * and checks {@code exp} (required), {@code nbf}, {@code iss}, {@code aud} and {@code sub} (required), with the
 * clock leeway. Reasons are written here from the error codes and the parsed claims; jose4j's own messages are
 * not passed on, since some of them quote the token.
 */
final class VerifierCore {

    /** The asymmetric JWS algorithms, in the order they are listed in reasons. */
    static final List<String> ASYMMETRIC = List.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512",
            "PS256", "PS384", "PS512", "EdDSA");

    /** The HMAC algorithms. */
    static final List<String> HMAC = List.of("HS256", "HS384", "HS512");

    private final List<String> algorithms;
    private final List<String> issuers;
    private final List<String> audiences;
    private final Duration leeway;
    private final Set<String> requiredScopes;
    private final JwtConsumer parser;
    private final JwtConsumer validator;
    private final VerifiedTokenCache verified;

    /** Longest a verification is reused unless a shorter one is given: a verifier's keys may change. */
    static final Duration DEFAULT_CACHE_MAX_AGE = Duration.ofMinutes(5);

    /**
     * @param algorithms     the accepted {@code alg} values
     * @param keys           resolves the verification key of a token
     * @param issuers        accepted {@code iss} values; empty skips the check
     * @param audiences      accepted {@code aud} values (any one suffices); empty skips the check
     * @param leeway         allowed clock skew for {@code exp} and {@code nbf}
     * @param requiredScopes scopes every token must grant
     * @param cacheMaxAge    how long a successful verification is reused for the same token (never past its
     *                       {@code exp}); as long as keys are trusted after they leave their source
     */
    VerifierCore(List<String> algorithms, VerificationKeyResolver keys, List<String> issuers, List<String> audiences,
            Duration leeway, Set<String> requiredScopes, Duration cacheMaxAge) {
        this.algorithms = List.copyOf(algorithms);
        this.issuers = List.copyOf(issuers);
        this.audiences = List.copyOf(audiences);
        this.leeway = leeway;
        this.requiredScopes = Set.copyOf(requiredScopes);
        this.parser = new JwtConsumerBuilder()
                .setSkipAllValidators()
                .setDisableRequireSignature()
                .setSkipSignatureVerification()
                .build();
        JwtConsumerBuilder validator = new JwtConsumerBuilder()
                .setVerificationKeyResolver(keys)
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(
                        AlgorithmConstraints.ConstraintType.PERMIT, this.algorithms.toArray(String[]::new)))
                .setRequireExpirationTime()
                .setRequireSubject()
                .setAllowedClockSkewInSeconds((int) Math.min(Integer.MAX_VALUE, leeway.toSeconds()));
        if (!this.issuers.isEmpty()) {
            validator.setExpectedIssuers(true, this.issuers.toArray(String[]::new));
        }
        if (this.audiences.isEmpty()) {
            validator.setSkipDefaultAudienceValidation();
        } else {
            validator.setExpectedAudience(true, this.audiences.toArray(String[]::new));
        }
        this.validator = validator.build();
        this.verified = new VerifiedTokenCache(VerifiedTokenCache.DEFAULT_MAX_ENTRIES, cacheMaxAge,
                java.time.Clock.systemUTC());
    }

    /**
     * Verifies {@code token}; never throws and never puts the token in a reason. A token verified before is
     * answered from the {@link VerifiedTokenCache} until it expires, for at most the cache's maximum age.
     */
    TokenVerification verify(String token) {
        return verified.verify(token, this::verifyNow);
    }

    private TokenVerification verifyNow(String token) {
        if (token == null || token.isBlank()) {
            return TokenVerification.invalid("token is empty");
        }
        try {
            return check(token.trim());
        } catch (RuntimeException e) {
            return TokenVerification.invalid("token could not be verified (" + e.getClass().getSimpleName() + ")");
        }
    }

    private TokenVerification check(String token) {
        JwtContext context;
        try {
            context = parser.process(token);
        } catch (InvalidJwtException e) {
            return TokenVerification.invalid("token is not a well-formed JWT (a signed JWS in compact form "
                    + "with a JSON claims set)");
        }
        List<JsonWebStructure> objects = context.getJoseObjects();
        if (objects.size() != 1 || !(objects.get(0) instanceof JsonWebSignature jws)) {
            return TokenVerification.invalid("token must be a single signed JWT; encrypted or nested JWTs "
                    + "are not accepted");
        }
        String alg = jws.getAlgorithmHeaderValue();
        if (alg == null || !algorithms.contains(alg)) {
            return TokenVerification.invalid("token algorithm " + VerifierClaims.quote(alg)
                    + " is not accepted; this verifier accepts " + String.join(", ", algorithms));
        }
        try {
            validator.processContext(context);
        } catch (InvalidJwtException e) {
            return TokenVerification.invalid(reason(e, context.getJwtClaims()));
        }
        return session(context.getJwtClaims());
    }

    private TokenVerification session(JwtClaims claims) {
        Map<String, Object> all = VerifierClaims.freeze(claims.getClaimsMap());
        Set<String> scopes = VerifierClaims.scopes(all, "scope", "scp");
        String missing = VerifierClaims.missingScopes(requiredScopes, scopes);
        if (missing != null) {
            return TokenVerification.invalid(missing);
        }
        try {
            if (claims.getSubject().isBlank()) {
                return TokenVerification.invalid("token has an empty sub claim");
            }
            Instant expiresAt = Instant.ofEpochSecond(claims.getExpirationTime().getValue());
            return TokenVerification.valid(AuthSession.of(claims.getSubject(), VerifierClaims.clientId(all),
                    scopes, all, expiresAt));
        } catch (MalformedClaimException e) {
            return TokenVerification.invalid("token has a malformed sub or exp claim");
        }
    }

    private String reason(InvalidJwtException e, JwtClaims claims) {
        UnresolvableKeyException noKey = findCause(e, UnresolvableKeyException.class);
        if (noKey != null) {
            return noKey.getMessage();
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "token signature is invalid";
        }
        if (e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return "token has a malformed registered claim (exp, nbf and iat must be numbers; iss and sub "
                    + "strings; aud a string or a list of strings)";
        }
        List<String> reasons = new ArrayList<>();
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            reasons.add("token has no exp claim; tokens that never expire are not accepted");
        }
        if (e.hasExpired()) {
            reasons.add("token expired at " + time(claims, "exp") + " (clock leeway " + JWKSKeySource.human(leeway)
                    + ")");
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            reasons.add("token is not valid before " + time(claims, "nbf"));
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_MISSING) || e.hasErrorCode(ErrorCodes.ISSUER_INVALID)) {
            reasons.add("token issuer " + VerifierClaims.quote(claims.getClaimValue("iss"))
                    + " is not accepted; expected " + oneOf(issuers));
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING) || e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
            reasons.add("token audience " + VerifierClaims.quote(claims.getClaimValue("aud"))
                    + " does not include " + oneOf(audiences));
        }
        if (e.hasErrorCode(ErrorCodes.SUBJECT_MISSING)) {
            reasons.add("token has no sub claim");
        }
        if (reasons.isEmpty()) {
            Throwable cause = e.getCause();
            reasons.add("token could not be verified"
                    + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")"));
        }
        return String.join("; ", reasons);
    }

    private static String oneOf(List<String> values) {
        return values.size() == 1 ? "'" + values.get(0) + "'" : "one of " + values;
    }

    private static String time(JwtClaims claims, String name) {
        try {
            NumericDate date = claims.getNumericDateClaimValue(name);
            return date == null ? "(none)" : Instant.ofEpochSecond(date.getValue()).toString();
        } catch (MalformedClaimException e) {
            return "(malformed)";
        }
    }

    private static <T extends Throwable> T findCause(Throwable e, Class<T> type) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
