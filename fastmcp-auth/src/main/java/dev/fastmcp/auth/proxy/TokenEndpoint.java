package dev.fastmcp.auth.proxy;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.auth.PKCEUtils;
import dev.fastmcp.auth.jwt.JWTIssuer;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /oauth/token} (authorization code and refresh token grants, and client credentials for the machine
 * clients when configured) and {@code POST /oauth/revoke}
 * (RFC 7009). Codes are taken atomically and leave a tombstone: a replay fails and revokes what the code
 * issued. Refresh tokens are bound to their client and rotate within their grant's family ({@link RefreshFamilies}):
 * the token just replaced, presented again within the refresh grace period (a duplicate: two tabs, a retry after a
 * lost response) from the same client address, gets the same new pair; after it, or from another address (a stolen
 * token replayed elsewhere), reuse revokes the grant.
 */
final class TokenEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    /** The access token jti of a completed redemption that issued none of ours (token swap off). */
    private static final String NO_JTI = "";

    private final ProxyContext ctx;
    private final ClientRegistry clients;
    private final TokenService tokens;
    private final RefreshFamilies families;
    private final PassThroughTokens passThrough;
    /** Whether the client-credentials grant is on: machine clients are configured. */
    private final boolean clientCredentials;

    TokenEndpoint(ProxyContext ctx, ClientRegistry clients, TokenService tokens) {
        this.ctx = ctx;
        this.clientCredentials = !ctx.settings.clients().machineClients().isEmpty();
        this.clients = clients;
        this.tokens = tokens;
        this.families = new RefreshFamilies(ctx, tokens);
        this.passThrough = new PassThroughTokens(ctx, tokens);
    }

    ServerResponse token(ServerRequest request) {
        try {
            Map<String, String> form = ProxyHttp.form(request);
            String grant = form.get("grant_type");
            if (grant == null) {
                throw OAuthError.invalidRequest("grant_type is required");
            }
            boolean machineGrant = grant.equals("client_credentials") && clientCredentials;
            if (!grant.equals("authorization_code") && !grant.equals("refresh_token") && !machineGrant) {
                throw new OAuthError("unsupported_grant_type", "Only authorization_code"
                        + (clientCredentials ? ", refresh_token and client_credentials are" : " and refresh_token are")
                        + " supported", 400);
            }
            ProxyStore.ClientRecord client = clients.authenticate(request, form);
            if (!client.grantTypes().contains(grant)) {
                throw new OAuthError("unauthorized_client", machineGrant
                        ? "Only the machine clients configured on this server may use the client_credentials grant"
                        : clients.isMachine(client.clientId())
                        ? "A machine client may use the client_credentials grant only"
                        : "The client did not register the " + grant + " grant", 400);
            }
            ctx.requireOwnResource(form.get("resource"));
            TokenService.Issued issued = machineGrant ? MachineGrant.issue(tokens, clients.machine(client),
                    form.get("scope"))
                    : grant.equals("authorization_code") ? codeGrant(client, form)
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
            // Put back unless the first redemption has meanwhile written its final tombstone (what it issued).
            ctx.store.saveIfAbsent(ProxyStore.CODE, code, rec, ttl);
            if (rec.accessJti() == null && rec.refreshJti() == null) {
                // Redeemed at this very moment (a duplicate request, perhaps at another instance): nothing has been
                // issued yet to revoke, and the first redemption completes as the only one.
                throw OAuthError.invalidGrant("The authorization code was already used");
            }
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
                : passThrough.passUpstream(rec.upstreamId(), client.clientId());
        if (issued == null) {
            throw OAuthError.invalidGrant("The sign-in behind the code has expired");
        }
        // What a later replay revokes; with token swap off nothing has a jti, but the sign-in behind it does.
        ctx.store.save(ProxyStore.CODE, code, rec.tombstone(issued.accessJti() == null && issued.family() == null
                ? NO_JTI : issued.accessJti(), issued.family()), ttl);
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
            return passThrough.passRefresh(client, token);
        }
        TokenVerification verified = ctx.issuer.verifyRefreshToken(token);
        if (!verified.isValid()) {
            throw OAuthError.invalidGrant("The refresh token is invalid or expired");
        }
        if (!client.clientId().equals(verified.claims().get("client_id"))) {
            throw OAuthError.invalidGrant("The refresh token was issued to another client");
        }
        // Who asked, with what: the keyed hash of the address's rate-limit key (a duplicate is recognised by
        // network) and of the very token presented, so that only a retry of this token, never another token signed
        // on the same family, can be answered with the pair its refresh issued.
        String requester = ctx.store.hash(RegistrationLimiter.key(remoteAddress) + "\n" + token);
        return families.refresh(client, token, verified.claims(), form.get("scope"), requester);
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
                passThrough.passRevoke(client, token);
                return ProxyHttp.noStoreJson(200, Map.of());
            }
            TokenVerification verified = ctx.issuer.verify(token);
            if (verified.isValid() && client.clientId().equals(verified.claims().get("client_id"))) {
                // A token re-signed on someone else's grant (a known key) must not revoke it: it revokes only when it
                // is a token that grant was issued with, and is otherwise ignored (RFC 7009).
                String jti = String.valueOf(verified.claims().get("jti"));
                if ("refresh".equals(verified.claims().get(JWTIssuer.TOKEN_USE_CLAIM))) {
                    families.revoke(token, verified.claims());
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
