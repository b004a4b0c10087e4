package dev.fastmcp.auth.proxy;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import dev.fastmcp.TokenVerification;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET <redirectPath>}: where the identity provider sends the browser back. The upstream transaction is
 * taken once by its {@code state}, the browser binding cookie is checked, the upstream code is exchanged, and the
 * client gets our own single-use code at its redirect URI with its {@code state} and our {@code iss}.
 */
final class CallbackEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(CallbackEndpoint.class);
    /** Upstream error codes forwarded as they are; any other becomes server_error. */
    private static final Set<String> FORWARDED_ERRORS = Set.of("access_denied", "invalid_scope",
            "temporarily_unavailable", "login_required", "consent_required", "interaction_required");

    private final ProxyContext ctx;
    private final AuthorizeEndpoint authorize;
    private final TokenService tokens;

    CallbackEndpoint(ProxyContext ctx, AuthorizeEndpoint authorize, TokenService tokens) {
        this.ctx = ctx;
        this.authorize = authorize;
        this.tokens = tokens;
    }

    ServerResponse callback(ServerRequest request) {
        String state;
        String code;
        String error;
        try {
            state = ProxyHttp.query(request, "state");
            code = ProxyHttp.query(request, "code");
            error = ProxyHttp.query(request, "error");
        } catch (OAuthError e) {
            return ProxyHttp.errorPage(400, "Invalid request", e.description);
        }
        if (state == null || state.isEmpty() || state.length() > 200) {
            return ProxyHttp.errorPage(400, "Invalid request", "The sign-in response has no valid state.");
        }
        ProxyStore.UpstreamTransaction txn = ctx.store.take(ProxyStore.UPSTREAM_STATE, state,
                ProxyStore.UpstreamTransaction.class);
        authorize.upstreamReturned(state);
        if (txn == null) {
            return ProxyHttp.errorPage(400, "Sign-in expired",
                    "This sign-in response is unknown, expired or was already used. Start again from your application.");
        }
        String cookieName = authorize.bindingCookieName(state);
        String clear = ProxyHttp.setCookie(cookieName, "", 0, ctx.secure);
        String binding = ProxyHttp.cookie(request, cookieName);
        if (binding == null || !MessageDigest.isEqual(ctx.store.hash(binding).getBytes(StandardCharsets.US_ASCII),
                txn.bindingHash().getBytes(StandardCharsets.US_ASCII))) {
            LOG.warn("OAuth callback refused: the browser that finished the sign-in is not the one that started it");
            return ProxyHttp.errorPage(400, "Sign-in refused",
                    "This sign-in was started in another browser. Start again from your application.")
                    .withHeader("Set-Cookie", clear);
        }
        ProxyStore.PendingAuthorization pending = txn.request();
        if (error != null) {
            String forwarded = FORWARDED_ERRORS.contains(error) ? error : "server_error";
            return ctx.redirects.error(pending.redirectUri(), forwarded, "The identity provider did not authorize the "
                    + "request", pending.state()).withHeader("Set-Cookie", clear);
        }
        if (code == null || code.isEmpty()) {
            return ctx.redirects.error(pending.redirectUri(), "server_error",
                    "The identity provider answered without a code", pending.state()).withHeader("Set-Cookie", clear);
        }
        UpstreamTokens upstream;
        try {
            upstream = ctx.upstream.exchangeCode(code, ctx.callbackUrl, txn.codeVerifier());
        } catch (UpstreamClient.UpstreamException e) {
            LOG.warn("OAuth callback: {}", e.getMessage());
            String err = e.invalidGrant ? "access_denied" : "temporarily_unavailable";
            return ctx.redirects.error(pending.redirectUri(), err, "The sign-in with the identity provider failed",
                    pending.state()).withHeader("Set-Cookie", clear);
        }
        Map<String, Object> idClaims = null;
        if (txn.nonce() != null) {
            idClaims = verifyIdToken(upstream.idToken(), txn.nonce());
            if (idClaims == null) {
                return ctx.redirects.error(pending.redirectUri(), "access_denied",
                        "The sign-in with the identity provider could not be verified", pending.state())
                        .withHeader("Set-Cookie", clear);
            }
        }
        UpstreamIdentity identity = null;
        UpstreamIdentityResolver resolver = ctx.settings.hooks().identityResolver();
        if (resolver != null) {
            try {
                identity = resolver.resolve(upstream, idClaims, ctx.api);
            } catch (UpstreamApiException | RuntimeException e) {
                LOG.warn("OAuth callback refused: the user's identity could not be read from the identity provider "
                        + "({})", e instanceof UpstreamApiException ? e.getMessage() : e.getClass().getSimpleName());
                boolean refused = e instanceof UpstreamApiException u && u.tokenRejected();
                return ctx.redirects.error(pending.redirectUri(), refused ? "access_denied" : "temporarily_unavailable",
                        "The identity provider did not tell who signed in", pending.state())
                        .withHeader("Set-Cookie", clear);
            }
        }
        String upstreamId = tokens.saveUpstream(upstream, idClaims, identity);
        ProxyStore.UpstreamRecord record = ctx.store.get(ProxyStore.UPSTREAM, upstreamId,
                ProxyStore.UpstreamRecord.class);
        String ourCode = ProxyStore.randomValue(32);
        ctx.store.save(ProxyStore.CODE, ourCode, new ProxyStore.CodeRecord(pending.clientId(), pending.redirectUri(),
                pending.redirectUriGiven(), pending.codeChallenge(), granted(pending.scopes(), upstream.scope()), upstreamId,
                record == null ? null : record.subject(), false, null, null),
                ProxyContext.seconds(ctx.settings.lifetimes().authorizationCodeTtl()));
        return ctx.redirects.code(pending.redirectUri(), ourCode, pending.state()).withHeader("Set-Cookie", clear);
    }

    /**
     * The scopes our tokens get: those the client asked for, less any the identity provider says it did not grant
     * (its answer's {@code scope}, space- or comma-separated), unless {@code limitScopesToUpstreamGrant(false)}.
     */
    private List<String> granted(List<String> requested, String upstreamScope) {
        boolean limit = ctx.settings.claimsAndConsent().limitScopesToUpstreamGrant();
        if (!limit || upstreamScope == null || upstreamScope.isBlank()) {
            return requested;
        }
        Set<String> granted = Set.of(upstreamScope.trim().split("[\\s,]+"));
        return requested.stream().filter(granted::contains).toList();
    }

    /**
     * The claims of the OpenID Connect ID token of an upstream answer, verified against the identity provider's
     * JWKS (asymmetric signature, {@code iss}, {@code aud} = our upstream client id, {@code exp}) and carrying the
     * {@code nonce} of this sign-in; null, with a warning that quotes nothing from the token, when it fails.
     */
    private Map<String, Object> verifyIdToken(String idToken, String nonce) {
        if (idToken == null) {
            LOG.warn("OAuth callback refused: the identity provider sent no ID token for an OpenID Connect sign-in");
            return null;
        }
        TokenVerification v = ctx.settings.idTokenVerifier().verify(idToken);
        if (!v.isValid()) {
            LOG.warn("OAuth callback refused: the identity provider's ID token failed verification ({})",
                    idTokenProblem(v.error()));
            return null;
        }
        Object got = v.session().claims().get("nonce");
        if (!(got instanceof String s) || !MessageDigest.isEqual(s.getBytes(StandardCharsets.UTF_8),
                nonce.getBytes(StandardCharsets.UTF_8))) {
            LOG.warn("OAuth callback refused: the ID token's nonce is not the one sent for this sign-in");
            return null;
        }
        return v.session().claims();
    }

    /** What went wrong with an ID token, in words that quote none of its values. */
    private static String idTokenProblem(String reason) {
        String r = reason == null ? "" : reason;
        if (r.startsWith("OpenID Connect discovery failed")) {
            return "OpenID Connect discovery of the identity provider failed; see the error above";
        } else if (r.contains("signature")) {
            return "bad signature";
        } else if (r.contains("algorithm")) {
            return "algorithm not accepted";
        } else if (r.contains("expired") || r.contains("exp claim") || r.contains("not valid before")) {
            return "expired or not yet valid";
        } else if (r.contains("issuer")) {
            return "wrong issuer";
        } else if (r.contains("audience")) {
            return "wrong audience";
        } else if (r.contains("key") || r.contains("JWKS")) {
            return "no matching key in the identity provider's JWKS";
        }
        return "invalid";
    }
}
