package dev.fastmcp.server;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.HttpRoute;
import dev.fastmcp.RouteHandler;
import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents of a protected server: RFC 9728 protected resource metadata, and RFC 8414 authorization
 * server metadata when the auth provider is an authorization server. All are public documents: any browser origin
 * may read them. Nothing is served at {@code /.well-known/openid-configuration}: that name promises an OpenID
 * provider (ID tokens, a {@code jwks_uri}, {@code subject_types_supported}), which the OAuth proxy is not, and a
 * client reading an RFC 8414 document there would expect ID tokens it never gets. MCP clients look for the RFC 8414
 * document first. The protected resource metadata's {@code scopes_supported} never
 * names {@code offline_access} ({@link Scopes#advertised}); the authorization server's metadata is the auth
 * provider's own.
 */
public final class Metadata {

    private Metadata() {
    }

    public static List<HttpRoute> routes(String serverName, AuthProvider provider, AuthProvider.ServerUrls urls,
            java.util.function.Function<ServerRequest, AuthProvider.ServerUrls> urlsFor) {
        RouteHandler prm = req -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("resource", urlsFor.apply(req).resource());
            doc.put("authorization_servers", List.copyOf(provider.authorizationServers()));
            List<String> scopes = Scopes.advertised(provider.scopesSupported());
            if (!scopes.isEmpty()) {
                doc.put("scopes_supported", scopes);
            }
            doc.put("bearer_methods_supported", List.of("header"));
            doc.put("resource_name", serverName);
            return document(doc);
        };
        String prmPath = java.net.URI.create(urls.protectedResourceMetadata()).getRawPath();
        List<HttpRoute> routes = new java.util.ArrayList<>(List.of(
                HttpRoute.publicCors("GET", prmPath, prm),
                HttpRoute.publicCors("GET", "/.well-known/oauth-protected-resource", prm)));
        Map<String, Object> as = provider.authorizationServerMetadata();
        if (as != null) {
            ServerResponse asResponse = document(as);
            String base = urls.baseUrl();
            String path = PublicUrls.path(base);
            RouteHandler asHandler = req -> asResponse;
            routes.add(HttpRoute.publicCors("GET", "/.well-known/oauth-authorization-server" + path, asHandler));
        }
        return routes;
    }

    private static ServerResponse document(Map<String, Object> body) {
        return ServerResponse.json(200, body).withHeader("Cache-Control", "public, max-age=3600");
    }
}
