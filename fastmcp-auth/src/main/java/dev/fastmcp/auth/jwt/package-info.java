/**
 * JWT issuing and verification: {@link JWTIssuer} signs and checks the proxy's own HS256 tokens,
 * {@link JWTVerifier} and {@link JWKSVerifier} verify tokens of another issuer, and {@link RSAKeyPair} signs test
 * tokens.
 */
package dev.fastmcp.auth.jwt;
