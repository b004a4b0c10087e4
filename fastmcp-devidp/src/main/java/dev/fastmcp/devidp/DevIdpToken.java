package dev.fastmcp.devidp;

import dev.fastmcp.devidp.DevIdpHttp.Failure;
import dev.fastmcp.devidp.DevIdpHttp.Request;
import dev.fastmcp.devidp.DevIdpHttp.Response;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /token}: the client authenticates (Basic or form, secret compared in constant time), then
 * {@code authorization_code} (single use, bound to its redirect URI, PKCE S256) or {@code refresh_token}
 * (rotated) gives tokens.
 */
final class DevIdpToken {

    private final DevIdpSettings settings;
    private final DevIdpStore store;
    private final DevIdpTokens tokens;

    DevIdpToken(DevIdpSettings settings, DevIdpStore store, DevIdpTokens tokens) {
        this.settings = settings;
        this.store = store;
        this.tokens = tokens;
    }

    Response token(Request request) {
        boolean basic = request.authorization() != null
                && request.authorization().regionMatches(true, 0, "Basic ", 0, 6);
        try {
            authenticateClient(request, basic);
            String grantType = request.single(request.form(), "grant_type");
            if ("authorization_code".equals(grantType)) {
                return Response.json(200, exchangeCode(request));
            } else if ("refresh_token".equals(grantType)) {
                return Response.json(200, refresh(request));
            } else if (grantType == null) {
                throw new Failure(400, "invalid_request", "grant_type is required");
            }
            throw new Failure(400, "unsupported_grant_type", "Only authorization_code and refresh_token are supported");
        } catch (Failure f) {
            Response r = f.toJson();
            return basic && "invalid_client".equals(f.error)
                    ? r.withHeader("WWW-Authenticate", "Basic realm=\"fastmcp-dev-idp\"") : r;
        }
    }

    private void authenticateClient(Request request, boolean basic) throws Failure {
        String id = request.single(request.form(), "client_id");
        String secret = request.single(request.form(), "client_secret");
        if (basic) {
            if (secret != null) {
                throw new Failure(400, "invalid_request", "Use one client authentication method, not Basic and "
                        + "client_secret together");
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(request.authorization().substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new Failure(401, "invalid_client", "The Basic credentials are not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new Failure(401, "invalid_client", "The Basic credentials have no ':'");
            }
            String basicId = formDecode(decoded.substring(0, colon));
            if (id != null && !id.equals(basicId)) {
                throw new Failure(400, "invalid_request", "client_id differs from the Basic credentials");
            }
            id = basicId;
            secret = formDecode(decoded.substring(colon + 1));
        }
        if (id == null || secret == null) {
            throw new Failure(401, "invalid_client", "Client authentication is required (client_secret_basic or "
                    + "client_secret_post)");
        }
        // Both compared, always, so the time taken does not tell which one was wrong.
        boolean idOk = DevIdpTokens.sameSecret(id, settings.clientId());
        boolean secretOk = DevIdpTokens.sameSecret(secret, settings.clientSecret());
        if (!idOk || !secretOk) {
            throw new Failure(401, "invalid_client", "Unknown client or wrong client secret");
        }
    }

    private static String formDecode(String value) throws Failure {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Failure(401, "invalid_client", "The Basic credentials are not valid URL encoding");
        }
    }

    private Map<String, Object> exchangeCode(Request request) throws Failure {
        String codeValue = request.single(request.form(), "code");
        if (codeValue == null) {
            throw new Failure(400, "invalid_request", "code is required");
        }
        DevIdpStore.Code code = store.codes.take(codeValue);
        if (code == null) {
            // A replay: whatever the first exchange produced is revoked too (RFC 6749 §4.1.2).
            String issuedRefresh = store.usedCodes.take(codeValue);
            if (issuedRefresh != null) {
                store.refreshTokens.take(issuedRefresh);
            }
            throw new Failure(400, "invalid_grant", "The code is invalid, expired or was already used");
        }
        if (!code.redirectUri().equals(request.single(request.form(), "redirect_uri"))) {
            throw new Failure(400, "invalid_grant", "redirect_uri differs from the one of the authorization request");
        }
        if (!DevIdpTokens.pkceMatches(request.single(request.form(), "code_verifier"), code.codeChallenge())) {
            throw new Failure(400, "invalid_grant", "The PKCE code_verifier does not match the code_challenge");
        }
        String refresh = DevIdpTokens.randomValue();
        store.refreshTokens.put(refresh, code.grant());
        store.usedCodes.put(codeValue, refresh);
        return tokens.response(code.grant(), code.nonce(), refresh);
    }

    private Map<String, Object> refresh(Request request) throws Failure {
        String value = request.single(request.form(), "refresh_token");
        if (value == null) {
            throw new Failure(400, "invalid_request", "refresh_token is required");
        }
        DevIdpStore.Grant grant = store.refreshTokens.take(value);
        if (grant == null) {
            throw new Failure(400, "invalid_grant", "The refresh token is invalid, expired or was already used");
        }
        String scope = request.single(request.form(), "scope");
        if (scope != null && !scope.isBlank()) {
            List<String> narrower = List.copyOf(new LinkedHashSet<>(List.of(scope.trim().split(" +"))));
            if (!grant.scopes().containsAll(narrower)) {
                throw new Failure(400, "invalid_scope", "A refresh cannot add scopes the user did not grant");
            }
            grant = new DevIdpStore.Grant(grant.subject(), grant.roles(), narrower);
        }
        String rotated = DevIdpTokens.randomValue();
        if (!store.refreshTokens.put(rotated, grant)) {
            throw new Failure(503, "temporarily_unavailable", "Too many refresh tokens are outstanding");
        }
        return tokens.response(grant, null, rotated);
    }

    /** The claims {@code /userinfo} returns for a bearer access token, or a 401 answer. */
    Response userinfo(Request request) {
        String header = request.authorization();
        Map<String, Object> claims = header != null && header.toLowerCase(Locale.ROOT).startsWith("bearer ")
                ? tokens.verifyAccessToken(header.substring(7).trim()) : null;
        if (claims == null) {
            return new Failure(401, "invalid_token", "A valid access token of this identity provider is required")
                    .toJson().withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        return Response.json(200, Map.of("sub", claims.get("sub"), "preferred_username",
                claims.get("preferred_username"), "roles", claims.get("roles")));
    }
}
