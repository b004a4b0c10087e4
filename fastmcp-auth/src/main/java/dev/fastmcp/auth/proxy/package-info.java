/**
 * The OAuth proxy: {@link OAuthProxy} is the authorization server MCP clients see, in front of the identity provider
 * described by {@link Upstream} and configured by {@link ProxyOptions}; {@link UpstreamIdentityResolver} and
 * {@link UpstreamApi} are the extension points of the presets.
 */
package dev.fastmcp.auth.proxy;
