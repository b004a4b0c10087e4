package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.UpstreamApi;
import dev.fastmcp.auth.proxy.UpstreamApiException;
import dev.fastmcp.auth.proxy.UpstreamIdentity;
import dev.fastmcp.auth.proxy.UpstreamIdentityResolver;
import dev.fastmcp.auth.proxy.UpstreamTokens;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Identity from the verified ID token, from an OpenID Connect userinfo endpoint, or both.
 *
 * @param endpoint     the userinfo endpoint, or null when only ID tokens identify users
 * @param subjectClaim the claim of a userinfo answer holding the user id ({@code sub} for OpenID Connect)
 * @param alwaysFetch  whether to call the endpoint even when a verified ID token identified the user (its answer
 *                     then must name the same subject, OpenID Connect Core 5.3.2)
 */
record UserInfo(String endpoint, String subjectClaim, boolean alwaysFetch) implements UpstreamIdentityResolver {

    @Override
    public UpstreamIdentity resolve(UpstreamTokens tokens, Map<String, Object> idClaims, UpstreamApi api)
            throws UpstreamApiException {
        if (idClaims != null && (!alwaysFetch || endpoint == null)) {
            return new UpstreamIdentity(UpstreamApi.requireString(idClaims, "sub"), idClaims);
        }
        if (endpoint == null) {
            throw new UpstreamApiException("the identity provider sent no verifiable ID token and no userinfo endpoint "
                    + "is configured; request the openid scope or configure userInfoEndpoint", false);
        }
        Map<String, Object> info = api.getObject(endpoint, tokens.accessToken(), Map.of());
        String subject = UpstreamApi.requireString(info, subjectClaim);
        if (idClaims == null) {
            return new UpstreamIdentity(subject, info);
        }
        if (!subject.equals(UpstreamApi.requireString(idClaims, "sub"))) {
            throw new UpstreamApiException("the userinfo endpoint names another subject than the ID token", false);
        }
        Map<String, Object> merged = new LinkedHashMap<>(info);
        merged.putAll(idClaims);
        return new UpstreamIdentity(subject, merged);
    }
}
