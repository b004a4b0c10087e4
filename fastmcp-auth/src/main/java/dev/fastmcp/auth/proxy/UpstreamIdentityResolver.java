package dev.fastmcp.auth.proxy;

import java.util.Map;

/**
 * Turns the tokens of an upstream sign-in into an identity. It runs on the server, after the proxy exchanged the
 * upstream code (and verified the ID token, when the identity provider sent one and an issuer is configured), and
 * again when the proxy re-checks an upstream token that never expires (see {@code GitHubProvider}).
 *
 * <p>This is the extension point of the presets: Google reads its verified ID token or its userinfo endpoint,
 * GitHub calls {@code GET /user}, Azure reads its ID token or Microsoft Graph {@code /me}. Calls upstream go
 * through {@link UpstreamApi}, which bounds their time and size.
 *
 * <pre>{@code
 * UpstreamIdentityResolver userinfo = (tokens, idClaims, api) -> {
 *     Map<String, Object> user = api.getObject("https://idp.example.com/userinfo", tokens.accessToken(), Map.of());
 *     return new UpstreamIdentity(UpstreamApi.requireString(user, "sub"), user);
 * };
 * }</pre>
 */
@FunctionalInterface
public interface UpstreamIdentityResolver {

    /**
     * The identity behind {@code tokens}.
     *
     * @param tokens        the upstream tokens, as received from the identity provider's token endpoint
     * @param idTokenClaims the claims of the identity provider's ID token, verified, or null when there is none or no
     *                      verifier was configured
     * @param api           bounded HTTP calls to the identity provider's APIs
     * @throws UpstreamApiException when the identity cannot be established; the sign-in (or refresh) is refused
     *                              with an OAuth error and the message is only logged
     */
    UpstreamIdentity resolve(UpstreamTokens tokens, Map<String, Object> idTokenClaims, UpstreamApi api)
            throws UpstreamApiException;
}
