package dev.fastmcp.devidp;

import dev.fastmcp.devidp.DevIdpHttp.Failure;
import dev.fastmcp.devidp.DevIdpHttp.Request;
import dev.fastmcp.devidp.DevIdpHttp.Response;
import io.undertow.server.HttpServerExchange;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Routes the development identity provider's requests, and serves its metadata and keys. */
final class DevIdpRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(DevIdpRoutes.class);

    private final DevIdpAuthorize authorize;
    private final DevIdpToken token;
    private final DevIdpTokens tokens;
    private final Map<String, Object> metadata;

    DevIdpRoutes(DevIdpTokens tokens, DevIdpSettings settings, String issuer) {
        DevIdpStore store = new DevIdpStore();
        this.tokens = tokens;
        this.authorize = new DevIdpAuthorize(settings, store, issuer);
        this.token = new DevIdpToken(settings, store, tokens);
        this.metadata = metadata(settings, issuer);
    }

    /** Runs on a worker thread, in blocking mode. */
    void handle(HttpServerExchange exchange) {
        Response response;
        try {
            response = route(DevIdpHttp.read(exchange));
        } catch (Failure f) {
            response = f.toJson();
        } catch (Exception e) {
            LOG.error("DevIdentityProvider: {} {} failed", exchange.getRequestMethod(), exchange.getRequestPath(), e);
            response = new Failure(500, "server_error", "The request failed; see the identity provider's log").toJson();
        }
        DevIdpHttp.write(exchange, response);
    }

    private Response route(Request request) {
        String method = request.method();
        switch (request.path()) {
            case "/.well-known/openid-configuration", "/.well-known/oauth-authorization-server":
                return method.equals("GET") ? Response.json(200, metadata).withHeader("Cache-Control", "max-age=60")
                        .withHeader("Access-Control-Allow-Origin", "*") : notAllowed("GET");
            case "/jwks":
                return method.equals("GET") ? new Response(200, Map.of("Content-Type", "application/json",
                        "Access-Control-Allow-Origin", "*"), tokens.jwks().getBytes(StandardCharsets.UTF_8))
                        : notAllowed("GET");
            case "/authorize":
                return method.equals("GET") ? authorize.show(request)
                        : method.equals("POST") ? authorize.submit(request) : notAllowed("GET, POST");
            case "/token":
                return method.equals("POST") ? token.token(request) : notAllowed("POST");
            case "/userinfo":
                return method.equals("GET") || method.equals("POST") ? token.userinfo(request)
                        : notAllowed("GET, POST");
            default:
                return new Failure(404, "not_found", "No such endpoint; see /.well-known/openid-configuration")
                        .toJson();
        }
    }

    private static Response notAllowed(String allowed) {
        return new Failure(405, "invalid_request", "Method not allowed; use " + allowed).toJson()
                .withHeader("Allow", allowed);
    }

    private static Map<String, Object> metadata(DevIdpSettings settings, String issuer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("authorization_endpoint", issuer + "/authorize");
        m.put("token_endpoint", issuer + "/token");
        m.put("userinfo_endpoint", issuer + "/userinfo");
        m.put("jwks_uri", issuer + "/jwks");
        m.put("scopes_supported", settings.scopes());
        m.put("response_types_supported", List.of("code"));
        m.put("response_modes_supported", List.of("query"));
        m.put("grant_types_supported", List.of("authorization_code", "refresh_token"));
        m.put("subject_types_supported", List.of("public"));
        m.put("id_token_signing_alg_values_supported", List.of("RS256"));
        m.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        m.put("code_challenge_methods_supported", List.of("S256"));
        m.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce",
                "preferred_username", "roles"));
        m.put("authorization_response_iss_parameter_supported", true);
        return Collections.unmodifiableMap(m);
    }
}
