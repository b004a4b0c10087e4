package dev.fastmcp.auth.proxy;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import dev.fastmcp.auth.ConsentManager;
import dev.fastmcp.auth.PKCEUtils;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /oauth/authorize} and {@code GET|POST /oauth/consent}: checks the client's request, asks the user
 * for consent, then sends the browser upstream with our own PKCE pair and a fresh {@code state}, created only
 * after consent. The approval sets a short-lived cookie binding the flow to this browser; the callback checks it.
 *
 * <p>An approval also sets a consent cookie, signed by {@link ConsentManager}, remembering this client, redirect
 * URI and these scopes for {@link ConsentManager#cookieMaxAge()}. A later {@code /oauth/authorize} skips the
 * page only when that cookie covers the request <em>and</em> the browser says ({@code Sec-Fetch-Site}) that the
 * user navigated there directly or from this server's own pages: a SameSite=Lax cookie is still sent on a
 * cross-site top-level navigation, so without that check any site could send a user's browser here and ride the
 * remembered approval to a code for a client of its choosing (FastMCP's GHSA-6x8h-498w-gv8c).
 *
 * <p>The consent form's CSRF token is bound to the transaction <em>and</em> to the browser that was shown the page:
 * rendering the page sets a random, HttpOnly, SameSite=Strict cookie whose value enters the token's MAC, and the
 * POST must bring both. A transaction's page fetched by an attacker (it is their own sign-in) cannot then be
 * submitted from another site in a victim's browser, which would send the victim upstream to sign in for the
 * attacker's client: the victim's browser has no such cookie, and a Strict cookie is never sent cross-site. The
 * POST must also come from this origin when the browser says where it comes from ({@code Sec-Fetch-Site},
 * {@code Origin}).
 *
 * <p><b>Where errors go.</b> Dynamic registration needs no authentication, so a client's redirect URI proves
 * nothing: anyone can register a phishing page and send victims an authorization request that fails on purpose.
 * Redirecting such errors at once (RFC 6749 §4.1.2.1) would make this server an open redirector lending its name
 * to that page (RFC 9700 §4.11.2). So an error goes back to the client's redirect URI only when someone vouched
 * for that URI:
 * <ul>
 *   <li>the operator, for errors of {@code /oauth/authorize} (checked after the redirect URI matched a registered
 *       one): a loopback URI (a native app on the user's own machine, RFC 8252 §7.3) or one matching
 *       {@code allowedRedirectUriPatterns}, see {@link ClientRedirects#trustsForErrors}. Any other URI gets an error
 *       page naming the error, the rate limit's {@code temporarily_unavailable} and {@code unauthorized_client}
 *       included;</li>
 *   <li>the user, once they interacted with this server: a deny on the consent page, which named the client and
 *       its redirect URI, returns {@code access_denied} there; errors at the callback come after the sign-in
 *       upstream, which this server started only after consent (or with consent turned off by the operator, or
 *       remembered for this client and redirect URI), and a success would have gone to the same URI.</li>
 * </ul>
 * Requests whose client or redirect URI cannot be trusted at all (unknown client, unregistered redirect URI)
 * always get a page.
 *
 * <p>Every sign-in started stores a pending transaction until it is used or expires, so starting them is
 * rate-limited per client address, and the unfinished ones are bounded by {@link PendingSignIns}, oldest evicted
 * first. There is no cap per client: a client's id and redirect URI are public, so such a cap would let anyone
 * spend it from many addresses and lock the client's real users out.
 */
final class AuthorizeEndpoint {

    static final String BINDING_COOKIE_PREFIX = "fastmcp_oauth_";
    static final String CONSENT_COOKIE_PREFIX = "fastmcp_consent_";
    static final String CSRF_COOKIE_PREFIX = "fastmcp_csrf_";
    static final int DEFAULT_AUTHORIZATIONS_PER_MINUTE = 60;
    static final int MAX_STATE_LENGTH = 512;

    private final ProxyContext ctx;
    private final ClientRegistry clients;
    private final AddressLimit perAddress;
    private final PendingSignIns signIns;
    /** This server's origin, normalized as request {@code Origin}s are before comparing. */
    private final String ownOrigin;

    AuthorizeEndpoint(ProxyContext ctx, ClientRegistry clients) {
        this.ctx = ctx;
        this.clients = clients;
        URI base = URI.create(ctx.baseUrl);
        this.ownOrigin = ProxyContext.normalize(base.getScheme() + "://" + base.getRawAuthority());
        Limits limits = ctx.settings.limits();
        int perMinute = limits.authorizationRateLimit();
        this.perAddress = AddressLimit.perMinute(ctx, "authorize", perMinute, Clock.systemUTC());
        this.signIns = new PendingSignIns(limits.maxPendingAuthorizations(),
                ctx.settings.lifetimes().transactionTtl(), ctx.store.storage(), Clock.systemUTC());
    }

    ServerResponse authorize(ServerRequest request) {
        ProxyStore.ClientRecord client;
        String redirectUri;
        try {
            client = clients.find(ProxyHttp.query(request, "client_id"), request.remoteAddress());
            if (client == null) {
                return ProxyHttp.errorPage(400, "Unknown client",
                        "The application asking for access is not registered with this server. Registrations "
                                + "that are never used expire: start again from the application, so that it "
                                + "registers anew.");
            }
            redirectUri = ProxyHttp.query(request, "redirect_uri");
        } catch (OAuthError e) {
            // never a redirect: nothing vouches for a redirect URI of a client that could not be had
            return ProxyHttp.errorPage(e.status, e.error.equals("invalid_client") ? "Application not accepted"
                    : e.status == 429 ? "Too many requests" : "Invalid request", e.description);
        }
        boolean redirectGiven = redirectUri != null;
        if (!redirectGiven && client.redirectUris().size() == 1) {
            redirectUri = client.redirectUris().get(0);
        }
        if (redirectUri == null || !RedirectUris.matchesRegistered(redirectUri, client.redirectUris())) {
            return ProxyHttp.errorPage(400, "Invalid redirect URI",
                    "The redirect URI is not registered for this application, so it will not be sent there.");
        }
        List<String> patterns = ctx.settings.limits().allowedRedirectUriPatterns();
        if (patterns != null && !RedirectUris.matchesPattern(redirectUri, patterns)) {
            // registered before the patterns were narrowed (a persistent storage outlives configuration changes)
            return ProxyHttp.errorPage(400, "Invalid redirect URI",
                    "The redirect URI is no longer allowed by this server, so it will not be sent there.");
        }
        String state = null;
        try {
            state = ProxyHttp.query(request, "state");
            ProxyStore.PendingAuthorization pending = check(request, client, redirectUri, redirectGiven, state);
            if (perAddress != null && !perAddress.tryAcquire(request.remoteAddress())) {
                throw new OAuthError("temporarily_unavailable",
                        "Too many sign-ins were started; wait a minute and try again", 429);
            }
            clients.signInStarted(client);
            boolean consentRequired = ctx.settings.claimsAndConsent().consentRequired();
            if (consentRequired && consentRemembered(request, pending)) {
                return toUpstream(pending);
            }
            String transactionId = ProxyStore.randomValue(32);
            ctx.store.save(ProxyStore.TRANSACTION, transactionId, pending,
                    ProxyContext.seconds(ctx.settings.lifetimes().transactionTtl()));
            if (!consentRequired) {
                ProxyStore.PendingAuthorization taken = ctx.store.take(ProxyStore.TRANSACTION, transactionId,
                        ProxyStore.PendingAuthorization.class);
                return toUpstream(taken);
            }
            signIns.stored(ctx.store.key(ProxyStore.TRANSACTION, transactionId));
            return consentPage(request, transactionId, pending, client);
        } catch (OAuthError e) {
            return ctx.redirects.authorizationError(redirectUri, e, state);
        }
    }

    /**
     * Whether this browser already approved this client, redirect URI and scopes (a valid consent cookie that
     * {@linkplain ConsentManager.ConsentData#covers covers} them) and the request is a navigation the user made
     * ({@code Sec-Fetch-Site: none}, typed or bookmarked, or {@code same-origin}). A cross-site or same-site
     * request could be started by another site, so it gets the page. So does a request without the header: all
     * current browsers send it to https and localhost origins, and its absence (an old browser, a plain-http
     * deployment, a non-browser client) proves nothing about who started the navigation.
     */
    private boolean consentRemembered(ServerRequest request, ProxyStore.PendingAuthorization pending) {
        String site = request.header("sec-fetch-site");
        if (!"none".equals(site) && !"same-origin".equals(site)) {
            return false;
        }
        ConsentManager.ConsentData data = ctx.consent.validateConsentCookie(
                ProxyHttp.cookie(request, consentCookieName(pending.clientId())));
        return data != null && data.covers(pending.clientId(), pending.redirectUri(), pending.scopes());
    }

    /** The consent cookie's {@code Set-Cookie} value remembering this approval. */
    private String consentCookie(ProxyStore.PendingAuthorization pending) {
        String value = ctx.consent.signConsentCookie(new ConsentManager.ConsentData(pending.clientId(),
                pending.redirectUri(), new LinkedHashSet<>(pending.scopes()), null, Instant.now()));
        return ctx.consent.setCookieHeader(consentCookieName(pending.clientId()), value, "/", ctx.secure);
    }

    /** One consent cookie per client, so approving one client does not forget another. */
    String consentCookieName(String clientId) {
        return (ctx.secure ? "__Host-" : "") + CONSENT_COOKIE_PREFIX + ctx.store.hash(clientId).substring(0, 16);
    }

    private ProxyStore.PendingAuthorization check(ServerRequest request, ProxyStore.ClientRecord client,
            String redirectUri, boolean redirectGiven, String state) throws OAuthError {
        if (!client.mayUseAuthorizationCode()) {
            throw new OAuthError("unauthorized_client", "This application did not register for the authorization "
                    + "code flow (grant_types must hold authorization_code and response_types code)", 400);
        }
        String responseType = ProxyHttp.query(request, "response_type");
        if (!"code".equals(responseType)) {
            throw new OAuthError("unsupported_response_type", "Only response_type=code is supported", 400);
        }
        String challenge = ProxyHttp.query(request, "code_challenge");
        String method = ProxyHttp.query(request, "code_challenge_method");
        if (challenge == null || challenge.isEmpty()) {
            throw OAuthError.invalidRequest("PKCE is required: send code_challenge with code_challenge_method=S256");
        }
        if (!PKCEUtils.S256.equals(method)) {
            throw OAuthError.invalidRequest("code_challenge_method must be S256");
        }
        if (!challenge.matches("[A-Za-z0-9_-]{43}")) {
            throw OAuthError.invalidRequest("code_challenge must be a base64url SHA-256 hash (43 characters)");
        }
        ctx.requireOwnResource(ProxyHttp.query(request, "resource"));
        List<String> scopes = scopes(ProxyHttp.query(request, "scope"), client);
        if (state != null && state.length() > MAX_STATE_LENGTH) {
            throw OAuthError.invalidRequest("state is too long (at most " + MAX_STATE_LENGTH + " characters)");
        }
        return new ProxyStore.PendingAuthorization(client.clientId(), redirectUri, redirectGiven, challenge, scopes,
                state, Instant.now().getEpochSecond());
    }

    /** The requested scopes (else the client's registered ones, else all offered), each one offered. */
    private List<String> scopes(String requested, ProxyStore.ClientRecord client) throws OAuthError {
        if (requested != null && requested.length() > ClientMetadata.MAX_SCOPE_CHARS) {
            // every pending sign-in stores its scopes: without a cap, a server offering any scope would store
            // up to the size of a request line per sign-in
            throw new OAuthError("invalid_scope", "scope is too long (at most " + ClientMetadata.MAX_SCOPE_CHARS
                    + " characters)", 400);
        }
        String source = requested != null ? requested : client.scope();
        List<String> offered = ctx.settings.options().scopes();
        if (source == null || source.isBlank()) {
            return offered;
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String s : source.trim().split("\\s+")) {
            if (!offered.isEmpty() && !offered.contains(s)) {
                throw new OAuthError("invalid_scope", "Scope '" + ProxyHttp.safe(s) + "' is not offered", 400);
            }
            out.add(s);
        }
        return new ArrayList<>(out);
    }

    /**
     * The consent page, and the browser's CSRF cookie for this transaction (reused when the browser already has
     * it, so a reload keeps an earlier tab of the same page working).
     */
    private ServerResponse consentPage(ServerRequest request, String transactionId,
            ProxyStore.PendingAuthorization pending, ProxyStore.ClientRecord client) {
        String cookieName = csrfCookieName(transactionId);
        String browser = ProxyHttp.cookie(request, cookieName);
        if (browser == null || !browser.matches("[A-Za-z0-9_-]{43}")) {
            browser = ProxyStore.randomValue(32);
        }
        ConsentManager.ConsentRequest page = new ConsentManager.ConsentRequest(transactionId, client.clientId(),
                client.clientName(), pending.redirectUri(), pending.scopes(), ctx.basePath + "/oauth/consent",
                ctx.consent.createCsrfToken(csrfSubject(transactionId, browser)));
        ConsentManager.HtmlResponse html = ctx.consent.createConsentResponse(page, upstreamName());
        return new ServerResponse(html.status(), html.headers(), html.bodyBytes()).addHeader("Set-Cookie",
                ProxyHttp.setCookie(cookieName, browser,
                        ProxyContext.seconds(ctx.settings.lifetimes().transactionTtl()), ctx.secure, "Strict"));
    }

    /** What a consent page's CSRF token is bound to: the transaction and the browser's cookie. */
    private static String csrfSubject(String transactionId, String browserValue) {
        return transactionId + "|" + browserValue;
    }

    /** One CSRF cookie per transaction, so two consent pages open in one browser both stay usable. */
    String csrfCookieName(String transactionId) {
        return (ctx.secure ? "__Host-" : "") + CSRF_COOKIE_PREFIX + ctx.store.hash(transactionId).substring(0, 16);
    }

    /**
     * Whether a consent POST may come from this server's own page, as far as the browser tells: a
     * {@code Sec-Fetch-Site} other than {@code same-origin}, or an {@code Origin} other than ours (an opaque
     * {@code null} included), proves it was sent by another site. Their absence (older browsers, plain-http
     * deployments) leaves the decision to the CSRF token and its Strict cookie.
     */
    private boolean fromOwnOrigin(ServerRequest request) {
        String site = request.header("sec-fetch-site");
        if (site != null && !"same-origin".equals(site)) {
            return false;
        }
        String origin = request.header("origin");
        return origin == null || ProxyContext.normalize(origin).equals(ownOrigin);
    }

    private String upstreamName() {
        Upstream up = ctx.settings.upstream();
        if (up.upstreamName() != null && !up.upstreamName().isBlank()) {
            return up.upstreamName();
        }
        try {
            return URI.create(up.upstreamAuthorizationEndpoint()).getHost();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code GET /oauth/consent?transaction_id=...}: shows the page again for a pending transaction. */
    ServerResponse showConsent(ServerRequest request) {
        try {
            String id = ProxyHttp.query(request, ConsentManager.FIELD_TRANSACTION_ID);
            ProxyStore.PendingAuthorization pending = id == null ? null
                    : ctx.store.get(ProxyStore.TRANSACTION, id, ProxyStore.PendingAuthorization.class);
            ProxyStore.ClientRecord client = pending == null ? null : clients.find(pending.clientId(),
                    request.remoteAddress());
            if (client == null) {
                return expired();
            }
            return consentPage(request, id, pending, client);
        } catch (OAuthError e) {
            return ProxyHttp.errorPage(400, "Invalid request", e.description);
        }
    }

    /** {@code POST /oauth/consent}: CSRF check, then deny (back to the client) or approve (upstream). */
    ServerResponse decide(ServerRequest request) {
        Map<String, String> form;
        try {
            form = ProxyHttp.form(request);
        } catch (OAuthError e) {
            return ProxyHttp.errorPage(e.status, "Invalid request", e.description);
        }
        String id = form.get(ConsentManager.FIELD_TRANSACTION_ID);
        String action = form.get(ConsentManager.FIELD_ACTION);
        String browser = id == null ? null : ProxyHttp.cookie(request, csrfCookieName(id));
        if (id == null || browser == null || !fromOwnOrigin(request)
                || !ctx.consent.validateCsrfToken(csrfSubject(id, browser), form.get(ConsentManager.FIELD_CSRF_TOKEN))) {
            return ProxyHttp.errorPage(403, "Request refused",
                    "This approval did not come from the consent page of this server in this browser. "
                            + "Start the sign-in again.");
        }
        String clearCsrf = ctx.consent.clearCookieHeader(csrfCookieName(id), "/", ctx.secure);
        if (!ConsentManager.ACTION_APPROVE.equals(action) && !ConsentManager.ACTION_DENY.equals(action)) {
            return ProxyHttp.errorPage(400, "Invalid request", "The answer must be approve or deny.");
        }
        ProxyStore.PendingAuthorization pending = ctx.store.take(ProxyStore.TRANSACTION, id,
                ProxyStore.PendingAuthorization.class);
        signIns.ended(ctx.store.key(ProxyStore.TRANSACTION, id));
        if (pending == null) {
            return expired();
        }
        if (ConsentManager.ACTION_DENY.equals(action)) {
            // A denial also forgets any earlier approval of this client.
            return ctx.redirects.error(pending.redirectUri(), "access_denied", "The user denied access",
                    pending.state())
                    .addHeader("Set-Cookie", ctx.consent.clearCookieHeader(consentCookieName(pending.clientId()), "/",
                            ctx.secure))
                    .addHeader("Set-Cookie", clearCsrf);
        }
        // Remembered from the user's approval only: a skipped page does not extend it.
        return toUpstream(pending).addHeader("Set-Cookie", consentCookie(pending)).addHeader("Set-Cookie", clearCsrf);
    }

    private static ServerResponse expired() {
        return ProxyHttp.errorPage(400, "Sign-in expired",
                "This sign-in request has expired or was already used. Start again from your application.");
    }

    /**
     * Creates the upstream transaction (random state, our PKCE pair, a browser binding, an OIDC nonce) and
     * redirects upstream, setting the binding cookie.
     */
    ServerResponse toUpstream(ProxyStore.PendingAuthorization pending) {
        if (pending == null) {
            return expired();
        }
        String upstreamState = ProxyStore.randomValue(32);
        String binding = ProxyStore.randomValue(32);
        Upstream up = ctx.settings.upstream();
        PKCEUtils.PKCEPair pkce = up.forwardPkce() ? PKCEUtils.generatePair() : null;
        String nonce = ctx.settings.oidc(pending.scopes()) ? ProxyStore.randomValue(32) : null;
        ctx.store.save(ProxyStore.UPSTREAM_STATE, upstreamState,
                new ProxyStore.UpstreamTransaction(pending, pkce == null ? null : pkce.verifier(),
                        ctx.store.hash(binding), nonce),
                ProxyContext.seconds(ctx.settings.lifetimes().transactionTtl()));
        signIns.stored(ctx.store.key(ProxyStore.UPSTREAM_STATE, upstreamState));
        Map<String, String> params = new LinkedHashMap<>();
        up.extraAuthorizationParams().forEach(params::put);
        params.put("response_type", "code");
        params.put("client_id", up.upstreamClientId());
        params.put("redirect_uri", ctx.callbackUrl);
        params.put("state", upstreamState);
        params.put("scope", ctx.settings.upstreamScope(pending.scopes()));
        if (pkce != null) {
            params.put("code_challenge", pkce.challenge());
            params.put("code_challenge_method", PKCEUtils.S256);
        }
        if (nonce != null) {
            params.put("nonce", nonce);
        }
        if (up.forwardResource()) {
            params.put("resource", ctx.resource);
        }
        String location = ProxyHttp.withParams(up.upstreamAuthorizationEndpoint(), params);
        return ProxyHttp.redirect(location).withHeader("Set-Cookie", ProxyHttp.setCookie(
                bindingCookieName(upstreamState), binding,
                ProxyContext.seconds(ctx.settings.lifetimes().transactionTtl()), ctx.secure));
    }

    /** The callback took the upstream transaction of {@code upstreamState}: that sign-in is no longer pending. */
    void upstreamReturned(String upstreamState) {
        signIns.ended(ctx.store.key(ProxyStore.UPSTREAM_STATE, upstreamState));
    }

    /** One cookie per flow, so two sign-ins in one browser do not overwrite each other's binding. */
    String bindingCookieName(String upstreamState) {
        return (ctx.secure ? "__Host-" : "") + BINDING_COOKIE_PREFIX + ctx.store.hash(upstreamState).substring(0, 16);
    }
}
