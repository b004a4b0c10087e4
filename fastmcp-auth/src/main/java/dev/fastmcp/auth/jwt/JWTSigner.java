package dev.fastmcp.auth.jwt;

import dev.fastmcp.auth.jwt.JWTIssuer.TokenRequest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwx.HeaderParameterNames;
import org.jose4j.lang.JoseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Signs the tokens of one {@link JWTIssuer} with jose4j: the claims and header it documents, HS256. */
final class JWTSigner {

    private static final Logger LOG = LoggerFactory.getLogger(JWTIssuer.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int JTI_BYTES = 16;

    private final String issuer;
    private final String audience;
    private final JWTKeys keys;
    private final Clock clock;
    private final Duration accessTokenTtl;
    private final Duration refreshTokenTtl;

    JWTSigner(JWTIssuerSettings settings) {
        this.issuer = settings.issuer();
        this.audience = settings.audience();
        this.keys = settings.keys();
        this.clock = settings.clock();
        this.accessTokenTtl = settings.accessTokenTtl();
        this.refreshTokenTtl = settings.refreshTokenTtl();
    }

    /**
     * A token of kind {@code use} for {@code request}, living from now the request's lifetime or else the default
     * of its kind (whole seconds).
     */
    IssuedToken sign(JWTTokenUse use, TokenRequest request) {
        Objects.requireNonNull(request, "request == null");
        Duration ttl = request.ttl() != null ? request.ttl()
                : use == JWTTokenUse.ACCESS ? accessTokenTtl : refreshTokenTtl;
        Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = issuedAt.plusSeconds(ttl.getSeconds());
        String jti = newJti();

        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        if (request.subject() != null) {
            claims.setSubject(request.subject());
        }
        claims.setAudience(audience);
        claims.setStringClaim(JWTClaimRules.CLIENT_ID, request.clientId());
        if (!request.scopes().isEmpty()) {
            claims.setStringClaim(JWTClaimRules.SCOPE, JWTClaimRules.joinScopes(request.scopes()));
        }
        claims.setStringClaim(JWTIssuer.TOKEN_USE_CLAIM, use.claim());
        claims.setIssuedAt(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setNotBefore(NumericDate.fromSeconds(issuedAt.getEpochSecond()));
        claims.setExpirationTime(NumericDate.fromSeconds(expiresAt.getEpochSecond()));
        claims.setJwtId(jti);
        List<String> dropped = new ArrayList<>();
        request.additionalClaims().forEach((name, value) -> {
            if (JWTClaimRules.isProtected(name, request.subject() != null)) {
                dropped.add(name);
            } else {
                claims.setClaim(name, value);
            }
        });
        if (!dropped.isEmpty()) {
            LOG.debug("Dropped additional claims {}: only the issuer sets them", dropped);
        }

        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        jws.setKeyIdHeaderValue(keys.currentKeyId());
        jws.setHeader(HeaderParameterNames.TYPE, use.type());
        jws.setPayload(claims.toJson());
        jws.setKey(keys.currentKey());
        try {
            return new IssuedToken(jws.getCompactSerialization(), jti, issuedAt, expiresAt);
        } catch (JoseException e) {
            throw new IllegalStateException("HS256 signing failed: " + e.getMessage(), e);
        }
    }

    private static String newJti() {
        byte[] random = new byte[JTI_BYTES];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
