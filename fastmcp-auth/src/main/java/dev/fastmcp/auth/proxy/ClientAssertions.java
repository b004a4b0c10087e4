package dev.fastmcp.auth.proxy;

import java.time.Clock;
import java.util.List;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.consumer.ErrorCodes;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.jwt.consumer.JwtContext;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.JwksVerificationKeyResolver;
import org.jose4j.lang.UnresolvableKeyException;

/**
 * Client authentication with a signed JWT ({@code private_key_jwt}: RFC 7523 §2.2 and §3), for clients whose
 * metadata document publishes their public keys. The assertion must be one JWS signed with an asymmetric algorithm
 * by one of the client's keys, with {@code iss} and {@code sub} the client id, an {@code aud} naming this server
 * (its token endpoint or its issuer), an {@code exp} at most {@value #MAX_LIFETIME_MINUTES} minutes ahead, and a
 * {@code jti}. Each {@code jti} is accepted once: it is claimed with {@code saveIfAbsent} in the proxy's storage until
 * the assertion expires, so a replay is refused by every instance sharing that storage.
 */
final class ClientAssertions {

    /** The {@code client_assertion_type} of RFC 7523. */
    static final String TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /** The accepted signing algorithms: asymmetric only, a document's keys being public. */
    static final List<String> ALGORITHMS = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
            "ES384", "ES512", "EdDSA");

    static final int MAX_LIFETIME_MINUTES = 10;
    private static final int CLOCK_SKEW_SECONDS = 30;
    private static final JwtConsumer PARSER = new JwtConsumerBuilder().setSkipAllValidators()
            .setDisableRequireSignature().setSkipSignatureVerification().build();

    private final ProxyStore store;
    private final List<String> audiences;
    private final Clock clock;

    /** @param audiences the accepted {@code aud} values: the token endpoint's URL and the issuer */
    ClientAssertions(ProxyStore store, List<String> audiences, Clock clock) {
        this.store = store;
        this.audiences = List.copyOf(audiences);
        this.clock = clock;
    }

    /**
     * The client id an assertion claims (its {@code iss}), read before anything is checked, to find the client's
     * keys.
     *
     * @throws OAuthError {@code invalid_client} when it is not a single signed JWT with an issuer
     */
    static String claimedClient(String assertion) throws OAuthError {
        try {
            String iss = header(assertion).getJwtClaims().getIssuer();
            if (iss == null || iss.isEmpty()) {
                throw OAuthError.invalidClient("The client_assertion has no iss claim: put the client_id there");
            }
            return iss;
        } catch (MalformedClaimException e) {
            throw OAuthError.invalidClient("The client_assertion's iss claim must be a string: the client_id");
        }
    }

    /**
     * Verifies the assertion of {@code clientId} against its keys and claims its {@code jti}.
     *
     * @throws OAuthError {@code invalid_client} saying what is wrong; the assertion is never quoted
     */
    void verify(String clientId, String assertion, List<JsonWebKey> keys) throws OAuthError {
        JwtContext context = header(assertion);
        JwksVerificationKeyResolver resolver = new JwksVerificationKeyResolver(keys);
        resolver.setDisambiguateWithVerifySignature(true);
        JwtConsumer validator = new JwtConsumerBuilder()
                .setVerificationKeyResolver(resolver)
                .setJwsAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                        ALGORITHMS.toArray(String[]::new)))
                .setExpectedIssuer(clientId)
                .setExpectedSubject(clientId)
                .setExpectedAudience(true, audiences.toArray(String[]::new))
                .setRequireExpirationTime()
                .setRequireJwtId()
                .setMaxFutureValidityInMinutes(MAX_LIFETIME_MINUTES)
                .setAllowedClockSkewInSeconds(CLOCK_SKEW_SECONDS)
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromMilliseconds(clock.millis()))
                .build();
        try {
            validator.processContext(context);
        } catch (InvalidJwtException e) {
            throw OAuthError.invalidClient("The client_assertion was refused: " + reason(e));
        }
        JwtClaims claims = context.getJwtClaims();
        long expires;
        String jti;
        try {
            expires = claims.getExpirationTime().getValue();
            jti = claims.getJwtId();
        } catch (MalformedClaimException e) {
            throw OAuthError.invalidClient("The client_assertion has a malformed exp or jti claim");
        }
        if (jti.isEmpty() || jti.length() > 256) {
            throw OAuthError.invalidClient("The client_assertion's jti must be a unique value of at most 256 "
                    + "characters");
        }
        long ttl = Math.max(1, expires - clock.millis() / 1000 + CLOCK_SKEW_SECONDS);
        if (!store.saveIfAbsent(ProxyStore.ASSERTION, clientId + "\n" + jti, new ProxyStore.AssertionUse(clientId),
                ttl)) {
            throw OAuthError.invalidClient("The client_assertion was already used (its jti was seen before): sign a "
                    + "new assertion, with a new jti, for every request");
        }
    }

    /** Parses without checking anything but the shape and the algorithm. */
    private static JwtContext header(String assertion) throws OAuthError {
        JwtContext context;
        try {
            context = PARSER.process(assertion);
        } catch (InvalidJwtException e) {
            throw OAuthError.invalidClient("The client_assertion is not a well-formed JWT (a signed JWS in compact "
                    + "form)");
        }
        List<JsonWebStructure> objects = context.getJoseObjects();
        if (objects.size() != 1 || !(objects.get(0) instanceof JsonWebSignature jws)) {
            throw OAuthError.invalidClient("The client_assertion must be a single signed JWT, not encrypted or "
                    + "nested");
        }
        String alg = jws.getAlgorithmHeaderValue();
        if (alg == null || !ALGORITHMS.contains(alg)) {
            throw OAuthError.invalidClient("The client_assertion's algorithm must be one of "
                    + String.join(", ", ALGORITHMS) + " (a key of the client's published key set)");
        }
        return context;
    }

    /** Whether no key of the set fits the assertion (its {@code kid}, {@code kty} or algorithm). */
    private static boolean noKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof UnresolvableKeyException) {
                return true;
            }
        }
        return false;
    }

    private String reason(InvalidJwtException e) {
        if (e.hasErrorCode(ErrorCodes.SIGNATURE_INVALID) || noKey(e)) {
            return "its signature does not verify with the client's public keys";
        }
        if (e.hasExpired()) {
            return "it has expired";
        }
        if (e.hasErrorCode(ErrorCodes.EXPIRATION_MISSING) || e.hasErrorCode(ErrorCodes.EXPIRATION_TOO_FAR_IN_FUTURE)) {
            return "its exp must be set, at most " + MAX_LIFETIME_MINUTES + " minutes ahead";
        }
        if (e.hasErrorCode(ErrorCodes.JWT_ID_MISSING)) {
            return "it has no jti";
        }
        if (e.hasErrorCode(ErrorCodes.AUDIENCE_MISSING) || e.hasErrorCode(ErrorCodes.AUDIENCE_INVALID)) {
            return "its aud must name this server: " + String.join(" or ", audiences);
        }
        if (e.hasErrorCode(ErrorCodes.ISSUER_MISSING) || e.hasErrorCode(ErrorCodes.ISSUER_INVALID)
                || e.hasErrorCode(ErrorCodes.SUBJECT_MISSING) || e.hasErrorCode(ErrorCodes.SUBJECT_INVALID)) {
            return "its iss and sub must both be the client_id";
        }
        if (e.hasErrorCode(ErrorCodes.NOT_YET_VALID)) {
            return "it is not valid yet (nbf)";
        }
        return "it could not be verified";
    }
}
