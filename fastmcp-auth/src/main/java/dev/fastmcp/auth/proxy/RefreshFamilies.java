package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.proxy.ProxyStore.Family;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refresh grant, and the revocation of refresh tokens, over refresh token families: one record per grant
 * ({@link Family}), whatever the number of refreshes. Each refresh token names its family and generation; the
 * current generation refreshes once, which is claimed and then committed by {@code replace}, so instances sharing the
 * storage agree. An older generation presented again is a duplicate if it is the previous one, within the grace
 * period, from the same client address with the same token and scope (it gets the same answer); anything else is
 * theft, and ends the family with its access token and upstream set.
 *
 * <p>Refresh tokens issued before families have a mapping under their {@code jti}; at their first refresh they move
 * into a new family as its generation 0 (atomically, by {@code replace} of the mapping), then refresh as any other.
 */
final class RefreshFamilies {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshFamilies.class);
    private static final long POLL_MILLIS = 50;

    private final ProxyContext ctx;
    private final TokenService tokens;

    RefreshFamilies(ProxyContext ctx, TokenService tokens) {
        this.ctx = ctx;
        this.tokens = tokens;
    }

    /** A refresh token as presented: its family, its generation, and the keyed hash of the token itself. */
    private record Presented(String family, long generation, String tokenHash) {
    }

    /**
     * The refresh grant for {@code token}, a refresh token of ours already verified ({@code claims}) as issued to
     * {@code client}. {@code requester} is the keyed hash of the client address and the token: only a retry of the
     * same request is a duplicate.
     */
    TokenService.Issued refresh(ProxyStore.ClientRecord client, String token, Map<String, Object> claims,
            String requestedScope, String requester) throws OAuthError {
        Presented p = presented(token, claims);
        long deadline = System.nanoTime() + claimMillis() * 1_000_000L;
        while (true) {
            Family f = ctx.store.get(ProxyStore.FAMILY, p.family(), Family.class);
            if (f == null) {
                throw OAuthError.invalidGrant("The refresh token was revoked or has expired");
            }
            if (!TokenBinding.sameGrant(claims, f) || p.generation() > f.generation()
                    || p.generation() == f.generation() && !TokenBinding.sameHash(p.tokenHash(), f.refreshHash())) {
                throw forged();
            }
            long now = System.currentTimeMillis();
            if (p.generation() == f.generation()) {
                if (f.claim() != null && f.claim().until() > now) {
                    pause(deadline); // a refresh of this very token is under way: its outcome decides
                    continue;
                }
                Family claimed = f.claimed(new ProxyStore.Claim(ProxyStore.randomValue(12), now + claimMillis()));
                if (ctx.store.replace(ProxyStore.FAMILY, p.family(), f, claimed, tokens.familyTtl(f.rotatedAt()))) {
                    return rotate(client, p.family(), claimed, requestedScope, requester);
                }
                continue; // changed meanwhile (by another instance): look again
            }
            if (isDuplicate(f, p, requester, requestedScope, now)) {
                ProxyStore.GraceAnswer answer = ctx.store.get(ProxyStore.GRACE, p.family(),
                        ProxyStore.GraceAnswer.class);
                if (answer != null && answer.generation() == f.generation()
                        && TokenBinding.sameHash(answer.refreshHash(), f.refreshHash())) {
                    LOG.info("Duplicate refresh within the grace period; the same new tokens are returned");
                    return new TokenService.Issued(answer.body(), null, p.family());
                }
                pause(deadline); // committed a moment ago: its answer is being stored
                continue;
            }
            tokens.endFamily(p.family());
            LOG.warn("A refresh token of an earlier generation was used again; the grant is revoked");
            throw OAuthError.invalidGrant("The refresh token was already used");
        }
    }

    private static boolean isDuplicate(Family f, Presented p, String requester, String requestedScope, long now) {
        ProxyStore.Duplicate d = f.duplicate();
        return p.generation() == f.generation() - 1 && d != null && d.until() > now
                && d.requester().equals(requester) && Objects.equals(d.requestedScope(), requestedScope);
    }

    /**
     * Refreshes a family this request has claimed: the upstream set first, then the next generation, committed only
     * if the family is still as claimed. Any failure before the commit gives the claim back.
     */
    private TokenService.Issued rotate(ProxyStore.ClientRecord client, String family, Family claimed,
            String requestedScope, String requester) throws OAuthError {
        boolean settled = false;
        try {
            List<String> scopes = downscope(requestedScope, claimed.scopes());
            ProxyStore.UpstreamRecord upstream;
            try {
                upstream = tokens.freshUpstream(claimed.upstreamId(), true);
            } catch (UpstreamClient.UpstreamException e) {
                LOG.warn("Refresh: {}", e.getMessage());
                if (!e.invalidGrant) {
                    throw OAuthError.temporarilyUnavailable();
                }
                upstream = null;
            }
            if (upstream == null || upstream.refreshToken() == null && upstream.tokens().isExpired(Instant.now(), 0)) {
                settled = true;
                tokens.endFamily(family);
                throw OAuthError.invalidGrant("The sign-in with the identity provider has ended; sign in again");
            }
            TokenService.Minted minted = tokens.mint(client, claimed.upstreamId(), claimed.subject(), scopes, family,
                    claimed.generation() + 1);
            long now = System.currentTimeMillis();
            long grace = ctx.settings.lifetimes().refreshGracePeriod().toMillis();
            Family next = claimed.next(scopes, minted.refreshHash(), minted.accessJti(), now,
                    grace > 0 ? new ProxyStore.Duplicate(requester, requestedScope, now + grace) : null);
            settled = true;
            if (!ctx.store.replace(ProxyStore.FAMILY, family, claimed, next, tokens.familyTtl(now))) {
                ctx.store.delete(ProxyStore.ACCESS, minted.accessJti());
                if (ctx.store.get(ProxyStore.FAMILY, family, Family.class) == null) {
                    throw OAuthError.invalidGrant("The refresh token was revoked while it was being refreshed");
                }
                throw OAuthError.temporarilyUnavailable(); // so slow that another request took the refresh over
            }
            if (grace > 0) {
                ctx.store.save(ProxyStore.GRACE, family, new ProxyStore.GraceAnswer(next.generation(),
                        minted.refreshHash(), minted.body()), (grace + 999) / 1000);
            }
            ctx.store.delete(ProxyStore.ACCESS, claimed.accessJti());
            return new TokenService.Issued(minted.body(), minted.accessJti(), family);
        } finally {
            if (!settled) { // the token stays good: a retry may refresh it
                ctx.store.replace(ProxyStore.FAMILY, family, claimed, claimed.claimed(null),
                        tokens.familyTtl(claimed.rotatedAt()));
            }
        }
    }

    /** The family and generation of a presented token: from its claims, or for an older token, from its mapping. */
    private Presented presented(String token, Map<String, Object> claims) throws OAuthError {
        String hash = ctx.store.hash(token);
        if (claims.get(TokenService.FAMILY_CLAIM) instanceof String family
                && claims.get(TokenService.GENERATION_CLAIM) instanceof Number generation) {
            return new Presented(family, generation.longValue(), hash);
        }
        return new Presented(familyOfMapping(claims, hash), 0, hash);
    }

    /**
     * The family of a refresh token issued before families, moving it into a new one (as generation 0, bound to the
     * token's keyed hash) at its first refresh. Of concurrent first refreshes, the one whose {@code replace} of the
     * mapping succeeds made the family; the others find it there.
     */
    private String familyOfMapping(Map<String, Object> claims, String tokenHash) throws OAuthError {
        String jti = String.valueOf(claims.get("jti"));
        long remaining = claims.get("exp") instanceof Number exp
                ? Math.max(1, exp.longValue() - Instant.now().getEpochSecond() + 60) : 60;
        for (int attempt = 0; attempt < 3; attempt++) {
            ProxyStore.RefreshMapping m = ctx.store.get(ProxyStore.REFRESH, jti, ProxyStore.RefreshMapping.class);
            if (m == null) {
                throw OAuthError.invalidGrant("The refresh token was revoked or already used");
            }
            if (!TokenBinding.matches(claims, m)) {
                throw forged();
            }
            if (m.family() != null) {
                return m.family();
            }
            if (m.used()) { // rotated before families, and presented again
                ProxyStore.RefreshMapping successor = m.successorRefreshJti() == null ? null
                        : ctx.store.get(ProxyStore.REFRESH, m.successorRefreshJti(), ProxyStore.RefreshMapping.class);
                if (successor != null && successor.family() != null) {
                    tokens.endFamily(successor.family());
                }
                tokens.revokeGrant(m.successorAccessJti(), m.successorRefreshJti(), m.upstreamId());
                LOG.warn("A rotated refresh token was used again; the grant is revoked");
                throw OAuthError.invalidGrant("The refresh token was already used");
            }
            String family = ProxyStore.randomValue(16);
            long now = System.currentTimeMillis();
            ctx.store.save(ProxyStore.FAMILY, family, new Family(m.clientId(), m.upstreamId(), m.subject(),
                    m.scopes(), 0, tokenHash, m.accessJti(), now, null, null), tokens.familyTtl(now));
            if (ctx.store.replace(ProxyStore.REFRESH, jti, m, m.movedTo(family), remaining)) {
                return family;
            }
            ctx.store.delete(ProxyStore.FAMILY, family); // another request moved it first
        }
        throw OAuthError.temporarilyUnavailable();
    }

    /**
     * RFC 7009 for a refresh token of ours, verified and of {@code client}: ends its family (a token of any
     * generation of it will do, like the grant it stands for) and the upstream grant. A token that is not one we
     * issued under its claims is ignored.
     */
    void revoke(String token, Map<String, Object> claims) {
        String family;
        if (claims.get(TokenService.FAMILY_CLAIM) instanceof String fam
                && claims.get(TokenService.GENERATION_CLAIM) instanceof Number gen) {
            Family f = ctx.store.get(ProxyStore.FAMILY, fam, Family.class);
            boolean issued = f != null && TokenBinding.sameGrant(claims, f) && (gen.longValue() < f.generation()
                    || gen.longValue() == f.generation()
                    && TokenBinding.sameHash(ctx.store.hash(token), f.refreshHash()));
            if (!issued) {
                return;
            }
            family = fam;
        } else {
            String jti = String.valueOf(claims.get("jti"));
            ProxyStore.RefreshMapping bound = ctx.store.get(ProxyStore.REFRESH, jti, ProxyStore.RefreshMapping.class);
            if (bound == null || !TokenBinding.matches(claims, bound)) {
                return;
            }
            if (bound.family() == null) {
                revokeMapping(jti);
                return;
            }
            family = bound.family();
        }
        revokeUpstream(tokens.endFamily(family));
    }

    /** Revokes a grant issued before families, by its refresh token's mapping. */
    private void revokeMapping(String jti) {
        ProxyStore.RefreshMapping m = ctx.store.take(ProxyStore.REFRESH, jti, ProxyStore.RefreshMapping.class);
        if (m == null) {
            return;
        }
        ProxyStore.UpstreamRecord u = ctx.store.get(ProxyStore.UPSTREAM, m.upstreamId(),
                ProxyStore.UpstreamRecord.class);
        tokens.revokeGrant(m.used() ? m.successorAccessJti() : m.accessJti(), m.successorRefreshJti(),
                m.upstreamId());
        revokeUpstream(u);
    }

    private void revokeUpstream(ProxyStore.UpstreamRecord u) {
        if (u != null) {
            ctx.upstream.revoke(u.refreshToken() != null ? u.refreshToken() : u.accessToken(),
                    u.refreshToken() != null ? "refresh_token" : "access_token");
        }
    }

    /**
     * A refresh token signed with our key that is not one we issued (another user, client or scope than its family
     * or mapping, or a token re-signed on a live family): refused like an unknown token, and nothing is revoked,
     * since the holder of the real token did nothing wrong.
     */
    private static OAuthError forged() {
        LOG.warn("A refresh token signed with our key but not matching what was issued under its id was refused; "
                + "the signing key (or the secret it is derived from) may be known outside this server");
        return OAuthError.invalidGrant("The refresh token is invalid or expired");
    }

    /** How long a claimed refresh may take (the upstream refresh within it has its own timeout). */
    private long claimMillis() {
        return (2 * ProxyContext.seconds(ctx.settings.upstream().upstreamTimeout()) + 5) * 1000;
    }

    private static void pause(long deadline) throws OAuthError {
        if (System.nanoTime() > deadline) {
            throw OAuthError.temporarilyUnavailable();
        }
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw OAuthError.temporarilyUnavailable();
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
}
