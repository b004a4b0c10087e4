package dev.fastmcp.auth.proxy;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.jwt.JWTIssuer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth/token} (authorization code and refresh token grants) and {@code POST /oauth/revoke}
 * (RFC 7009). Codes are taken atomically and leave a tombstone: a replay fails and revokes what the code
 * issued. Refresh tokens are bound to their client and rotate; a rotated one presented again within the
 * refresh grace period (a duplicate: two tabs, a retry after a lost response) from the same client address
 * gets the same new pair, the rotation being claimed with {@code saveIfAbsent} so instances sharing the storage
 * agree; after it, or from another address (a stolen token replayed elsewhere), reuse revokes its successors.
 */
final class TokenEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);

    private final ProxyContext ctx;
    private final ClientRegistry clients;
    private final TokenService tokens;

    TokenEndpoint(ProxyContext ctx, ClientRegistry clients, TokenService tokens) {
        this.ctx = ctx;
        this.clients = clients;
        this.tokens = tokens;
    }

    ServerResponse token(ServerRequest request) {
        try {
            Map<String, String> form = ProxyHttp.form(request);
            ProxyStore.ClientRecord client = clients.authenticate(request, form);
            String grant = form.get("grant_type");
            if (grant == null) {
                throw OAuthError.invalidRequest("grant_type is required");
            }
            if (!grant.equals("authorization_code") && !grant.equals("refresh_token")) {
                throw new OAuthError("unsupported_grant_type", "Only authorization_code and refresh_token are supported",
                        400);
            }
            if (!client.grantTypes().contains(grant)) {
                throw new OAuthError("unauthorized_client", "The client did not register the " + grant + " grant", 400);
            }
            ctx.requireOwnResource(form.get("resource"));
            TokenService.Issued issued = grant.equals("authorization_code") ? codeGrant(client, form)
                    : refreshGrant(client, form, request.remoteAddress());
            return ProxyHttp.noStoreJson(200, issued.body());
        } catch (OAuthError e) {
            return ProxyHttp.error(e);
        }
    }

    private TokenService.Issued codeGrant(ProxyStore.ClientRecord client, Map<String, String> form) throws OAuthError {
        String code = form.get("code");
        if (code == null || code.isEmpty() || code.length() > 200) {
            throw OAuthError.invalidRequest("code is required");
        }
        long ttl = ProxyContext.seconds(ctx.settings.lifetimes().authorizationCodeTtl());
        ProxyStore.CodeRecord rec = ctx.store.take(ProxyStore.CODE, code, ProxyStore.CodeRecord.class);
        if (rec == null) {
            throw OAuthError.invalidGrant("The authorization code is invalid or expired");
        }
        if (rec.used()) {
            ctx.store.save(ProxyStore.CODE, code, rec, ttl);
            tokens.revokeGrant(rec.accessJti(), rec.refreshJti(), rec.upstreamId());
            LOG.warn("Authorization code replayed; the tokens it issued are revoked");
            throw OAuthError.invalidGrant("The authorization code was already used");
        }
        // The tombstone goes in first, so that a replay racing this exchange is recognized.
        ctx.store.save(ProxyStore.CODE, code, rec.tombstone(null, null), ttl);
        if (!rec.clientId().equals(client.clientId())) {
            tokens.revokeGrant(null, null, rec.upstreamId());
            throw OAuthError.invalidGrant("The authorization code was issued to another client");
        }
        String redirectUri = form.get("redirect_uri");
        if (redirectUri != null ? !redirectUri.equals(rec.redirectUri()) : rec.redirectUriGiven()) {
            tokens.revokeGrant(null, null, rec.upstreamId()); // the code is spent: drop what it would have given
            throw OAuthError.invalidGrant("redirect_uri does not match the authorization request");
        }
        String verifier = form.get("code_verifier");
        if (verifier == null || verifier.isEmpty()) {
            throw OAuthError.invalidRequest("code_verifier is required (PKCE)");
        }
        if (!PKCEUtils.validateChallenge(verifier, rec.codeChallenge(), PKCEUtils.S256)) {
            tokens.revokeGrant(null, null, rec.upstreamId());
            throw OAuthError.invalidGrant("The code_verifier does not match the code_challenge");
        }
        if (ctx.store.get(ProxyStore.UPSTREAM, rec.upstreamId(), ProxyStore.UpstreamRecord.class) == null) {
            throw OAuthError.invalidGrant("The sign-in behind the code has expired");
        }
        TokenService.Issued issued = ctx.settings.tokenSwap()
                ? tokens.issue(client, rec.upstreamId(), rec.subject(), rec.scopes())
                : tokens.passUpstream(rec.upstreamId(), client.clientId());
        if (issued == null) {
            throw OAuthError.invalidGrant("The sign-in behind the code has expired");
        }
        ctx.store.save(ProxyStore.CODE, code, rec.tombstone(issued.accessJti(), issued.refreshJti()), ttl);
        if (!client.used()) {
            clients.markUsed(client);
        }
        return issued;
    }

    private TokenService.Issued refreshGrant(ProxyStore.ClientRecord client, Map<String, String> form,
            String remoteAddress) throws OAuthError {
        String token = form.get("refresh_token");
        if (token == null || token.isEmpty()) {
            throw OAuthError.invalidRequest("refresh_token is required");
        }
        if (!ctx.settings.tokenSwap()) {
            return tokens.passRefresh(client, token);
        }
        // Who asked, with what: the keyed hash of the address's rate-limit key (a duplicate is recognised by
        // network) and of the very token presented, so that only a retry of this token, never another token signed
        // on the same jti, can be answered with the pair its rotation issued.
        String requester = ctx.store.hash(RegistrationLimiter.key(remoteAddress) + "\n" + token);
        TokenVerification verified = ctx.issuer.verifyRefreshToken(token);
        if (!verified.isValid()) {
            throw OAuthError.invalidGrant("The refresh token is invalid or expired");
        }
        if (!client.clientId().equals(verified.claims().get("client_id"))) {
            throw OAuthError.invalidGrant("The refresh token was issued to another client");
        }
        String jti = String.valueOf(verified.claims().get("jti"));
        ProxyStore.RefreshMapping bound = ctx.store.get(ProxyStore.REFRESH, jti, ProxyStore.RefreshMapping.class);
        if (bound != null) {
            requireBound(verified.claims(), bound); // checked again once the rotation takes the mapping
        }
        long remaining = verified.claims().get("exp") instanceof Number exp
                ? Math.max(1, exp.longValue() - Instant.now().getEpochSecond() + 60) : 60;
        String requestedScope = form.get("scope");
        // Claim the rotation of this token (atomic across instances). A duplicate of a rotation in progress
        // waits for its result; one of a finished rotation within the grace period gets the same pair.
        long claimSeconds = 2 * ProxyContext.seconds(ctx.settings.upstream().upstreamTimeout()) + 5;
        long deadline = System.nanoTime() + claimSeconds * 1_000_000_000L;
        boolean claimed;
        while (!(claimed = ctx.store.saveIfAbsent(ProxyStore.ROTATION, jti,
                new ProxyStore.Rotation(client.clientId(), requestedScope, null, null, requester), claimSeconds))) {
            ProxyStore.Rotation rotation = ctx.store.get(ProxyStore.ROTATION, jti, ProxyStore.Rotation.class);
            if (rotation != null && rotation.done()) {
                TokenService.Issued again = duplicate(rotation, client, requestedScope, requester);
                if (again != null) {
                    return again;
                }
                break; // not the same request, or its successor moved on: handled as reuse below
            }
            if (System.nanoTime() > deadline) {
                throw OAuthError.temporarilyUnavailable();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw OAuthError.temporarilyUnavailable();
            }
        }
        try {
            return rotate(client, verified.claims(), jti, requestedScope, remaining, claimed, requester);
        } catch (OAuthError | RuntimeException e) {
            if (claimed) {
                ctx.store.delete(ProxyStore.ROTATION, jti);
            }
            throw e;
        }
    }

    /**
     * The pair a finished rotation issued, for a duplicate of the same request (same client, scope and client
     * address) while the new refresh token is still unused; else null. A public client's refresh token is a bearer
     * secret: without the address check, a thief replaying it within the grace period would get the live pair
     * instead of setting off reuse detection.
     */
    private TokenService.Issued duplicate(ProxyStore.Rotation rotation, ProxyStore.ClientRecord client,
            String requestedScope, String requester) {
        if (!rotation.clientId().equals(client.clientId())
                || !java.util.Objects.equals(rotation.requestedScope(), requestedScope)
                || !java.util.Objects.equals(rotation.requester(), requester)) {
            return null;
        }
        ProxyStore.RefreshMapping successor = rotation.successorRefreshJti() == null ? null
                : ctx.store.get(ProxyStore.REFRESH, rotation.successorRefreshJti(), ProxyStore.RefreshMapping.class);
        if (successor == null || successor.used()) {
            return null;
        }
        LOG.info("Duplicate refresh within the grace period; the same new tokens are returned");
        return new TokenService.Issued(rotation.body(), null, null);
    }

    private TokenService.Issued rotate(ProxyStore.ClientRecord client, Map<String, Object> claims, String jti,
            String requestedScope, long remaining, boolean claimed, String requester) throws OAuthError {
        ProxyStore.RefreshMapping m = ctx.store.take(ProxyStore.REFRESH, jti, ProxyStore.RefreshMapping.class);
        if (m == null) {
            throw OAuthError.invalidGrant("The refresh token was revoked or already used");
        }
        try {
            requireBound(claims, m);
        } catch (OAuthError e) {
            ctx.store.save(ProxyStore.REFRESH, jti, m, remaining); // the real token keeps its grant
            throw e;
        }
        if (m.used()) {
            ctx.store.save(ProxyStore.REFRESH, jti, m, remaining);
            tokens.revokeGrant(m.successorAccessJti(), m.successorRefreshJti(), m.upstreamId());
            LOG.warn("A rotated refresh token was used again; the grant is revoked");
            throw OAuthError.invalidGrant("The refresh token was already used");
        }
        List<String> scopes;
        try {
            scopes = downscope(requestedScope, m.scopes());
        } catch (OAuthError e) {
            ctx.store.save(ProxyStore.REFRESH, jti, m, remaining);
            throw e;
        }
        ProxyStore.UpstreamRecord upstream;
        try {
            upstream = tokens.freshUpstream(m.upstreamId(), true);
        } catch (UpstreamClient.UpstreamException e) {
            LOG.warn("Refresh: {}", e.getMessage());
            if (e.invalidGrant) {
                throw OAuthError.invalidGrant("The sign-in with the identity provider has ended; sign in again");
            }
            ctx.store.save(ProxyStore.REFRESH, jti, m, remaining);
            throw OAuthError.temporarilyUnavailable();
        }
        if (upstream == null || upstream.refreshToken() == null && upstream.tokens().isExpired(Instant.now(), 0)) {
            throw OAuthError.invalidGrant("The sign-in with the identity provider has ended; sign in again");
        }
        ctx.store.delete(ProxyStore.ACCESS, m.accessJti());
        TokenService.Issued issued = tokens.issue(client, m.upstreamId(), m.subject(), scopes);
        ctx.store.save(ProxyStore.REFRESH, jti, new ProxyStore.RefreshMapping(m.clientId(), m.upstreamId(), m.subject(),
                m.scopes(), m.accessJti(), true, issued.accessJti(), issued.refreshJti()), remaining);
        long grace = ctx.settings.lifetimes().refreshGracePeriod().getSeconds();
        if (claimed && grace > 0) {
            ctx.store.save(ProxyStore.ROTATION, jti, new ProxyStore.Rotation(client.clientId(), requestedScope,
                    issued.body(), issued.refreshJti(), requester), grace);
        } else if (claimed) {
            ctx.store.delete(ProxyStore.ROTATION, jti);
        }
        return issued;
    }

    /**
     * Refuses a refresh token that is not the one issued under its jti ({@link TokenBinding}), like a token this
     * server never issued; nothing is revoked, since the holder of the real token did nothing wrong.
     */
    private static void requireBound(Map<String, Object> claims, ProxyStore.RefreshMapping m) throws OAuthError {
        if (!TokenBinding.matches(claims, m)) {
            LOG.warn("A refresh token signed with our key but not matching what was issued under its id was refused; "
                    + "the signing key (or the secret it is derived from) may be known outside this server");
            throw OAuthError.invalidGrant("The refresh token is invalid or expired");
        }
    }

    private static List<String> downscope(String requested, List<String> granted) throws OAuthError {
        if (requested == null || requested.isBlank()) {
            return granted;
        }
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String s : requested.trim().split("\\s+")) {
            if (!granted.contains(s)) {
                throw new OAuthError("invalid_scope", "Scope '" + ProxyHttp.safe(s) + "' was not granted", 400);
            }
            out.add(s);
        }
        return new ArrayList<>(out);
    }

    /** RFC 7009: revokes one of our tokens of the authenticated client; 200 for unknown tokens too. */
    ServerResponse revoke(ServerRequest request) {
        try {
            Map<String, String> form = ProxyHttp.form(request);
            ProxyStore.ClientRecord client = clients.authenticate(request, form);
            String token = form.get("token");
            if (token == null || token.isEmpty()) {
                throw OAuthError.invalidRequest("token is required");
            }
            if (!ctx.settings.tokenSwap()) {
                // Only our opaque refresh tokens can be tied to the client; the upstream access tokens cannot.
                tokens.passRevoke(client, token);
                return ProxyHttp.noStoreJson(200, Map.of());
            }
            TokenVerification verified = ctx.issuer.verify(token);
            if (verified.isValid() && client.clientId().equals(verified.claims().get("client_id"))) {
                // A token re-signed on someone else's jti (a known key) must not revoke their grant: it revokes
                // only when it is the token its mapping was issued with, and is otherwise ignored (RFC 7009).
                String jti = String.valueOf(verified.claims().get("jti"));
                if ("refresh".equals(verified.claims().get(JWTIssuer.TOKEN_USE_CLAIM))) {
                    ProxyStore.RefreshMapping bound = ctx.store.get(ProxyStore.REFRESH, jti,
                            ProxyStore.RefreshMapping.class);
                    ProxyStore.RefreshMapping m = bound == null || !TokenBinding.matches(verified.claims(), bound)
                            ? null : ctx.store.take(ProxyStore.REFRESH, jti, ProxyStore.RefreshMapping.class);
                    if (m != null) {
                        ProxyStore.UpstreamRecord u = ctx.store.get(ProxyStore.UPSTREAM, m.upstreamId(),
                                ProxyStore.UpstreamRecord.class);
                        tokens.revokeGrant(m.used() ? m.successorAccessJti() : m.accessJti(),
                                m.successorRefreshJti(), m.upstreamId());
                        if (u != null) {
                            ctx.upstream.revoke(u.refreshToken() != null ? u.refreshToken() : u.accessToken(),
                                    u.refreshToken() != null ? "refresh_token" : "access_token");
                        }
                    }
                } else {
                    ProxyStore.AccessMapping m = ctx.store.get(ProxyStore.ACCESS, jti, ProxyStore.AccessMapping.class);
                    if (m != null && TokenBinding.matches(ctx.store, token, verified.claims(), m)) {
                        ctx.store.delete(ProxyStore.ACCESS, jti);
                    }
                }
            }
            return ProxyHttp.noStoreJson(200, Map.of());
        } catch (OAuthError e) {
            return ProxyHttp.error(e);
        }
    }
}
