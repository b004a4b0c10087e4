package dev.fastmcp.auth.proxy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token swap off: the client gets the identity provider's access token itself, and an opaque, single-use refresh
 * token of ours that stands for the upstream refresh token kept here.
 */
final class PassThroughTokens {

    private static final Logger LOG = LoggerFactory.getLogger(PassThroughTokens.class);

    private final ProxyContext ctx;
    private final TokenService tokens;

    PassThroughTokens(ProxyContext ctx, TokenService tokens) {
        this.ctx = ctx;
        this.tokens = tokens;
    }

    /**
     * Token swap off: the client gets the identity provider's access token itself. Its refresh token stays
     * here (it needs this server's upstream client credentials anyway); the client gets an opaque, single-use
     * refresh token of ours, bound to it, that {@link #passRefresh} trades for a fresh upstream access token.
     */
    TokenService.Issued passUpstream(String upstreamId, String clientId) {
        ProxyStore.UpstreamRecord u = ctx.store.get(ProxyStore.UPSTREAM, upstreamId, ProxyStore.UpstreamRecord.class);
        if (u == null) {
            return null;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", u.accessToken());
        body.put("token_type", "Bearer");
        if (u.expiresAt() != null) {
            body.put("expires_in", Math.max(1, u.expiresAt() - Instant.now().getEpochSecond()));
        }
        if (u.scope() != null) {
            body.put("scope", u.scope());
        }
        if (u.refreshToken() != null) {
            String refresh = ProxyStore.randomValue(32);
            ctx.store.save(ProxyStore.PASS_REFRESH, refresh, new ProxyStore.PassRefresh(clientId, upstreamId),
                    ProxyContext.seconds(ctx.settings.lifetimes().refreshTokenTtl()));
            body.put("refresh_token", refresh);
        } else {
            ctx.store.delete(ProxyStore.UPSTREAM, upstreamId);
        }
        return new TokenService.Issued(body, null, null);
    }

    /** Token swap off: the refresh grant. The token is taken (single use) and must belong to {@code client}. */
    TokenService.Issued passRefresh(ProxyStore.ClientRecord client, String token) throws OAuthError {
        ProxyStore.PassRefresh p = ctx.store.take(ProxyStore.PASS_REFRESH, token, ProxyStore.PassRefresh.class);
        if (p == null) {
            throw OAuthError.invalidGrant("The refresh token is invalid, expired or already used");
        }
        if (!p.clientId().equals(client.clientId())) {
            ctx.store.delete(ProxyStore.UPSTREAM, p.upstreamId()); // presented by another client: compromised
            throw OAuthError.invalidGrant("The refresh token was issued to another client");
        }
        ProxyStore.UpstreamRecord current = ctx.store.get(ProxyStore.UPSTREAM, p.upstreamId(),
                ProxyStore.UpstreamRecord.class);
        if (current == null || current.refreshToken() == null) {
            throw OAuthError.invalidGrant("The sign-in with the identity provider has ended; sign in again");
        }
        try {
            tokens.saveRefreshed(p.upstreamId(), current, ctx.upstream.refresh(current.tokens()));
        } catch (UpstreamClient.UpstreamException e) {
            LOG.warn("Refresh: {}", e.getMessage());
            if (e.invalidGrant) {
                ctx.store.delete(ProxyStore.UPSTREAM, p.upstreamId());
                throw OAuthError.invalidGrant("The sign-in with the identity provider has ended; sign in again");
            }
            ctx.store.save(ProxyStore.PASS_REFRESH, token, p,
                    ProxyContext.seconds(ctx.settings.lifetimes().refreshTokenTtl()));
            throw OAuthError.temporarilyUnavailable();
        }
        TokenService.Issued issued = passUpstream(p.upstreamId(), client.clientId());
        if (issued == null) {
            throw OAuthError.invalidGrant("The sign-in with the identity provider has ended; sign in again");
        }
        return issued;
    }

    /** Token swap off: revokes an opaque refresh token of {@code client} and the upstream grant behind it. */
    void passRevoke(ProxyStore.ClientRecord client, String token) {
        ProxyStore.PassRefresh p = ctx.store.get(ProxyStore.PASS_REFRESH, token, ProxyStore.PassRefresh.class);
        if (p == null || !p.clientId().equals(client.clientId())) {
            return;
        }
        ctx.store.delete(ProxyStore.PASS_REFRESH, token);
        ProxyStore.UpstreamRecord u = ctx.store.take(ProxyStore.UPSTREAM, p.upstreamId(),
                ProxyStore.UpstreamRecord.class);
        if (u != null) {
            ctx.upstream.revoke(u.refreshToken(), "refresh_token");
        }
    }
}
