package dev.fastmcp.auth.proxy;

import dev.fastmcp.TokenVerification;
import dev.fastmcp.auth.jwt.IssuedToken;
import dev.fastmcp.auth.jwt.JWTIssuer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Token swap: stores upstream token sets, issues our access JWTs mapped (by {@code jti}) to them and our refresh
 * JWTs in families ({@link ProxyStore.Family}, one record per grant), verifies our access tokens for {@code /mcp} (a
 * revoked mapping or a gone upstream set stops the token at once), and hands tools the upstream tokens, refreshed
 * upstream when they expired.
 */
final class TokenService {

    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
    /** Refresh upstream this long before the upstream access token expires. */
    private static final long UPSTREAM_EXPIRY_SKEW_SECONDS = 30;

    private final ProxyContext ctx;
    /** The ids of the configured machine clients, whose tokens have no upstream set. */
    private final java.util.Set<String> machineClients;

    TokenService(ProxyContext ctx) {
        this.ctx = ctx;
        this.machineClients = ctx.settings.clients().machineClients().stream().map(MachineClient::clientId)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The claim of our refresh tokens naming their family ({@link ProxyStore.Family}). */
    static final String FAMILY_CLAIM = "fam";
    /** The claim of our refresh tokens giving their generation within the family. */
    static final String GENERATION_CLAIM = "gen";

    /** What a grant issued: the response body, the access token's jti, the refresh family (to revoke on a replay). */
    record Issued(Map<String, Object> body, String accessJti, String family) {
    }

    /** What {@link #mint} made: the response body, the access token's jti, the keyed hash of the refresh token. */
    record Minted(Map<String, Object> body, String accessJti, String refreshHash) {
    }

    // ---- upstream sets --------------------------------------------------------------------------------------

    /** Stores a new upstream token set with the identity found in it; returns its (random) id. */
    String saveUpstream(UpstreamTokens tokens) {
        return saveUpstream(tokens, null, null);
    }

    /**
     * Stores a new upstream token set; {@code verifiedIdClaims}, when not null, are the claims of its ID token
     * as verified at the callback, and give the identity unless the identity resolver gave {@code identity}.
     */
    String saveUpstream(UpstreamTokens tokens, Map<String, Object> verifiedIdClaims, UpstreamIdentity identity) {
        String id = ProxyStore.randomValue(32);
        ctx.store.save(ProxyStore.UPSTREAM, id, record(tokens, verifiedIdClaims, identity), upstreamTtl());
        return id;
    }

    /** The stored form of an upstream set and the identity behind it. */
    private ProxyStore.UpstreamRecord record(UpstreamTokens tokens, Map<String, Object> verifiedIdClaims,
            UpstreamIdentity identity) {
        Map<String, Object> claims = new LinkedHashMap<>();
        // Received straight from the token endpoint over the back channel (OIDC Core 3.1.3.7 allows relying
        // on TLS there instead of the signature), so the payloads are read without verifying signatures.
        Map<String, Object> fromAccess = jwtPayload(tokens.accessToken());
        Map<String, Object> fromId = verifiedIdClaims != null ? verifiedIdClaims : jwtPayload(tokens.idToken());
        claims.putAll(fromAccess);
        claims.putAll(fromId);
        Object sub = fromId.containsKey("sub") ? fromId.get("sub") : fromAccess.get("sub");
        String subject = sub instanceof String s && !s.isBlank() ? s
                : "upstream-" + ctx.store.hash(tokens.accessToken()).substring(0, 22);
        if (identity != null) {
            claims.putAll(identity.claims());
            subject = identity.subject();
        }
        return record(tokens, subject, claims, identity == null ? null : identity.claims());
    }

    private long upstreamTtl() {
        Lifetimes l = ctx.settings.lifetimes();
        return Math.max(ProxyContext.seconds(l.refreshTokenTtl()), ProxyContext.seconds(l.accessTokenTtl()));
    }

    /** Stores the tokens an upstream refresh gave in place of {@code current}'s, keeping who they belong to. */
    ProxyStore.UpstreamRecord saveRefreshed(String upstreamId, ProxyStore.UpstreamRecord current,
            UpstreamTokens refreshed) {
        ProxyStore.UpstreamRecord updated = record(refreshed, current.subject(), current.claims(),
                current.identityClaims());
        ctx.store.save(ProxyStore.UPSTREAM, upstreamId, updated, upstreamTtl());
        return updated;
    }

    private static ProxyStore.UpstreamRecord record(UpstreamTokens t, String subject, Map<String, Object> claims,
            Map<String, Object> identityClaims) {
        return new ProxyStore.UpstreamRecord(t.accessToken(), t.tokenType(), t.refreshToken(),
                t.expiresAt() == null ? null : t.expiresAt().getEpochSecond(), t.scope(), t.idToken(), subject, claims,
                identityClaims);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jwtPayload(String token) {
        if (token == null) {
            return Map.of();
        }
        String[] parts = token.split("\\.");
        if (parts.length != 3 || parts[1].length() > 64 * 1024) {
            return Map.of();
        }
        try {
            JsonNode node = ProxyHttp.JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]),
                    StandardCharsets.UTF_8));
            return node != null && node.isObject() ? ProxyHttp.JSON.convertValue(node, LinkedHashMap.class) : Map.of();
        } catch (RuntimeException e) {
            return Map.of();
        }
    }

    /**
     * Refreshes the upstream set when its access token has expired and it has a refresh token. With
     * {@code recheckUnknownExpiry} (our refresh grant), a set for which the identity provider gave no
     * {@code expires_in} (GitHub OAuth apps) is re-checked by refreshing it too, or, without a refresh token, by
     * asking the identity resolver again (an upstream token that never expires can only be found revoked that way);
     * if that fails for another reason than a refused grant or token, the set is kept as it is, since it may well
     * still be valid.
     *
     * @throws UpstreamClient.UpstreamException when the refresh failed ({@code invalidGrant}: the set is deleted)
     */
    ProxyStore.UpstreamRecord freshUpstream(String upstreamId, boolean recheckUnknownExpiry)
            throws UpstreamClient.UpstreamException {
        ProxyStore.UpstreamRecord current = ctx.store.get(ProxyStore.UPSTREAM, upstreamId,
                ProxyStore.UpstreamRecord.class);
        if (current == null) {
            return null;
        }
        if (current.refreshToken() == null) {
            boolean resolved = ctx.settings.hooks().identityResolver() != null;
            return recheckUnknownExpiry && current.expiresAt() == null && resolved
                    ? recheckIdentity(upstreamId, current) : current;
        }
        boolean expired = current.tokens().isExpired(Instant.now(), UPSTREAM_EXPIRY_SKEW_SECONDS);
        boolean recheck = recheckUnknownExpiry && current.expiresAt() == null;
        if (!expired && !recheck) {
            return current;
        }
        try {
            return saveRefreshed(upstreamId, current, ctx.upstream.refresh(current.tokens()));
        } catch (UpstreamClient.UpstreamException e) {
            if (e.invalidGrant) {
                ctx.store.delete(ProxyStore.UPSTREAM, upstreamId);
                throw e;
            }
            if (!expired) {
                LOG.warn("Re-checking an upstream token of unknown expiry failed, keeping it: {}", e.getMessage());
                return current;
            }
            throw e;
        }
    }

    /**
     * Asks the identity resolver again about a set that cannot be refreshed and never expires: a refused token, or
     * another user behind it, ends the set; another failure keeps it; success updates what is known of the user.
     */
    private ProxyStore.UpstreamRecord recheckIdentity(String upstreamId, ProxyStore.UpstreamRecord current)
            throws UpstreamClient.UpstreamException {
        UpstreamIdentity identity;
        try {
            identity = ctx.settings.hooks().identityResolver().resolve(current.tokens(), null, ctx.api);
        } catch (UpstreamApiException e) {
            if (e.tokenRejected()) {
                ctx.store.delete(ProxyStore.UPSTREAM, upstreamId);
                throw new UpstreamClient.UpstreamException("the identity provider no longer accepts the upstream "
                        + "token: " + e.getMessage(), true);
            }
            LOG.warn("Re-checking an upstream token of unknown expiry failed, keeping it: {}", e.getMessage());
            return current;
        } catch (RuntimeException e) {
            LOG.warn("Re-checking an upstream token of unknown expiry failed, keeping it: {}",
                    e.getClass().getSimpleName());
            return current;
        }
        if (!identity.subject().equals(current.subject())) {
            ctx.store.delete(ProxyStore.UPSTREAM, upstreamId);
            throw new UpstreamClient.UpstreamException("the upstream token now belongs to another user", true);
        }
        Map<String, Object> claims = new LinkedHashMap<>(current.claims());
        claims.putAll(identity.claims());
        ProxyStore.UpstreamRecord updated = record(current.tokens(), current.subject(), claims, identity.claims());
        ctx.store.save(ProxyStore.UPSTREAM, upstreamId, updated, upstreamTtl());
        return updated;
    }

    /** The upstream tokens of a set, refreshed if needed; null when gone or refused upstream. */
    UpstreamTokens upstreamTokens(String upstreamId) {
        try {
            ProxyStore.UpstreamRecord r = freshUpstream(upstreamId, false);
            return r == null ? null : r.tokens();
        } catch (UpstreamClient.UpstreamException e) {
            LOG.warn("Upstream token refresh failed: {}", e.getMessage());
            if (e.invalidGrant) {
                return null;
            }
            ProxyStore.UpstreamRecord r = ctx.store.get(ProxyStore.UPSTREAM, upstreamId, ProxyStore.UpstreamRecord.class);
            return r == null ? null : r.tokens();
        }
    }

    // ---- our tokens -----------------------------------------------------------------------------------------

    /** The tokens of a new grant; with a refresh token (when the client registered that grant), a new family. */
    Issued issue(ProxyStore.ClientRecord client, String upstreamId, String subject, List<String> scopes) {
        if (!client.grantTypes().contains("refresh_token")) {
            Minted minted = mint(client, upstreamId, subject, scopes, null, 0);
            return new Issued(minted.body(), minted.accessJti(), null);
        }
        String family = ProxyStore.randomValue(16);
        Minted minted = mint(client, upstreamId, subject, scopes, family, 0);
        long now = System.currentTimeMillis();
        ctx.store.save(ProxyStore.FAMILY, family, new ProxyStore.Family(client.clientId(), upstreamId, subject, scopes,
                0, minted.refreshHash(), minted.accessJti(), now, null, null), familyTtl(now));
        return new Issued(minted.body(), minted.accessJti(), family);
    }

    /**
     * Our access token (its mapping stored) and, with a {@code family}, its refresh token of {@code generation}, as
     * a token response. The family record is the caller's to store.
     */
    Minted mint(ProxyStore.ClientRecord client, String upstreamId, String subject, List<String> scopes, String family,
            long generation) {
        JWTIssuer.TokenRequest request = JWTIssuer.TokenRequest.of(client.clientId(), scopes).withSubject(subject)
                .withClaims(passedClaims(upstreamId));
        Map<String, Object> body = new LinkedHashMap<>();
        IssuedToken access = access(request, upstreamId, body);
        String refreshHash = null;
        if (family != null) {
            Map<String, Object> claims = new LinkedHashMap<>(request.additionalClaims());
            claims.put(FAMILY_CLAIM, family); // after the passed-through claims, so that none can replace them
            claims.put(GENERATION_CLAIM, generation);
            IssuedToken refresh = ctx.issuer.issueRefreshTokenWithInfo(request.withClaims(claims));
            refreshHash = ctx.store.hash(refresh.token());
            body.put("refresh_token", refresh.token());
        }
        return new Minted(body, access.jti(), refreshHash);
    }

    /** Issues an access token and stores its mapping; puts the token response's fields into {@code body}. */
    IssuedToken access(JWTIssuer.TokenRequest request, String upstreamId, Map<String, Object> body) {
        IssuedToken access = ctx.issuer.issueAccessTokenWithInfo(request);
        ctx.store.save(ProxyStore.ACCESS, access.jti(),
                new ProxyStore.AccessMapping(request.clientId(), upstreamId, request.subject(), request.scopes(),
                        ctx.store.hash(access.token())),
                ProxyContext.seconds(ctx.settings.lifetimes().accessTokenTtl()) + 60);
        body.put("access_token", access.token());
        body.put("token_type", "Bearer");
        body.put("expires_in", access.expiresIn().getSeconds());
        if (!request.scopes().isEmpty()) {
            body.put("scope", String.join(" ", request.scopes()));
        }
        return access;
    }

    /** How long a family whose current generation was issued at {@code issuedAtMillis} is kept: past its expiry. */
    long familyTtl(long issuedAtMillis) {
        long end = issuedAtMillis / 1000 + ProxyContext.seconds(ctx.settings.lifetimes().refreshTokenTtl()) + 60;
        return Math.max(1, end - Instant.now().getEpochSecond());
    }

    /**
     * The upstream claims that {@code customClaimsPassthrough} copies into our tokens (and so into the session),
     * read from the upstream set's current tokens, which the proxy received from the identity provider's token
     * endpoint.
     */
    private Map<String, Object> passedClaims(String upstreamId) {
        ProxyStore.UpstreamRecord u = ctx.store.get(ProxyStore.UPSTREAM, upstreamId, ProxyStore.UpstreamRecord.class);
        ClaimsPassthrough passthrough = ctx.settings.claimsAndConsent().customClaimsPassthrough();
        return u == null ? Map.of() : passthrough.extract(u.accessToken(), u.idToken(), u.identityClaims());
    }

    /**
     * Verifies one of our access tokens for {@code /mcp}: signature, audience, expiry, then its live mapping, which
     * it must match ({@link TokenBinding}): a token re-signed with other claims is refused like an unknown one.
     */
    TokenVerification verifyAccess(String token) {
        TokenVerification v = ctx.issuer.accessTokenVerifier().verify(token);
        if (!v.isValid()) {
            return v;
        }
        Object jti = v.session().claims().get("jti");
        ProxyStore.AccessMapping m = jti instanceof String s
                ? ctx.store.getCached(ProxyStore.ACCESS, s, ProxyStore.AccessMapping.class) : null;
        if (m == null) {
            return TokenVerification.invalid(UNKNOWN_ACCESS_TOKEN);
        }
        // The verifier returns the same (cached) verification for the same token only, so a session built from this
        // verification and mapping was built after they matched; anything else (a forged token on a cached jti
        // verifies as another object) is compared here.
        Built last = sessions.get(jti);
        boolean compared = last != null && last.verified == v && last.mapping == m;
        if (!compared && !TokenBinding.matches(ctx.store, token, v.session().claims(), m)) {
            LOG.warn("An access token signed with our key but not matching what was issued under its id was refused; "
                    + "the signing key (or the secret it is derived from) may be known outside this server");
            return TokenVerification.invalid(UNKNOWN_ACCESS_TOKEN);
        }
        ProxyStore.UpstreamRecord u = null;
        if (m.upstreamId() == null) {
            // A machine client's token: it stops when the client is no longer configured.
            if (!machineClients.contains(m.clientId())) {
                return TokenVerification.invalid("the machine client behind the token is no longer configured");
            }
        } else {
            u = ctx.store.getCached(ProxyStore.UPSTREAM, m.upstreamId(), ProxyStore.UpstreamRecord.class);
            if (u == null) {
                return TokenVerification.invalid("the upstream sign-in behind the token has ended");
            }
            if (u.refreshToken() == null && u.tokens().isExpired(Instant.now(), 0)) {
                return TokenVerification.invalid("the upstream token behind the token has expired");
            }
        }
        // The session object depends only on these three (immutable, decoded once per stored value), so the last
        // one built for this token is reused while none of them changed; the lookups above still run each time.
        if (compared && last.upstream == u) {
            return last.result;
        }
        var s = v.session();
        String upstreamId = m.upstreamId();
        // A machine client is no user of the identity provider: a plain session, with no upstream claims or tokens.
        TokenVerification result = TokenVerification.valid(u == null
                ? new ProxySession(s.subject(), s.clientId(), s.scopes(), s.claims(), s.expiresAt(), Map.of(), () -> null)
                : ctx.settings.session(new ProxySession(s.subject(), s.clientId(), s.scopes(), s.claims(),
                        s.expiresAt(), u.claims(), () -> upstreamTokens(upstreamId))));
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.clear();
        }
        sessions.put((String) jti, new Built(v, m, u, result));
        return result;
    }

    private static final String UNKNOWN_ACCESS_TOKEN = "access token revoked or unknown";
    private static final int MAX_SESSIONS = 10_000;
    private final java.util.concurrent.ConcurrentHashMap<String, Built> sessions =
            new java.util.concurrent.ConcurrentHashMap<>();

    private record Built(TokenVerification verified, ProxyStore.AccessMapping mapping, ProxyStore.UpstreamRecord upstream,
            TokenVerification result) {
    }

    /**
     * Ends a grant: its access token, its refresh family (or, for grants issued before families, the refresh
     * token's mapping: {@code refresh} is either) and its upstream set, so every token on it stops.
     */
    void revokeGrant(String accessJti, String refresh, String upstreamId) {
        ctx.store.delete(ProxyStore.ACCESS, accessJti);
        if (refresh != null) {
            ctx.store.delete(ProxyStore.REFRESH, refresh);
            endFamily(refresh);
        }
        ctx.store.delete(ProxyStore.UPSTREAM, upstreamId);
    }

    /**
     * Ends a refresh family: the family, its grace answer, its current access token and its upstream set.
     *
     * @return the upstream set it ended, for a revocation to pass on upstream; null when there was none
     */
    ProxyStore.UpstreamRecord endFamily(String family) {
        ProxyStore.Family f = ctx.store.take(ProxyStore.FAMILY, family, ProxyStore.Family.class);
        ctx.store.delete(ProxyStore.GRACE, family);
        if (f == null) {
            return null;
        }
        ctx.store.delete(ProxyStore.ACCESS, f.accessJti());
        return ctx.store.take(ProxyStore.UPSTREAM, f.upstreamId(), ProxyStore.UpstreamRecord.class);
    }
}
