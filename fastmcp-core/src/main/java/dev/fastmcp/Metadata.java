package dev.fastmcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The discovery documents of a protected server: RFC 9728 protected resource metadata, and RFC 8414
 * authorization server metadata (with its OpenID Connect alias) when the provider is an authorization server.
 */
final class Metadata {

    private Metadata() {
    }

    static List<HttpRoute> routes(String serverName, AuthProvider provider, AuthProvider.ServerUrls urls) {
        Map<String, Object> prm = new LinkedHashMap<>();
        prm.put("resource", urls.resource());
        prm.put("authorization_servers", List.copyOf(provider.authorizationServers()));
        if (!provider.scopesSupported().isEmpty()) {
            prm.put("scopes_supported", List.copyOf(provider.scopesSupported()));
        }
        prm.put("bearer_methods_supported", List.of("header"));
        prm.put("resource_name", serverName);
        ServerResponse prmResponse = document(prm);
        String prmPath = java.net.URI.create(urls.protectedResourceMetadata()).getRawPath();
        List<HttpRoute> routes = new java.util.ArrayList<>(List.of(
                new HttpRoute("GET", prmPath, req -> prmResponse),
                new HttpRoute("GET", "/.well-known/oauth-protected-resource", req -> prmResponse)));
        Map<String, Object> as = provider.authorizationServerMetadata();
        if (as != null) {
            ServerResponse asResponse = document(as);
            String base = urls.baseUrl();
            String path = PublicUrls.path(base);
            routes.add(new HttpRoute("GET", "/.well-known/oauth-authorization-server" + path, req -> asResponse));
            routes.add(new HttpRoute("GET", "/.well-known/openid-configuration" + path, req -> asResponse));
            if (!path.isEmpty()) {
                routes.add(new HttpRoute("GET", path + "/.well-known/openid-configuration", req -> asResponse));
            }
        }
        return routes;
    }

    private static ServerResponse document(Map<String, Object> body) {
        return ServerResponse.json(200, body).withHeader("Cache-Control", "public, max-age=3600");
    }
}
