package dev.fastmcp.auth;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Dynamic client registration (RFC 7591) and client authentication at the token and revocation endpoints.
 * Public clients register with {@code none} and prove possession with PKCE; confidential clients get a secret,
 * shown once and stored only as its keyed hash, and verified in constant time.
 */
final class ClientRegistry {

    static final int MAX_BODY_BYTES = 64 * 1024;
    static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_basic", "client_secret_post");
    private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token");

    private final ProxyContext ctx;
    /** Registrations per client address; null when the limit is off. */
    private final RegistrationLimiter limiter;

    ClientRegistry(ProxyContext ctx) {
        this.ctx = ctx;
        int perMinute = ctx.settings.registrationRateLimit();
        this.limiter = perMinute == 0 ? null : new RegistrationLimiter(perMinute, RegistrationLimiter.DEFAULT_WINDOW,
                RegistrationLimiter.DEFAULT_MAX_TRACKED_ADDRESSES, Clock.systemUTC());
    }

    ServerResponse register(ServerRequest request) {
        if (limiter != null && !limiter.tryAcquire(request.remoteAddress())) {
            // The name of the TypeScript SDK's error for the same limit; RFC 7591 defines none.
            long retryAfter = Math.max(1, (RegistrationLimiter.DEFAULT_WINDOW.getSeconds()
                    + ctx.settings.registrationRateLimit() - 1) / ctx.settings.registrationRateLimit());
            return ProxyHttp.error(new OAuthError("too_many_requests", "Too many client registrations from this "
                    + "address; retry later", 429)).withHeader("Retry-After", Long.toString(retryAfter));
        }
        try {
            return ProxyHttp.noStoreJson(201, registerOrThrow(request));
        } catch (OAuthError e) {
            return ProxyHttp.error(e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> registerOrThrow(ServerRequest request) throws OAuthError {
        if (request.body().length > MAX_BODY_BYTES) {
            throw new OAuthError("invalid_client_metadata", "The registration request is larger than 64 KiB", 413);
        }
        JsonNode body;
        try {
            body = ProxyHttp.JSON.readTree(request.body());
        } catch (RuntimeException e) {
            throw metadata("The body must be a JSON object");
        }
        if (body == null || !body.isObject()) {
            throw metadata("The body must be a JSON object");
        }
        Map<String, Object> echo = ProxyHttp.JSON.convertValue(body, LinkedHashMap.class);
        List<String> redirectUris = strings(body.get("redirect_uris"), "redirect_uris");
        if (redirectUris.isEmpty()) {
            throw metadata("redirect_uris is required: list the URIs that receive the authorization code");
        }
        for (String uri : redirectUris) {
            String problem = RedirectUris.registrationError(uri);
            if (problem != null) {
                throw new OAuthError("invalid_redirect_uri", "Redirect URI '" + ProxyHttp.safe(uri) + "' " + problem,
                        400);
            }
            List<String> patterns = ctx.settings.allowedRedirectUriPatterns();
            if (patterns != null && !RedirectUris.matchesPattern(uri, patterns)) {
                throw new OAuthError("invalid_redirect_uri", "Redirect URI '" + ProxyHttp.safe(uri) + "' is not "
                        + "allowed by this server (allowedRedirectUriPatterns)", 400);
            }
        }
        String method = text(body.get("token_endpoint_auth_method"), "token_endpoint_auth_method");
        method = method == null ? "client_secret_basic" : method;
        if (!AUTH_METHODS.contains(method)) {
            throw metadata("token_endpoint_auth_method must be none, client_secret_basic or client_secret_post");
        }
        List<String> grants = body.has("grant_types") ? strings(body.get("grant_types"), "grant_types")
                : List.of("authorization_code", "refresh_token");
        if (grants.isEmpty() || !GRANT_TYPES.containsAll(grants)) {
            throw metadata("grant_types may hold only authorization_code and refresh_token");
        }
        List<String> responseTypes = body.has("response_types") ? strings(body.get("response_types"), "response_types")
                : List.of("code");
        if (!List.of("code").containsAll(responseTypes)) {
            throw metadata("response_types may hold only code");
        }
        String scope = text(body.get("scope"), "scope");
        if (scope != null && !ctx.settings.scopes().isEmpty()) {
            for (String s : scope.trim().split("\\s+")) {
                if (!s.isEmpty() && !ctx.settings.scopes().contains(s)) {
                    throw metadata("scope '" + ProxyHttp.safe(s) + "' is not offered by this server");
                }
            }
        }
        String name = text(body.get("client_name"), "client_name");
        String clientId = ProxyStore.randomValue(16);
        String secret = method.equals("none") ? null : ProxyStore.randomValue(32);
        long issuedAt = Instant.now().getEpochSecond();
        ProxyStore.ClientRecord client = new ProxyStore.ClientRecord(clientId,
                secret == null ? null : ctx.store.hash(secret), method, redirectUris, grants, scope, name, issuedAt,
                false, responseTypes);
        ctx.store.save(ProxyStore.CLIENT, clientId, client, ProxyContext.seconds(ctx.settings.registrationTtl()));
        echo.remove("client_secret");
        echo.remove("client_secret_expires_at");
        echo.put("client_id", clientId);
        echo.put("client_id_issued_at", issuedAt);
        echo.put("token_endpoint_auth_method", method);
        echo.put("grant_types", grants);
        echo.put("response_types", responseTypes);
        echo.put("redirect_uris", redirectUris);
        if (secret != null) {
            echo.put("client_secret", secret);
            echo.put("client_secret_expires_at", 0);
        }
        return echo;
    }

    /** The registered client, or null. */
    ProxyStore.ClientRecord find(String clientId) {
        if (clientId == null || clientId.isEmpty() || clientId.length() > 200) {
            return null;
        }
        return ctx.store.get(ProxyStore.CLIENT, clientId, ProxyStore.ClientRecord.class);
    }

    /** After a first token: the registration no longer expires with the unused-registration TTL. */
    void markUsed(ProxyStore.ClientRecord client) {
        ctx.store.save(ProxyStore.CLIENT, client.clientId(), client.markUsed(),
                ProxyContext.seconds(ctx.settings.refreshTokenTtl()) + 86_400);
    }

    /**
     * Authenticates the client of a token or revocation request: HTTP Basic or form credentials for
     * confidential clients (secret compared in constant time), {@code client_id} alone for public ones.
     */
    ProxyStore.ClientRecord authenticate(ServerRequest request, Map<String, String> form) throws OAuthError {
        String id = form.get("client_id");
        String secret = form.get("client_secret");
        String authorization = request.header("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidClient("Malformed Basic credentials");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw OAuthError.invalidClient("Malformed Basic credentials");
            }
            String basicId = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
            if (id != null && !id.equals(basicId) || secret != null) {
                throw OAuthError.invalidRequest("Use one client authentication method only");
            }
            id = basicId;
            secret = URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8);
        }
        ProxyStore.ClientRecord client = find(id);
        if (client == null) {
            throw OAuthError.invalidClient("Client authentication failed");
        }
        if (client.isPublic()) {
            return client;
        }
        if (secret == null || secret.isEmpty()) {
            throw OAuthError.invalidClient("Client authentication failed");
        }
        byte[] given = ctx.store.hash(secret).getBytes(StandardCharsets.US_ASCII);
        byte[] stored = client.secretHash().getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(given, stored)) {
            throw OAuthError.invalidClient("Client authentication failed");
        }
        return client;
    }

    private static OAuthError metadata(String description) {
        return new OAuthError("invalid_client_metadata", description, 400);
    }

    private static String text(JsonNode node, String field) throws OAuthError {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw metadata(field + " must be a string");
        }
        return node.asString();
    }

    private static List<String> strings(JsonNode node, String field) throws OAuthError {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray() || node.size() > 20) {
            throw metadata(field + " must be an array of at most 20 strings");
        }
        for (JsonNode n : node) {
            if (!n.isString()) {
                throw metadata(field + " must be an array of strings");
            }
            out.add(n.asString());
        }
        return out;
    }
}
