package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The upstream identity provider an {@link OAuthProxy} signs users in with: the four values every proxy needs,
 * given to {@link #of}, and how to talk to it, each with a default. Immutable; each value is checked
 * when it is set (URLs must be https, or http on loopback).
 *
 * <pre>{@code
 * Upstream google = Upstream.of("https://accounts.google.com/o/oauth2/v2/auth", "https://oauth2.googleapis.com/token",
 *                 System.getenv("OAUTH_CLIENT_ID"), System.getenv("OAUTH_CLIENT_SECRET"))
 *         .upstreamIssuer("https://accounts.google.com");
 * }</pre>
 *
 * @param upstreamAuthorizationEndpoint the identity provider's authorization endpoint
 * @param upstreamTokenEndpoint the identity provider's token endpoint
 * @param upstreamClientId the client id of this server's OAuth application at the identity provider
 * @param upstreamClientSecret the client secret of this server's OAuth application at the identity provider
 * @param upstreamTokenEndpointAuthMethod {@code basic} (the default) or {@code post}
 * @param upstreamRevocationEndpoint the identity provider's RFC 7009 revocation endpoint; default none
 * @param upstreamIssuer the {@code iss} of the identity provider's ID tokens; default none (ID tokens are not verified)
 * @param upstreamJwksUri the identity provider's JWKS URL; default discovered from the issuer
 * @param upstreamTimeout the timeout of each call to the identity provider; default 10 s
 * @param extraAuthorizationParams extra parameters of the upstream authorization request; default none
 * @param extraTokenParams extra parameters of the upstream token requests; default none
 * @param forwardPkce whether the proxy uses PKCE with the identity provider; default true
 * @param forwardResource whether the RFC 8707 {@code resource} is sent upstream; default false
 * @param upstreamName the identity provider's name shown on the consent page; default the authorization endpoint's host
 */
public record Upstream(String upstreamAuthorizationEndpoint, String upstreamTokenEndpoint, String upstreamClientId,
        String upstreamClientSecret, String upstreamTokenEndpointAuthMethod, String upstreamRevocationEndpoint,
        String upstreamIssuer, String upstreamJwksUri, Duration upstreamTimeout,
        Map<String, String> extraAuthorizationParams, Map<String, String> extraTokenParams, boolean forwardPkce,
        boolean forwardResource, String upstreamName) {

    /** Parameters the proxy itself sets on the upstream authorization request; extras cannot replace them. */
    static final List<String> RESERVED_AUTHORIZATION_PARAMS = List.of("client_id", "redirect_uri", "response_type",
            "state", "scope", "code_challenge", "code_challenge_method");
    /** Parameters the proxy itself sets on upstream token requests. */
    static final List<String> RESERVED_TOKEN_PARAMS = List.of("grant_type", "code", "redirect_uri", "code_verifier",
            "refresh_token", "client_id", "client_secret");

    /** Checks every value; each error names the option, the value and the fix. */
    public Upstream {
        requireUrl("upstreamAuthorizationEndpoint", upstreamAuthorizationEndpoint, true);
        requireUrl("upstreamTokenEndpoint", upstreamTokenEndpoint, true);
        requireUrl("upstreamRevocationEndpoint", upstreamRevocationEndpoint, false);
        requireUrl("upstreamJwksUri", upstreamJwksUri, false);
        requireText("upstreamClientId", upstreamClientId);
        requireText("upstreamClientSecret", upstreamClientSecret);
        basicAuth(upstreamTokenEndpointAuthMethod);
        if (upstreamIssuer != null && upstreamIssuer.isBlank()) {
            throw new IllegalArgumentException("upstreamIssuer must not be blank; leave it unset (null) to verify "
                    + "no ID tokens");
        }
        if (upstreamTimeout == null || upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
            throw new IllegalArgumentException("upstreamTimeout must be positive, was " + upstreamTimeout);
        }
        extraAuthorizationParams = reserved("extraAuthorizationParams", extraAuthorizationParams,
                RESERVED_AUTHORIZATION_PARAMS);
        extraTokenParams = reserved("extraTokenParams", extraTokenParams, RESERVED_TOKEN_PARAMS);
    }

    /** The required values: the identity provider's two endpoints and this server's client credentials there. */
    public static Upstream of(String authorizationEndpoint, String tokenEndpoint, String clientId,
            String clientSecret) {
        return new Upstream(authorizationEndpoint, tokenEndpoint, clientId, clientSecret, "basic", null, null, null,
                Duration.ofSeconds(10), Map.of(), Map.of(), true, false, null);
    }

    /** The identity provider's authorization endpoint (https, or http on loopback). */
    public Upstream upstreamAuthorizationEndpoint(String url) {
        return new Upstream(url, upstreamTokenEndpoint, upstreamClientId, upstreamClientSecret,
                upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer, upstreamJwksUri,
                upstreamTimeout, extraAuthorizationParams, extraTokenParams, forwardPkce, forwardResource,
                        upstreamName);
    }

    /** The identity provider's token endpoint (https, or http on loopback). */
    public Upstream upstreamTokenEndpoint(String url) {
        return new Upstream(upstreamAuthorizationEndpoint, url, upstreamClientId, upstreamClientSecret,
                upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer, upstreamJwksUri,
                upstreamTimeout, extraAuthorizationParams, extraTokenParams, forwardPkce, forwardResource,
                        upstreamName);
    }

    /**
     * How the proxy authenticates to the identity provider's token endpoint: {@code basic} (HTTP Basic, the
     * default) or {@code post} (credentials in the form); {@code client_secret_basic}/{@code client_secret_post}
     * also work.
     */
    public Upstream upstreamTokenEndpointAuthMethod(String method) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, method, upstreamRevocationEndpoint, upstreamIssuer, upstreamJwksUri,
                upstreamTimeout, extraAuthorizationParams, extraTokenParams, forwardPkce, forwardResource,
                        upstreamName);
    }

    /** The identity provider's RFC 7009 revocation endpoint; revoking our refresh token then revokes upstream too. */
    public Upstream upstreamRevocationEndpoint(String url) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, url, upstreamIssuer, upstreamJwksUri,
                upstreamTimeout, extraAuthorizationParams, extraTokenParams, forwardPkce, forwardResource,
                        upstreamName);
    }

    /**
     * The {@code iss} of the identity provider's OpenID Connect ID tokens. With the {@code openid} scope
     * requested upstream, the proxy sends a {@code nonce} and verifies the ID token it gets back (signature,
     * {@code iss}, {@code aud} = {@link #upstreamClientId}, {@code exp}, {@code nonce}); the user's identity then
     * comes from the verified token, and a sign-in whose ID token fails is refused. Without
     * {@link #upstreamJwksUri}, the JWKS URL is discovered at the first sign-in from
     * {@code <issuer>/.well-known/openid-configuration}, whose {@code issuer} must equal this one exactly; a failed
     * discovery is logged as an error and refuses the sign-in.
     */
    public Upstream upstreamIssuer(String issuer) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, issuer,
                upstreamJwksUri, upstreamTimeout, extraAuthorizationParams, extraTokenParams, forwardPkce,
                forwardResource, upstreamName);
    }

    /**
     * The identity provider's JWKS URL, to verify its ID tokens (asymmetric algorithms only); see
     * {@link #upstreamIssuer}, which it needs. Optional: without it, it is discovered from the issuer.
     */
    public Upstream upstreamJwksUri(String jwksUri) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer,
                jwksUri, upstreamTimeout, extraAuthorizationParams, extraTokenParams, forwardPkce, forwardResource,
                upstreamName);
    }

    /** Timeout of each call to the identity provider (connect and response); default 10 s. */
    public Upstream upstreamTimeout(Duration timeout) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer,
                upstreamJwksUri, timeout, extraAuthorizationParams, extraTokenParams, forwardPkce, forwardResource,
                upstreamName);
    }

    /** Extra parameters of the upstream authorization request (e.g. {@code access_type=offline}), added. */
    public Upstream extraAuthorizationParams(Map<String, String> params) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer,
                upstreamJwksUri, upstreamTimeout, merged(extraAuthorizationParams, params), extraTokenParams,
                forwardPkce, forwardResource, upstreamName);
    }

    /** Extra parameters of the upstream token requests, added. */
    public Upstream extraTokenParams(Map<String, String> params) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer,
                upstreamJwksUri, upstreamTimeout, extraAuthorizationParams, merged(extraTokenParams, params),
                forwardPkce, forwardResource, upstreamName);
    }

    /**
     * Whether the proxy uses PKCE with the identity provider: default true, with its own S256 pair for each sign-in
     * (the client's verifier never leaves the client). False sends no PKCE upstream, for those that reject it.
     */
    public Upstream forwardPkce(boolean forward) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer,
                upstreamJwksUri, upstreamTimeout, extraAuthorizationParams, extraTokenParams, forward,
                forwardResource, upstreamName);
    }

    /**
     * Sends this server's MCP resource URL upstream as the RFC 8707 {@code resource} parameter of the
     * authorization and token requests. Off by default: most identity providers know nothing of it and some
     * refuse it (Azure v2.0). Turn it on for an identity provider that issues tokens for resources, typically with
     * {@code enableTokenSwap(false)} and an upstream verifier checking that audience.
     */
    public Upstream forwardResource(boolean forward) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer,
                upstreamJwksUri, upstreamTimeout, extraAuthorizationParams, extraTokenParams, forwardPkce, forward,
                upstreamName);
    }

    /** The identity provider's name shown on the consent page ("You will sign in with Google next."). */
    public Upstream upstreamName(String name) {
        return new Upstream(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, upstreamTokenEndpointAuthMethod, upstreamRevocationEndpoint, upstreamIssuer,
                upstreamJwksUri, upstreamTimeout, extraAuthorizationParams, extraTokenParams, forwardPkce,
                forwardResource, name);
    }

    /** Whether the token endpoint is called with HTTP Basic credentials (else in the form). */
    boolean basicAuth() {
        return basicAuth(upstreamTokenEndpointAuthMethod);
    }

    @Override
    public String toString() {
        return "Upstream[" + upstreamAuthorizationEndpoint + ", client=" + upstreamClientId + "]";
    }

    private static boolean basicAuth(String method) {
        return switch (method == null ? "" : method.toLowerCase(Locale.ROOT)) {
            case "basic", "client_secret_basic" -> true;
            case "post", "client_secret_post" -> false;
            default -> throw new IllegalArgumentException("upstreamTokenEndpointAuthMethod must be 'basic' or 'post', "
                    + "was '" + method + "'");
        };
    }

    private static Map<String, String> merged(Map<String, String> old, Map<String, String> added) {
        Map<String, String> m = new LinkedHashMap<>(old);
        m.putAll(added);
        return m;
    }

    private static Map<String, String> reserved(String option, Map<String, String> params, List<String> reserved) {
        for (String k : params.keySet()) {
            if (reserved.contains(k)) {
                throw new IllegalArgumentException(option + " cannot set '" + k + "'; the proxy sets it");
            }
        }
        return Map.copyOf(params);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    static void requireUrl(String name, String url, boolean required) {
        if (url == null) {
            if (required) {
                throw new IllegalArgumentException(name + " is required");
            }
            return;
        }
        URI u;
        try {
            u = new URI(url);
        } catch (Exception e) {
            throw new IllegalArgumentException(name + " '" + url + "' is not a valid URL");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        boolean loopbackHttp = scheme.equals("http") && Loopback.isLoopbackHost(u.getHost());
        if (u.getHost() == null || !(scheme.equals("https") || loopbackHttp)) {
            throw new IllegalArgumentException(name + " '" + url + "' must be an https URL (http only on loopback)");
        }
    }
}
