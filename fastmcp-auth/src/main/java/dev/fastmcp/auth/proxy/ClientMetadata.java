package dev.fastmcp.auth.proxy;

import dev.fastmcp.ServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The part of an RFC 7591 registration request that the proxy registers, checked and bounded; every other field
 * of the request is ignored, neither stored nor echoed.
 *
 * <p>Registration is open to anyone, so what one registration may cost is bounded here: a registration lives in
 * the storage until it expires, and (through the consent page) its name is shown to users. The limits are far
 * above what MCP clients send (a short name, one or two loopback, {@code https} or private-use-scheme redirect
 * URIs of well under 200 characters) and far below what would make a flood of registrations expensive.
 */
record ClientMetadata(List<String> redirectUris, String authMethod, List<String> grantTypes,
        List<String> responseTypes, String scope, String clientName) {

    /** The largest registration request body, in bytes. */
    static final int MAX_BODY_BYTES = 8 * 1024;
    static final int MAX_CLIENT_NAME_CHARS = 200;
    static final int MAX_REDIRECT_URIS = 10;
    static final int MAX_REDIRECT_URI_CHARS = 512;
    static final int MAX_SCOPE_CHARS = 1000;
    /** The most entries of {@code grant_types} or {@code response_types} (only two values are valid anyway). */
    private static final int MAX_LIST_ENTRIES = 20;

    private static final Set<String> AUTH_METHODS = Set.of("none", "client_secret_basic", "client_secret_post");
    private static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token");

    /**
     * Reads and checks the registration request. RFC 7591 §3.1 sends the metadata as a JSON body, and every MCP
     * client (TypeScript and Python SDKs, MCP Inspector) sends {@code Content-Type: application/json}; another
     * content type is refused rather than guessed at.
     */
    static ClientMetadata read(ServerRequest request, ProxyOptions options) throws OAuthError {
        if (!isJson(request.header("content-type"))) {
            throw metadata("The registration request must be a JSON object sent with Content-Type: "
                    + "application/json (RFC 7591 §3.1)");
        }
        // The route declares this limit, so the server refuses a larger body while receiving it; this holds for any
        // other caller.
        if (request.body().length > MAX_BODY_BYTES) {
            throw new OAuthError("invalid_client_metadata", "The registration request is larger than "
                    + MAX_BODY_BYTES + " bytes; send only the client metadata", 413);
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
        return of(body, options);
    }

    private static ClientMetadata of(JsonNode body, ProxyOptions options) throws OAuthError {
        List<String> redirectUris = strings(body.get("redirect_uris"), "redirect_uris", MAX_REDIRECT_URIS);
        if (redirectUris.isEmpty()) {
            throw metadata("redirect_uris is required: list the URIs that receive the authorization code");
        }
        for (String uri : redirectUris) {
            checkRedirectUri(uri, options.limits());
        }
        String method = text(body.get("token_endpoint_auth_method"), "token_endpoint_auth_method", 50);
        method = method == null ? "client_secret_basic" : method;
        if (!AUTH_METHODS.contains(method)) {
            throw metadata("token_endpoint_auth_method must be none, client_secret_basic or client_secret_post");
        }
        List<String> grants = body.has("grant_types")
                ? strings(body.get("grant_types"), "grant_types", MAX_LIST_ENTRIES)
                : List.of("authorization_code", "refresh_token");
        if (grants.isEmpty() || !GRANT_TYPES.containsAll(grants)) {
            throw metadata("grant_types may hold only authorization_code and refresh_token");
        }
        List<String> responseTypes = body.has("response_types")
                ? strings(body.get("response_types"), "response_types", MAX_LIST_ENTRIES)
                : List.of("code");
        if (!List.of("code").containsAll(responseTypes)) {
            throw metadata("response_types may hold only code");
        }
        String scope = text(body.get("scope"), "scope", MAX_SCOPE_CHARS);
        if (scope != null && !options.scopes().isEmpty()) {
            for (String s : scope.trim().split("\\s+")) {
                if (!s.isEmpty() && !options.scopes().contains(s)) {
                    throw metadata("scope '" + ProxyHttp.safe(s) + "' is not offered by this server");
                }
            }
        }
        String name = text(body.get("client_name"), "client_name", MAX_CLIENT_NAME_CHARS);
        return new ClientMetadata(List.copyOf(redirectUris), method, List.copyOf(grants),
                List.copyOf(responseTypes), scope, name);
    }

    static void checkRedirectUri(String uri, Limits limits) throws OAuthError {
        if (uri.length() > MAX_REDIRECT_URI_CHARS) {
            throw new OAuthError("invalid_redirect_uri", "Redirect URI '" + ProxyHttp.safe(uri) + "...' has "
                    + uri.length() + " characters; at most " + MAX_REDIRECT_URI_CHARS + " are accepted", 400);
        }
        String problem = RedirectUris.registrationError(uri);
        if (problem != null) {
            throw new OAuthError("invalid_redirect_uri", "Redirect URI '" + ProxyHttp.safe(uri) + "' " + problem,
                    400);
        }
        List<String> patterns = limits.allowedRedirectUriPatterns();
        if (patterns != null && !RedirectUris.matchesPattern(uri, patterns)) {
            throw new OAuthError("invalid_redirect_uri", "Redirect URI '" + ProxyHttp.safe(uri) + "' is not "
                    + "allowed by this server (allowedRedirectUriPatterns)", 400);
        }
    }

    /**
     * The registration response (RFC 7591 §3.2.1): what was registered, and nothing else. Fields of the request
     * that the proxy ignores ({@code jwks}, {@code logo_uri}, {@code registration_access_token}, ...) are not
     * echoed: a client must not believe they were accepted.
     */
    Map<String, Object> response(String clientId, String secret, long issuedAt) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("client_id", clientId);
        if (secret != null) {
            out.put("client_secret", secret);
            out.put("client_secret_expires_at", 0);
        }
        out.put("client_id_issued_at", issuedAt);
        if (clientName != null) {
            out.put("client_name", clientName);
        }
        out.put("redirect_uris", redirectUris);
        out.put("grant_types", grantTypes);
        out.put("response_types", responseTypes);
        out.put("token_endpoint_auth_method", authMethod);
        if (scope != null) {
            out.put("scope", scope);
        }
        return out;
    }

    /** {@code application/json}, with or without parameters such as {@code charset}. */
    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
        return type.toLowerCase(Locale.ROOT).equals("application/json");
    }

    private static OAuthError metadata(String description) {
        return new OAuthError("invalid_client_metadata", description, 400);
    }

    static String text(JsonNode node, String field, int maxChars) throws OAuthError {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString()) {
            throw metadata(field + " must be a string");
        }
        String value = node.asString();
        if (value.length() > maxChars) {
            throw metadata(field + " has " + value.length() + " characters; at most " + maxChars + " are accepted");
        }
        return value;
    }

    static List<String> strings(JsonNode node, String field, int maxEntries) throws OAuthError {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw metadata(field + " must be an array of strings");
        }
        if (node.size() > maxEntries) {
            throw metadata(field + " has " + node.size() + " entries; at most " + maxEntries + " are accepted");
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
