package dev.fastmcp.auth.jwt;

import java.time.Clock;
import java.time.Duration;

/**
 * The checked settings of one {@link JWTIssuer}, which its signer and checker share.
 *
 * @param issuer          the {@code iss} of issued tokens, required of verified ones
 * @param audience        the {@code aud} of issued tokens, required of verified ones
 * @param keys            the signing key and the retired keys that still verify
 * @param accessTokenTtl  the default access token lifetime
 * @param refreshTokenTtl the default refresh token lifetime
 * @param clockLeeway     the leeway allowed on {@code exp} and {@code nbf}
 * @param clock           the clock for issuing and checking times
 */
record JWTIssuerSettings(String issuer, String audience, JWTKeys keys, Duration accessTokenTtl,
        Duration refreshTokenTtl, Duration clockLeeway, Clock clock) {
}
