package dev.fastmcp.auth.jwt;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.internal.VerifierClaims;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.HeaderParameterNames;
import org.jose4j.lang.InvalidAlgorithmException;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Verifies the tokens of one {@link JWTIssuer} with jose4j: HS256 only, key by {@code kid}, exact issuer,
 * audience, expiry and not-before with leeway, then the FastMCP rules ({@code typ} and {@code token_use}
 * agree, {@code client_id} present). Never throws for a bad token, and no error ever quotes the token.
 */
final class JWTChecker {

    /** Longer input is refused before parsing; real tokens are far below this. */
    static final int MAX_TOKEN_CHARS = 16 * 1024;

    private static final AlgorithmConstraints HS256_ONLY =
            new AlgorithmConstraints(ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256);

    private final String issuer;
    private final String audience;
    private final JWTKeys keys;
    private final int leewaySeconds;
    private final Clock clock;

    JWTChecker(JWTIssuerSettings settings) {
        this.issuer = settings.issuer();
        this.audience = settings.audience();
        this.keys = settings.keys();
        this.leewaySeconds = Math.toIntExact(settings.clockLeeway().getSeconds());
        this.clock = settings.clock();
    }

    /** Verifies {@code token}; {@code expected} null accepts either kind. */
    TokenVerification check(String token, JWTTokenUse expected) {
        if (token == null || token.isBlank()) {
            return TokenVerification.invalid("no token given");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            return TokenVerification.invalid("token is too long (" + token.length() + " characters; at most "
                    + MAX_TOKEN_CHARS + ")");
        }
        if (token.chars().filter(c -> c == '.').count() != 2) {
            return TokenVerification.invalid("malformed token: a signed JWT has three dot-separated parts");
        }
        JwtContext context;
        try {
            context = new JwtConsumerBuilder()
                    .setJwsAlgorithmConstraints(HS256_ONLY)
                    .setVerificationKeyResolver(keys)
                    .setExpectedIssuer(issuer)
                    .setExpectedAudience(audience)
                    .setRequireExpirationTime()
                    .setRequireIssuedAt()
                    .setRequireJwtId()
                    .setAllowedClockSkewInSeconds(leewaySeconds)
                    .setEvaluationTime(NumericDate.fromSeconds(clock.instant().getEpochSecond()))
                    .build()
                    .process(token);
        } catch (InvalidJwtException e) {
            return TokenVerification.invalid(describe(e));
        } catch (RuntimeException e) {
            return TokenVerification.invalid("malformed token");
        }
        String problem = checkFastMcpRules(context, expected);
        return problem != null
                ? TokenVerification.invalid(problem)
                : session(context.getJwtClaims().getClaimsMap());
    }

    /**
     * Access tokens as a {@link TokenVerifier}, mapping the claims to an {@link AuthSession}. A token verified once
     * is not parsed again until it expires (see {@link VerifiedTokenCache}); the keys of an issuer never change,
     * and revocation is checked by the caller on every request.
     */
    TokenVerifier accessTokenVerifier() {
        VerifiedTokenCache cache = new VerifiedTokenCache(VerifiedTokenCache.DEFAULT_MAX_ENTRIES,
                Duration.ofDays(1), clock);
        return token -> cache.verify(token, t -> check(t, JWTTokenUse.ACCESS));
    }

    /**
     * The session of a verified token: subject {@code sub}, else {@code client_id}; scopes from the {@code scope}
     * string; expiry {@code exp}; claims every claim, deeply unmodifiable, JSON nulls dropped.
     */
    private static TokenVerification session(Map<String, Object> verified) {
        Map<String, Object> claims = VerifierClaims.freeze(verified);
        String clientId = (String) claims.get(JWTClaimRules.CLIENT_ID);
        String subject = claims.get(JWTClaimRules.SUBJECT) instanceof String sub && !sub.isBlank() ? sub : clientId;
        Instant expiresAt = claims.get("exp") instanceof Number exp ? Instant.ofEpochSecond(exp.longValue()) : null;
        return TokenVerification.valid(AuthSession.of(subject, clientId,
                VerifierClaims.parseScope(claims.get(JWTClaimRules.SCOPE)), claims, expiresAt));
    }

    private static String checkFastMcpRules(JwtContext context, JWTTokenUse expected) {
        JwtClaims claims = context.getJwtClaims();
        JWTTokenUse use = JWTTokenUse.fromClaim(claims.getClaimValue(JWTIssuer.TOKEN_USE_CLAIM));
        if (use == null) {
            return "token has no valid token_use claim (access or refresh)";
        }
        String type = context.getJoseObjects().get(0).getHeader(HeaderParameterNames.TYPE);
        if (!use.type().equalsIgnoreCase(type)) {
            return "token type header (typ) does not match its token_use claim";
        }
        if (expected != null && use != expected) {
            return "this is " + article(use) + " token but " + article(expected) + " token is required";
        }
        if (!(claims.getClaimValue(JWTClaimRules.CLIENT_ID) instanceof String id) || id.isBlank()) {
            return "token has no client_id claim";
        }
        Object scope = claims.getClaimValue(JWTClaimRules.SCOPE);
        if (scope != null && !(scope instanceof String)) {
            return "token scope claim is not a space-separated string";
        }
        Object subject = claims.getClaimValue(JWTClaimRules.SUBJECT);
        if (subject != null && !(subject instanceof String)) {
            return "token sub claim is not a string";
        }
        return null;
    }

    private static String article(JWTTokenUse use) {
        return use == JWTTokenUse.ACCESS ? "an access" : "a refresh";
    }

    /** A short reason for a refused token, built from error codes only (jose4j's own messages quote it). */
    private String describe(InvalidJwtException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidAlgorithmException) {
                return "signing algorithm not allowed; only HS256 is accepted";
            }
            if (cause instanceof UnresolvableKeyException) {
                String message = cause.getMessage();
                return JWTKeys.NO_KID.equals(message) ? JWTKeys.NO_KID : JWTKeys.UNKNOWN_KID;
            }
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_MISSING)) {
            return "token is not signed; only HS256 is accepted";
        }
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID)) {
            return "invalid signature";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_INVALID) || e.hasErrorCode(ErrorCodes.ISSUER_MISSING)) {
            return "wrong issuer (iss): expected " + issuer;
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID) || e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING)) {
            return "wrong audience (aud): expected " + audience;
        }
        if (e.hasExpired()) {
            return "token has expired";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "token is not yet valid (nbf is in the future)";
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING)) {
            return "token has no expiry (exp)";
        }
        if (e.hasErrorCode(ErrorCodes.ISSUED_AT_MISSING)) {
            return "token has no issue time (iat)";
        }
        if (e.hasErrorCode(ErrorCodes.JWT_ID_MISSING)) {
            return "token has no id (jti)";
        }
        if (e.hasErrorCode(ErrorCodes.MALFORMED_CLAIM)) {
            return "token has a malformed registered claim";
        }
        return "malformed token";
    }
}
