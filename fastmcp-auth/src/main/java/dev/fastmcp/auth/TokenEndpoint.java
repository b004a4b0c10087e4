package dev.fastmcp.auth;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
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
 * issued. Refresh tokens are bound to their client and rotate; a rotated one presented again revokes its
 * successors.
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
            if (!ctx.acceptsResource(form.get("resource"))) {
                throw OAuthError.invalidTarget("This server only issues tokens for its own resource");
            }
            TokenService.Issued issued = grant.equals("authorization_code") ? codeGrant(client, form)
                    : refreshGrant(client, form);
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
        long ttl = ProxyContext.seconds(ctx.settings.authorizationCodeTtl());
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
            throw OAuthError.invalidGrant("redirect_uri does not match the authorization request");
        }
        String verifier = form.get("code_verifier");
        if (verifier == null || verifier.isEmpty()) {
            throw OAuthError.invalidRequest("code_verifier is required (PKCE)");
        }
        if (!PKCEUtils.validateChallenge(verifier, rec.codeChallenge(), PKCEUtils.S256)) {
            throw OAuthError.invalidGrant("The code_verifier does not match the code_challenge");
        }
        if (ctx.store.get(ProxyStore.UPSTREAM, rec.upstreamId(), ProxyStore.UpstreamRecord.class) == null) {
            throw OAuthError.invalidGrant("The sign-in behind the code has expired");
        }
        TokenService.Issued issued = ctx.settings.tokenSwap()
                ? tokens.issue(client, rec.upstreamId(), rec.subject(), rec.scopes())
                : tokens.passUpstream(rec.upstreamId());
        if (issued == null) {
            throw OAuthError.invalidGrant("The sign-in behind the code has expired");
        }
        ctx.store.save(ProxyStore.CODE, code, rec.tombstone(issued.accessJti(), issued.refreshJti()), ttl);
        if (!client.used()) {
            clients.markUsed(client);
        }
        return issued;
    }

    private TokenService.Issued refreshGrant(ProxyStore.ClientRecord client, Map<String, String> form)
            throws OAuthError {
        String token = form.get("refresh_token");
        if (token == null || token.isEmpty()) {
            throw OAuthError.invalidRequest("refresh_token is required");
        }
        TokenValidationResult verified = ctx.issuer.verifyRefreshToken(token);
        if (!verified.valid()) {
            throw OAuthError.invalidGrant("The refresh token is invalid or expired");
        }
        if (!client.clientId().equals(verified.claims().get("client_id"))) {
            throw OAuthError.invalidGrant("The refresh token was issued to another client");
        }
        String jti = String.valueOf(verified.claims().get("jti"));
        long remaining = verified.claims().get("exp") instanceof Number exp
                ? Math.max(1, exp.longValue() - Instant.now().getEpochSecond() + 60) : 60;
        ProxyStore.RefreshMapping m = ctx.store.take(ProxyStore.REFRESH, jti, ProxyStore.RefreshMapping.class);
        if (m == null) {
            throw OAuthError.invalidGrant("The refresh token was revoked or already used");
        }
        if (m.used()) {
            ctx.store.save(ProxyStore.REFRESH, jti, m, remaining);
            tokens.revokeGrant(m.successorAccessJti(), m.successorRefreshJti(), m.upstreamId());
            LOG.warn("A rotated refresh token was used again; the grant is revoked");
            throw OAuthError.invalidGrant("The refresh token was already used");
        }
        List<String> scopes = downscope(form.get("scope"), m.scopes());
        ProxyStore.UpstreamRecord upstream;
        try {
            upstream = tokens.freshUpstream(m.upstreamId());
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
        return issued;
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
            TokenValidationResult verified = ctx.issuer.verify(token);
            if (verified.valid() && client.clientId().equals(verified.claims().get("client_id"))) {
                String jti = String.valueOf(verified.claims().get("jti"));
                if ("refresh".equals(verified.claims().get(JWTIssuer.TOKEN_USE_CLAIM))) {
                    ProxyStore.RefreshMapping m = ctx.store.take(ProxyStore.REFRESH, jti,
                            ProxyStore.RefreshMapping.class);
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
                    ctx.store.delete(ProxyStore.ACCESS, jti);
                }
            }
            return ProxyHttp.noStoreJson(200, Map.of());
        } catch (OAuthError e) {
            return ProxyHttp.error(e);
        }
    }
}
