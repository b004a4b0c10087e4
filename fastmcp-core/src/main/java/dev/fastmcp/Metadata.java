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

    static List<HttpRoute> routes(String serverName, AuthProvider provider, AuthProvider.ServerUrls urls,
            java.util.function.Function<ServerRequest, AuthProvider.ServerUrls> urlsFor) {
        RouteHandler prm = req -> {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("resource", urlsFor.apply(req).resource());
            doc.put("authorization_servers", List.copyOf(provider.authorizationServers()));
            if (!provider.scopesSupported().isEmpty()) {
                doc.put("scopes_supported", List.copyOf(provider.scopesSupported()));
            }
            doc.put("bearer_methods_supported", List.of("header"));
            doc.put("resource_name", serverName);
            return document(doc);
        };
        String prmPath = java.net.URI.create(urls.protectedResourceMetadata()).getRawPath();
        List<HttpRoute> routes = new java.util.ArrayList<>(List.of(
                new HttpRoute("GET", prmPath, prm),
                new HttpRoute("GET", "/.well-known/oauth-protected-resource", prm)));
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
