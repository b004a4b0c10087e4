package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.jwt.IssuedToken;
import dev.fastmcp.auth.jwt.JWTIssuer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The client-credentials grant of the {@link MachineClient}s. */
final class MachineGrant {

    private MachineGrant() {
    }

    /**
     * The client-credentials grant: an access token for the machine client itself (its id as subject, no upstream
     * set behind it), for the scopes it asked of those it may have, or all of them when it asked for none; no
     * refresh token (OAuth 2.1 §4.2.3), since the client can always ask again.
     *
     * @throws OAuthError {@code invalid_scope} naming the scopes it may not have
     */
    static TokenService.Issued issue(TokenService tokens, MachineClient client, String scope) throws OAuthError {
        List<String> scopes = client.scopes();
        if (scope != null && !scope.isBlank()) {
            List<String> asked = List.of(scope.trim().split("\\s+"));
            List<String> refused = asked.stream().filter(s -> !client.scopes().contains(s)).distinct().toList();
            if (!refused.isEmpty()) {
                throw new OAuthError("invalid_scope", "This machine client may not have the scope(s) "
                        + String.join(" ", refused) + (client.scopes().isEmpty() ? "; it is allowed none"
                        : "; it is allowed " + String.join(" ", client.scopes())), 400);
            }
            scopes = asked.stream().distinct().toList();
        }
        JWTIssuer.TokenRequest request = JWTIssuer.TokenRequest.of(client.clientId(), scopes)
                .withSubject(client.clientId()).withClaims(client.claims());
        Map<String, Object> body = new LinkedHashMap<>();
        IssuedToken access = tokens.access(request, null, body);
        return new TokenService.Issued(body, access.jti(), null);
    }

}
