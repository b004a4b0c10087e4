package dev.fastmcp.auth;

import dev.fastmcp.TokenVerifier;
import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every option of the OAuth proxy, shared by {@link OAuthProxy.Builder} and the provider presets
 * ({@code GoogleProvider.Builder} and the others), so a preset exposes all of them and fixes only what is
 * specific to its provider.
 *
 * <p><b>For presets.</b> A preset's builder extends this class and, besides setting its provider's endpoints,
 * default scopes and parameters through the public setters (which users may still override), uses four
 * protected hooks: {@link #upstreamIdentity} (how the upstream tokens become an identity),
 * {@link #sessionType} (the typed session tools receive), {@link #upstreamIdTokenVerifier} (an ID-token verifier
 * of its own, such as Azure's tenant-aware one) and {@link #upstreamScopes} (how granted scopes are spelled
 * upstream). {@link #buildProxy()} then checks everything and builds the proxy the preset delegates to.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class OAuthProxyOptions<B extends OAuthProxyOptions<B>> {

    private static final Logger LOG = LoggerFactory.getLogger(OAuthProxy.class);

    private String upstreamAuthorizationEndpoint;
    private String upstreamTokenEndpoint;
    private String upstreamClientId;
    private String upstreamClientSecret;
    private String upstreamTokenEndpointAuthMethod = "basic";
    private String upstreamRevocationEndpoint;
    private String baseUrl;
    private String redirectPath = "/oauth/callback";
    private List<String> scopes = List.of();
    private boolean forwardPkce = true;
    private boolean consentRequired = true;
    private boolean enableTokenSwap = true;
    private byte[] jwtSigningKey;
    private byte[] encryptionKey;
    private boolean encryptionDisabled;
    private byte[] consentSigningKey;
    private String secret;
    private TokenStorage tokenStorage;
    private Duration transactionTtl = Duration.ofSeconds(600);
    private Duration authorizationCodeTtl = Duration.ofSeconds(300);
    private Duration accessTokenTtl = JWTIssuer.DEFAULT_ACCESS_TOKEN_TTL;
    private Duration refreshTokenTtl = JWTIssuer.DEFAULT_REFRESH_TOKEN_TTL;
    private Duration registrationTtl = Duration.ofHours(1);
    private Duration upstreamTimeout = Duration.ofSeconds(10);
    private Duration refreshGracePeriod = Duration.ofSeconds(30);
    private String upstreamIssuer;
    private String upstreamJwksUri;
    private TokenVerifier upstreamTokenVerifier;
    private final Map<String, String> extraAuthorizationParams = new LinkedHashMap<>();
    private final Map<String, String> extraTokenParams = new LinkedHashMap<>();
    private List<String> allowedRedirectUriPatterns;
    private ClaimsPassthrough customClaimsPassthrough = ClaimsPassthrough.defaults();
    private int registrationRateLimit = RegistrationLimiter.DEFAULT_REGISTRATIONS_PER_WINDOW;
    private int maxUnusedRegistrations = UnusedRegistrations.DEFAULT_MAX;
    private int authorizationRateLimit = AuthorizeEndpoint.DEFAULT_AUTHORIZATIONS_PER_MINUTE;
    private int maxPendingAuthorizations = PendingSignIns.DEFAULT_MAX;
    private boolean forwardResource;
    private boolean limitScopesToUpstreamGrant = true;
    private String providerName;
    private UpstreamIdentityResolver identityResolver;
    private Function<ProxySession, ? extends ProxySession> sessionFactory;
    private TokenVerifier presetIdTokenVerifier;
    private UnaryOperator<List<String>> upstreamScopes;

    /** For {@link OAuthProxy.Builder} and the builders of provider presets. */
    protected OAuthProxyOptions() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The provider's authorization endpoint (https, or http on loopback). Required. */
    public B upstreamAuthorizationEndpoint(String url) {
        this.upstreamAuthorizationEndpoint = url;
        return self();
    }

    /** The provider's token endpoint (https, or http on loopback). Required. */
    public B upstreamTokenEndpoint(String url) {
        this.upstreamTokenEndpoint = url;
        return self();
    }

    /** The client id of this server's OAuth application at the provider. Required. */
    public B upstreamClientId(String clientId) {
        this.upstreamClientId = clientId;
        return self();
    }

    /** The client secret of this server's OAuth application at the provider. Required. */
    public B upstreamClientSecret(String clientSecret) {
        this.upstreamClientSecret = clientSecret;
        return self();
    }

    /**
     * How the proxy authenticates to the provider's token endpoint: {@code basic} (HTTP Basic, the default) or
     * {@code post} (credentials in the form); {@code client_secret_basic}/{@code client_secret_post} also work.
     */
    public B upstreamTokenEndpointAuthMethod(String method) {
        this.upstreamTokenEndpointAuthMethod = method;
        return self();
    }

    /** The provider's RFC 7009 revocation endpoint; revoking our refresh token then revokes upstream too. */
    public B upstreamRevocationEndpoint(String url) {
        this.upstreamRevocationEndpoint = url;
        return self();
    }

    /**
     * The server's public base URL. Optional: the proxy takes the server's; when given it must be the same (the
     * server checks at start).
     */
    public B baseUrl(String url) {
        this.baseUrl = url;
        return self();
    }

    /** The callback path under the base path, default {@code /oauth/callback}; the route moves with it. */
    public B redirectPath(String path) {
        this.redirectPath = path;
        return self();
    }

    /** The scopes offered to clients and requested upstream (when the client asks for none). */
    public B scopes(String... scopes) {
        return scopes(Arrays.asList(scopes));
    }

    /** The scopes offered to clients and requested upstream (when the client asks for none). */
    public B scopes(List<String> scopes) {
        this.scopes = List.copyOf(scopes);
        return self();
    }

    /**
     * Whether the proxy uses PKCE with the provider: default true, with its own S256 pair for each sign-in (the
     * client's verifier never leaves the client). False sends no PKCE upstream, for providers that reject it.
     */
    public B forwardPkce(boolean forwardPkce) {
        this.forwardPkce = forwardPkce;
        return self();
    }

    /**
     * Whether users see a consent page before being sent to the provider; default true. Turning it off lets any
     * registered client obtain a user's authorization silently through this server's static provider client (the
     * confused-deputy attack the MCP specification forbids); it is logged as a warning.
     */
    public B consentRequired(boolean consentRequired) {
        this.consentRequired = consentRequired;
        return self();
    }

    /**
     * Whether clients get this proxy's tokens instead of the provider's; default true. Passing provider tokens
     * through to clients is forbidden by the MCP specification unless they were issued for this server, so false
     * is refused at build unless {@link #upstreamTokenVerifier} is set (see there): clients then get the
     * provider's access token from our token endpoint, with an opaque single-use refresh token of ours when the
     * provider gave one (the provider's refresh token stays here, since refreshing needs this server's
     * credentials), and {@code /mcp} accepts what that verifier accepts.
     */
    public B enableTokenSwap(boolean enableTokenSwap) {
        this.enableTokenSwap = enableTokenSwap;
        return self();
    }

    /** The HS256 key of the tokens we issue (at least 32 bytes). Default: derived from {@link #secret} or random. */
    public B jwtSigningKey(byte[] key) {
        this.jwtSigningKey = key == null ? null : key.clone();
        return self();
    }

    /** The AES-256-GCM key that encrypts the storage. Default: derived from {@link #secret} or random. */
    public B encryptionKey(byte[] key) {
        this.encryptionKey = key == null ? null : key.clone();
        this.encryptionDisabled = false;
        return self();
    }

    /**
     * {@code false} stores the state unencrypted (development only; refused with a persistent storage such as
     * {@link DiskStore}). {@code true} restores the default.
     */
    public B encryptionKey(boolean enabled) {
        this.encryptionDisabled = !enabled;
        if (!enabled) {
            this.encryptionKey = null;
        }
        return self();
    }

    /** The key signing consent CSRF tokens (at least 32 bytes). Default: derived from {@link #secret} or random. */
    public B consentSigningKey(byte[] key) {
        this.consentSigningKey = key == null ? null : key.clone();
        return self();
    }

    /**
     * One secret standing for all keys: signing, storage-encryption, storage-key and consent keys are derived
     * from it with HKDF-SHA256 and distinct labels, so every instance configured with it agrees. Explicit keys win
     * over derived ones.
     *
     * <p>It must be random key material, not a passphrase: anyone holding one issued token could test guesses at
     * it offline. Generate it with {@code openssl rand -base64 32} (or {@code openssl rand -hex 32}) and keep it in
     * a secret store. {@code build()} refuses a secret shorter than 32 characters or with an estimated strength
     * under 128 bits (each character counts the bits of its alphabet; repeats, sequences and English words count
     * little), saying what it measured, never the secret.
     */
    public B secret(String secret) {
        this.secret = secret;
        return self();
    }

    /** Where the proxy keeps its state; default a {@link MemoryTokenStorage}. Encrypted unless disabled. */
    public B tokenStorage(TokenStorage storage) {
        this.tokenStorage = storage;
        return self();
    }

    /** How long a sign-in may take from authorize to callback; default 600 s. */
    public B transactionTtl(Duration ttl) {
        this.transactionTtl = ttl;
        return self();
    }

    /** How long our authorization codes live; default 300 s. */
    public B authorizationCodeTtl(Duration ttl) {
        this.authorizationCodeTtl = ttl;
        return self();
    }

    /** How long our access tokens live; default 3600 s. */
    public B accessTokenTtl(Duration ttl) {
        this.accessTokenTtl = ttl;
        return self();
    }

    /** How long our refresh tokens live; default 30 days. */
    public B refreshTokenTtl(Duration ttl) {
        this.refreshTokenTtl = ttl;
        return self();
    }

    /**
     * How long a registered client that never obtained a token is kept; default 1 hour. MCP clients register
     * right before signing in, and a sign-in started within this time completes (the registration is kept for
     * the longest sign-in beyond it: twice {@link #transactionTtl} plus {@link #authorizationCodeTtl}). At its
     * first token a client is kept for {@link #refreshTokenTtl} plus a day instead. Registration is open to
     * anyone, so a short lifetime keeps abandoned and abusive registrations from piling up; see also
     * {@link #maxUnusedRegistrations(int)}.
     */
    public B registrationTtl(Duration ttl) {
        this.registrationTtl = ttl;
        return self();
    }

    /** Timeout of each call to the provider (connect and response); default 10 s. */
    public B upstreamTimeout(Duration timeout) {
        this.upstreamTimeout = timeout;
        return self();
    }

    /**
     * How long a rotated refresh token, presented again, still gets the same new token pair instead of being
     * treated as stolen; default 30 s, 0 to disable, at most 5 minutes. It covers a client refreshing twice at
     * once (two tabs) or retrying after a lost response, from the same client address; after it, or from another
     * address (a stolen refresh token replayed elsewhere), reuse revokes the grant.
     */
    public B refreshGracePeriod(Duration period) {
        this.refreshGracePeriod = period;
        return self();
    }

    /** Extra parameters of the upstream authorization request (e.g. {@code access_type=offline}). */
    public B extraAuthorizationParams(Map<String, String> params) {
        this.extraAuthorizationParams.putAll(params);
        return self();
    }

    /** Extra parameters of the upstream token requests. */
    public B extraTokenParams(Map<String, String> params) {
        this.extraTokenParams.putAll(params);
        return self();
    }

    /**
     * Restricts the redirect URIs clients may register: each must then match one of these patterns as well as
     * pass the usual rules (https, http on loopback, or a native app's private-use scheme). Not called (the
     * default): any URI passing the usual rules is accepted. Called with no pattern at all: every registration is
     * refused (a way to close dynamic registration). Patterns are matched component by component, never as
     * strings, so {@code https://*.example.com/*} does not match {@code https://evil.com/.example.com/}; examples:
     * {@code https://*.example.com/callback}, {@code http://localhost:*}, {@code cursor://anysphere.cursor-retrieval/*}.
     * The full grammar is on {@code RedirectUris.matchesPattern}; an invalid pattern is refused at build.
     */
    public B allowedRedirectUriPatterns(String... patterns) {
        return allowedRedirectUriPatterns(Arrays.asList(patterns));
    }

    /** See {@link #allowedRedirectUriPatterns(String...)}; {@code null} removes the restriction. */
    public B allowedRedirectUriPatterns(List<String> patterns) {
        this.allowedRedirectUriPatterns = patterns == null ? null : new ArrayList<>(patterns);
        return self();
    }

    /**
     * The {@code iss} of the provider's OpenID Connect ID tokens. With the {@code openid} scope requested
     * upstream, the proxy sends a {@code nonce} and verifies the ID token it gets
     * back (signature, {@code iss}, {@code aud} = {@link #upstreamClientId}, {@code exp}, {@code nonce}); the
     * user's identity then comes from the verified token, and a sign-in whose ID token fails is refused.
     * Without {@link #upstreamJwksUri}, the JWKS URL is discovered at the first sign-in from
     * {@code <issuer>/.well-known/openid-configuration}, whose {@code issuer} must equal this one exactly; a
     * failed discovery is logged as an error and refuses the sign-in.
     */
    public B upstreamIssuer(String issuer) {
        this.upstreamIssuer = issuer;
        return self();
    }

    /**
     * The provider's JWKS URL, to verify its ID tokens (asymmetric algorithms only); see {@link #upstreamIssuer}.
     * Optional: without it, it is discovered from the issuer.
     */
    public B upstreamJwksUri(String jwksUri) {
        this.upstreamJwksUri = jwksUri;
        return self();
    }

    /**
     * Which claims of the upstream access token and ID token are copied into the tokens we issue and into the
     * session ({@code ProxySession.claims()}), so that {@code requireRole("admin")} works with an upstream
     * {@code roles} claim. Default {@link ClaimsPassthrough#defaults()}; {@link ClaimsPassthrough#disabled()} copies
     * nothing.
     */
    public B customClaimsPassthrough(ClaimsPassthrough passthrough) {
        this.customClaimsPassthrough = Objects.requireNonNull(passthrough,
                "customClaimsPassthrough must not be null; use ClaimsPassthrough.disabled() to copy no claims");
        return self();
    }

    /**
     * How many dynamic client registrations one client address may make per minute (a token bucket refilling
     * evenly; IPv6 addresses count by /64); more get 429 with {@code Retry-After}. Default 10. {@code 0} turns the
     * limit off, for deployments that limit registration in front of the server. Behind a reverse proxy, let the
     * server read the client's address from {@code X-Forwarded-For} ({@code FastMCP.Builder.trustForwardedHeaders()});
     * otherwise every client shares the proxy's address, so raise the limit or turn it off there.
     */
    public B registrationRateLimit(int perMinute) {
        this.registrationRateLimit = perMinute;
        return self();
    }

    /**
     * The most registered clients that never obtained a token kept at once; default 10,000. One more registration deletes the least recently used of them
     * (a client whose sign-in is under way was used recently), so a flood of registrations from any number of
     * addresses cannot grow the storage past this bound. Clients that obtained a token are never deleted for
     * it. The bound is kept by each server instance for the registrations it received: instances sharing a
     * storage hold at most their number times this.
     */
    public B maxUnusedRegistrations(int max) {
        this.maxUnusedRegistrations = max;
        return self();
    }

    /**
     * How many sign-ins ({@code GET /oauth/authorize} requests that create a pending authorization) one client
     * address may start per minute; more get a 429 page. Default 60. Each pending authorization is stored until
     * it is used or {@link #transactionTtl(Duration) expires}, so without a limit anyone could fill the storage
     * with unauthenticated requests; {@link #maxPendingAuthorizations(int)} bounds them in any case. {@code 0} turns
     * the per-address limit off. Addresses are read as for {@link #registrationRateLimit(int)}.
     */
    public B authorizationRateLimit(int perMinute) {
        this.authorizationRateLimit = perMinute;
        return self();
    }

    /**
     * How many started but unfinished sign-ins (waiting for consent, or for the provider to send the browser back)
     * this server instance keeps; default 10,000. When a new sign-in would pass the bound, the oldest unfinished
     * ones are dropped: nobody is ever refused a new sign-in, and a flood of sign-ins (which anyone can start for
     * any client, its id being public) evicts its own entries first. A user who has not finished a sign-in while
     * this many newer ones were started must start again: at the default 60 sign-ins per minute and address,
     * that takes a flood from 100 addresses 100 seconds. Raise it when many users sign in at once.
     */
    public B maxPendingAuthorizations(int max) {
        this.maxPendingAuthorizations = max;
        return self();
    }

    /**
     * Sends this server's MCP resource URL upstream as the RFC 8707 {@code resource} parameter of the
     * authorization and token requests. Off by default: most providers know nothing of it and some refuse it
     * (Azure v2.0). Turn it on for a provider that issues tokens for resources, typically with
     * {@code enableTokenSwap(false)} and an upstream verifier checking that audience.
     */
    public B forwardResource(boolean forward) {
        this.forwardResource = forward;
        return self();
    }

    /**
     * Whether the scope the provider says it granted (the {@code scope} of its token response) limits the scopes
     * of the tokens we issue; default true. A user who unticks a scope at the provider then does not get it
     * here either, and a tool guarded by {@code requireScopes} sees what the user really granted. Only scopes
     * the provider names as the client does can be compared: presets of providers that answer with other names
     * (Google's URLs, Azure's {@code api://} scopes, GitHub's comma lists) turn it off. When the provider sends
     * no {@code scope}, it granted what was asked.
     */
    public B limitScopesToUpstreamGrant(boolean limit) {
        this.limitScopesToUpstreamGrant = limit;
        return self();
    }

    /**
     * The provider's name as the consent page shows it ("you will sign in with Google next"); default the host of
     * the upstream authorization endpoint. Presets set it.
     */
    public B providerName(String name) {
        this.providerName = name;
        return self();
    }

    /**
     * The verifier of the provider's access tokens, required by {@code enableTokenSwap(false)}: clients then
     * receive the provider's tokens and {@code /mcp} accepts exactly what this verifier accepts. It MUST require
     * the token's audience to be this server's MCP resource URL (for example
     * {@code JWKSVerifier.builder(jwks).issuer(iss).audience("https://mcp.example.com/mcp")}); the proxy cannot
     * check that for you, and a verifier accepting tokens issued for other applications is the token
     * passthrough the MCP specification forbids.
     */
    public B upstreamTokenVerifier(TokenVerifier verifier) {
        this.upstreamTokenVerifier = verifier;
        return self();
    }

    // ---- hooks of the provider presets ----------------------------------------------------------------------

    /**
     * How the upstream tokens of a sign-in become an identity (see {@link UpstreamIdentityResolver}). Without one,
     * the subject and claims come from the verified ID token, else from the payloads of the provider's JWTs.
     */
    protected final B upstreamIdentity(UpstreamIdentityResolver resolver) {
        this.identityResolver = Objects.requireNonNull(resolver, "resolver == null");
        return self();
    }

    /**
     * The session tools receive: {@code factory} wraps each verified {@link ProxySession} into the preset's typed
     * session (a subclass built with {@link ProxySession#ProxySession(ProxySession)}).
     */
    protected final B sessionType(Function<ProxySession, ? extends ProxySession> factory) {
        this.sessionFactory = Objects.requireNonNull(factory, "factory == null");
        return self();
    }

    /**
     * The verifier of the provider's ID tokens, for providers whose issuer is not one fixed string (Azure's
     * multi-tenant endpoints name the user's tenant in it). It must check the signature, the audience (our
     * upstream client id) and the expiry; the proxy adds the {@code nonce}. It replaces {@link #upstreamIssuer},
     * which may then not be set.
     */
    protected final B upstreamIdTokenVerifier(TokenVerifier verifier) {
        this.presetIdTokenVerifier = Objects.requireNonNull(verifier, "verifier == null");
        return self();
    }

    /**
     * How the scopes granted to a client are spelled in the upstream authorization request (Azure prefixes its
     * API scopes with {@code api://<client id>/} and adds {@code offline_access}). Default: unchanged.
     */
    protected final B upstreamScopes(UnaryOperator<List<String>> mapping) {
        this.upstreamScopes = Objects.requireNonNull(mapping, "mapping == null");
        return self();
    }

    /**
     * Checks the configuration (each error says what to change), resolves the keys and builds the proxy, with the
     * hooks above. For presets, which implement {@code AuthProvider} by delegating to the returned proxy.
     */
    protected final OAuthProxy buildProxy() {
        return new OAuthProxy(resolve());
    }

    // ---- resolution -----------------------------------------------------------------------------------------

    ProxySettings resolve() {
        requireUrl("upstreamAuthorizationEndpoint", upstreamAuthorizationEndpoint, true);
        requireUrl("upstreamTokenEndpoint", upstreamTokenEndpoint, true);
        requireUrl("upstreamRevocationEndpoint", upstreamRevocationEndpoint, false);
        requireText("upstreamClientId", upstreamClientId);
        requireText("upstreamClientSecret", upstreamClientSecret);
        String method = Objects.requireNonNullElse(upstreamTokenEndpointAuthMethod, "").toLowerCase(Locale.ROOT);
        boolean basic = switch (method) {
            case "basic", "client_secret_basic" -> true;
            case "post", "client_secret_post" -> false;
            default -> throw new IllegalArgumentException("upstreamTokenEndpointAuthMethod must be 'basic' or 'post', "
                    + "was '" + upstreamTokenEndpointAuthMethod + "'");
        };
        if (!enableTokenSwap && upstreamTokenVerifier == null) {
            throw new IllegalArgumentException("enableTokenSwap(false) would hand the provider's tokens to MCP clients "
                    + "and accept them at /mcp. The MCP specification forbids this token passthrough: a token issued "
                    + "for another audience must not be accepted. Keep token swap on (the default) and read the "
                    + "provider's tokens in tools through ProxySession.upstreamTokens(), or, if the provider issues "
                    + "tokens for this server's MCP resource, give upstreamTokenVerifier(...) a verifier that "
                    + "requires that audience");
        }
        if (enableTokenSwap && upstreamTokenVerifier != null) {
            throw new IllegalArgumentException("upstreamTokenVerifier is only used with enableTokenSwap(false); "
                    + "with token swap on, /mcp accepts the proxy's own tokens only");
        }
        if (!enableTokenSwap) {
            LOG.warn("OAuthProxy: token swap is OFF. Clients receive the provider's tokens and /mcp accepts what "
                    + "the upstreamTokenVerifier accepts: it must require the audience to be this server's MCP "
                    + "resource URL, or tokens issued for other applications get in");
        }
        if (presetIdTokenVerifier != null && (upstreamIssuer != null || upstreamJwksUri != null)) {
            throw new IllegalArgumentException("upstreamIssuer cannot be set on this provider: it verifies the "
                    + "provider's ID tokens itself, with the issuer of each user's tenant; remove upstreamIssuer");
        }
        if (upstreamJwksUri != null && upstreamIssuer == null) {
            throw new IllegalArgumentException("upstreamJwksUri needs upstreamIssuer: ID tokens are verified "
                    + "against the provider's issuer");
        }
        if (upstreamIssuer != null) {
            requireText("upstreamIssuer", upstreamIssuer);
            if (upstreamJwksUri != null) {
                requireUrl("upstreamJwksUri", upstreamJwksUri, true);
            } else {
                requireUrl("upstreamIssuer (discovered from, without upstreamJwksUri)", upstreamIssuer, true);
            }
        }
        if (redirectPath == null || !redirectPath.startsWith("/") || redirectPath.contains("?")
                || redirectPath.contains("#")) {
            throw new IllegalArgumentException("redirectPath must be a path starting with '/', such as "
                    + "/oauth/callback, was '" + redirectPath + "'");
        }
        for (String s : scopes) {
            if (s == null || !s.matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+")) {
                throw new IllegalArgumentException("scope '" + s + "' is not a valid OAuth scope token");
            }
        }
        positive("transactionTtl", transactionTtl);
        positive("authorizationCodeTtl", authorizationCodeTtl);
        positive("accessTokenTtl", accessTokenTtl);
        positive("refreshTokenTtl", refreshTokenTtl);
        positive("registrationTtl", registrationTtl);
        if (upstreamTimeout == null || upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
            throw new IllegalArgumentException("upstreamTimeout must be positive, was " + upstreamTimeout);
        }
        if (refreshGracePeriod == null || refreshGracePeriod.isNegative()
                || refreshGracePeriod.compareTo(Duration.ofMinutes(5)) > 0) {
            throw new IllegalArgumentException("refreshGracePeriod must be between 0 and 5 minutes, was "
                    + refreshGracePeriod);
        }
        for (String k : extraAuthorizationParams.keySet()) {
            if (ProxySettings.RESERVED_AUTHORIZATION_PARAMS.contains(k)) {
                throw new IllegalArgumentException("extraAuthorizationParams cannot set '" + k + "'; the proxy sets it");
            }
        }
        for (String k : extraTokenParams.keySet()) {
            if (ProxySettings.RESERVED_TOKEN_PARAMS.contains(k)) {
                throw new IllegalArgumentException("extraTokenParams cannot set '" + k + "'; the proxy sets it");
            }
        }
        if (allowedRedirectUriPatterns != null) {
            for (String p : allowedRedirectUriPatterns) {
                if (!RedirectUris.isValidPattern(p)) {
                    throw new IllegalArgumentException("allowedRedirectUriPatterns: '" + p + "' is not a valid "
                            + "pattern. Write a full URI with '*' only as the first label of the host "
                            + "(https://*.example.com/callback), as the port (http://localhost:*), as the last path "
                            + "segment (/callback/*) or as the whole query; no fragment, userinfo or spaces");
                }
            }
        }
        if (registrationRateLimit < 0) {
            throw new IllegalArgumentException("registrationRateLimit must be a number of registrations per minute "
                    + "(0 turns the limit off), was " + registrationRateLimit);
        }
        if (maxUnusedRegistrations < 1) {
            throw new IllegalArgumentException("maxUnusedRegistrations must be at least 1 (the default is "
                    + UnusedRegistrations.DEFAULT_MAX + "), was " + maxUnusedRegistrations);
        }
        if (authorizationRateLimit < 0) {
            throw new IllegalArgumentException("authorizationRateLimit must be a number of sign-ins per minute and "
                    + "client address (0 turns the limit off), was " + authorizationRateLimit);
        }
        if (maxPendingAuthorizations < 1) {
            throw new IllegalArgumentException("maxPendingAuthorizations must be at least 1 (the number of unfinished "
                    + "sign-ins kept, default " + PendingSignIns.DEFAULT_MAX + "), was " + maxPendingAuthorizations);
        }
        if (!consentRequired) {
            LOG.warn("OAuthProxy: consentRequired(false). Any client that registers here can now get a user's "
                    + "authorization at the provider without the user seeing which client asks (the confused-deputy "
                    + "attack: this server uses one static client id upstream). The MCP specification requires "
                    + "consent per client for such proxies; turn it off only for trusted, single-client setups");
        }

        ProxyKeys keys = ProxyKeys.resolve(secret, jwtSigningKey, consentSigningKey, encryptionKey,
                encryptionDisabled, tokenStorage);
        TokenVerifier idTokenVerifier = presetIdTokenVerifier != null ? presetIdTokenVerifier
                : upstreamIssuer == null ? null : upstreamJwksUri == null
                ? new DiscoveredIdTokenVerifier(upstreamIssuer, upstreamClientId, upstreamTimeout)
                : JWKSVerifier.builder(upstreamJwksUri).issuer(upstreamIssuer).audience(upstreamClientId)
                        .timeout(upstreamTimeout).build();
        return new ProxySettings(upstreamAuthorizationEndpoint, upstreamTokenEndpoint, upstreamClientId,
                upstreamClientSecret, basic, upstreamRevocationEndpoint, baseUrl, redirectPath, scopes, forwardPkce,
                consentRequired, keys.signing(), keys.consent(), keys.keyHash(), keys.storage(), transactionTtl,
                authorizationCodeTtl,
                accessTokenTtl, refreshTokenTtl, registrationTtl, upstreamTimeout, Map.copyOf(extraAuthorizationParams),
                Map.copyOf(extraTokenParams), refreshGracePeriod,
                allowedRedirectUriPatterns == null ? null : List.copyOf(allowedRedirectUriPatterns),
                customClaimsPassthrough, registrationRateLimit, maxUnusedRegistrations, authorizationRateLimit,
                maxPendingAuthorizations, forwardResource,
                limitScopesToUpstreamGrant, providerName,
                idTokenVerifier, upstreamTokenVerifier, identityResolver, sessionFactory, upstreamScopes);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.getSeconds() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 second, was " + d);
        }
    }

    private static void requireUrl(String name, String url, boolean required) {
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
        if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http") && Loopback.isLoopbackHost(u.getHost()))) {
            throw new IllegalArgumentException(name + " '" + url + "' must be an https URL (http only on loopback)");
        }
    }
}
