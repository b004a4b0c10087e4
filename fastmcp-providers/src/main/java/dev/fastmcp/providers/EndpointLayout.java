package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.Upstream;
import java.util.ArrayList;
import java.util.List;

/**
 * Where an OpenID Connect identity provider whose URLs follow a fixed, documented pattern serves its endpoints, as a
 * preset computes them from its own settings (a Keycloak realm, an Okta domain and authorization server).
 *
 * @param issuer                the {@code iss} of its ID tokens
 * @param authorizationEndpoint its authorization endpoint
 * @param tokenEndpoint         its token endpoint
 * @param jwksUri               the keys of its ID tokens
 * @param userInfoEndpoint      its OpenID Connect userinfo endpoint
 * @param revocationEndpoint    its RFC 7009 revocation endpoint
 */
record EndpointLayout(String issuer, String authorizationEndpoint, String tokenEndpoint, String jwksUri,
        String userInfoEndpoint, String revocationEndpoint) {

    /** The upstream of a proxy signing in there, its ID tokens verified against these keys and this issuer. */
    Upstream upstream(String clientId, String clientSecret, String name) {
        return Upstream.of(authorizationEndpoint, tokenEndpoint, clientId, clientSecret)
                .upstreamRevocationEndpoint(revocationEndpoint)
                .upstreamIssuer(issuer)
                .upstreamJwksUri(jwksUri)
                .upstreamName(name);
    }

    /** The scopes granted to a client with {@code offline_access} added, as requested upstream for a refresh token. */
    static List<String> withOfflineAccess(List<String> granted) {
        List<String> scopes = new ArrayList<>(granted);
        if (!scopes.contains("offline_access")) {
            scopes.add("offline_access");
        }
        return scopes;
    }
}
