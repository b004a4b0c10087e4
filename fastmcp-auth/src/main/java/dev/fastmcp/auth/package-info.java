/**
 * OAuth building blocks for an MCP server that checks tokens itself: {@link RemoteAuthProvider} and
 * {@link StaticTokenVerifier} for a resource server, {@link PKCEUtils}, {@link ConsentManager} and
 * {@link DiscoveryDocumentCache}. JWTs are in {@code dev.fastmcp.auth.jwt}, token storage in
 * {@code dev.fastmcp.auth.storage} and the OAuth proxy in {@code dev.fastmcp.auth.proxy}.
 */
package dev.fastmcp.auth;
