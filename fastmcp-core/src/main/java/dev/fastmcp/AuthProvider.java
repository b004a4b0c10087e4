package dev.fastmcp;

import java.util.List;
import java.util.Map;

/**
 * Puts OAuth in front of a server: verifies the bearer token of every MCP request and says where clients get
 * tokens. The server serves the RFC 9728 protected resource metadata from it, and, when the auth provider is an
 * authorization server itself (the OAuth proxy), its RFC 8414 metadata and routes.
 *
 * <p>Implemented by {@code RemoteAuthProvider} (tokens from an external authorization server such as
 * Keycloak, Auth0 or WorkOS), by {@code OAuthProxy} and the presets, and by
 * {@code StaticTokenVerifier} for development.
 */
public interface AuthProvider {

    /** Called once when the server starts, with its public URLs, before any other method. */
    default void configure(ServerUrls urls) {
    }

    /** Verifies the bearer token of each request to the MCP endpoint. */
    TokenVerifier tokenVerifier();

    /** The issuer URLs of the authorization servers clients should use (RFC 9728 {@code authorization_servers}). */
    List<String> authorizationServers();

    /**
     * The scopes clients may ask for, listed in the metadata and in the 401 challenge (except {@code offline_access},
     * which clients ask the authorization server for themselves); may be empty.
     */
    default List<String> scopesSupported() {
        return List.of();
    }

    /** RFC 8414 authorization server metadata when this auth provider is an authorization server; else null. */
    default Map<String, Object> authorizationServerMetadata() {
        return null;
    }

    /**
     * The MCP extensions of authorization this auth provider offers, by extension id (for example
     * {@code io.modelcontextprotocol/oauth-client-credentials}), each with its settings; listed under
     * {@code capabilities.extensions} of {@code server/discover}. Default none.
     */
    default Map<String, Object> extensions() {
        return Map.of();
    }

    /**
     * Whether the auth provider keeps its state where other server instances share it (a Redis), so that several
     * instances serve one deployment. Default false. A stateful server then warns at start that its MCP sessions of
     * the 2025 revisions stay on the instance that created them.
     */
    default boolean sharedAcrossInstances() {
        return false;
    }

    /** HTTP routes the auth provider serves (authorize, token, ...), with paths under the base URL's path. */
    default List<HttpRoute> routes() {
        return List.of();
    }

    /**
     * The public URLs of a running server.
     *
     * @param baseUrl                  the public base URL (origin and optional path, no trailing slash)
     * @param resource                 the MCP endpoint's public URL: the protected resource identifier
     * @param protectedResourceMetadata the URL of the RFC 9728 metadata for {@code resource}
     */
    record ServerUrls(String baseUrl, String resource, String protectedResourceMetadata) {

        /** The path part of the base URL ("" for none), under which the auth provider's routes are served. */
        public String basePath() {
            return java.net.URI.create(baseUrl).getRawPath();
        }
    }
}
