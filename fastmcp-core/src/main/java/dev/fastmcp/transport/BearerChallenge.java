package dev.fastmcp.transport;

import dev.fastmcp.ServerRequest;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.Scopes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The answers of a server taking bearer tokens to a refused request, with their RFC 6750 / RFC 9728
 * {@code WWW-Authenticate} challenge: the 401s of a missing or invalid token, and the one 403
 * {@code insufficient_scope}, whether server-wide scopes or a tool's scopes are missing. A challenge names scopes as
 * {@link Scopes#advertised} says: never {@code offline_access}.
 */
final class BearerChallenge {

    private final Function<ServerRequest, String> resourceMetadataUrl;
    private final List<String> challengeScopes;

    /**
     * @param resourceMetadataUrl the protected resource metadata URL as seen by a request
     * @param challengeScopes     the scopes a 401 names
     */
    BearerChallenge(Function<ServerRequest, String> resourceMetadataUrl, List<String> challengeScopes) {
        this.resourceMetadataUrl = resourceMetadataUrl;
        this.challengeScopes = Scopes.advertised(challengeScopes);
    }

    /** The 401 for a request without a usable token; {@code error} and {@code description} may be null. */
    JsonRpcException unauthorized(ServerRequest request, Object requestId, String error, String description,
            String message) {
        return new JsonRpcException(401, requestId, -32001, message,
                Map.of("WWW-Authenticate", header(request, error, description, challengeScopes)));
    }

    /** The 403 for a request that needs more scopes; {@code scopes} are all the client should ask for. */
    JsonRpcException insufficientScope(ServerRequest request, Object requestId, Set<String> scopes) {
        List<String> named = Scopes.advertised(scopes);
        return new JsonRpcException(403, requestId, -32001, "Forbidden (insufficient_scope): the access token "
                + "lacks required scopes; authorize again with scope \"" + quote(String.join(" ", named)) + "\"",
                Map.of("WWW-Authenticate", header(request, "insufficient_scope",
                        "the access token lacks required scopes", named)));
    }

    private String header(ServerRequest request, String error, String description, List<String> scopes) {
        StringBuilder h = new StringBuilder("Bearer resource_metadata=\"")
                .append(resourceMetadataUrl.apply(request)).append('"');
        if (!scopes.isEmpty()) {
            h.append(", scope=\"").append(quote(String.join(" ", scopes))).append('"');
        }
        if (error != null) {
            h.append(", error=\"").append(error).append('"');
        }
        if (description != null) {
            h.append(", error_description=\"").append(quote(description)).append('"');
        }
        return h.toString();
    }

    // RFC 6750 quoted-string values: drop quotes, backslashes and control characters rather than escape them.
    private static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append(c);
            }
        }
        return out.toString();
    }
}
