package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.auth.proxy.Upstream;
import dev.fastmcp.auth.proxy.UpstreamApi;
import dev.fastmcp.auth.proxy.UpstreamApiException;
import dev.fastmcp.auth.proxy.UpstreamIdentity;
import dev.fastmcp.auth.proxy.UpstreamTokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sign-in with Discord: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * DiscordProvider discord = DiscordProvider.builder(System.getenv("DISCORD_CLIENT_ID"),
 *                 System.getenv("DISCORD_CLIENT_SECRET"))
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();
 * // in a tool:
 * DiscordSession user = Auth.getAuthSession(ctx, DiscordSession.class);
 * }</pre>
 *
 * <p>It requests {@code identify email} ({@code guilds} and Discord's other scopes through {@code scopes(...)}).
 * Discord's tokens are opaque and it has no ID token, so the user is read from {@code GET /users/@me} of its API
 * (version 10); the subject is the user's id (a snowflake), which survives a change of username. Access tokens
 * expire (after a week) and come with a refresh token, which the proxy uses.
 *
 * <p>In the Discord Developer Portal (your application, OAuth2) add {@code <baseUrl>/oauth/callback} as a redirect:
 * Discord compares it exactly, so scheme, host, port and path must match the server's public URL. The client id and
 * secret are on the same page.
 *
 * <p><b>What it sets.</b> Discord's authorization, token and revocation endpoints, client credentials by HTTP Basic
 * (as Discord's examples send them), the user API, the {@code upstreamName} "Discord" and the scopes
 * {@code identify email}. The builder offers {@code scopes} and {@code secret}; any other option of the proxy through
 * {@code proxyOptions(o -> ...)}.
 */
public final class DiscordProvider extends ProxyPreset {

    static final String AUTHORIZATION_ENDPOINT = "https://discord.com/oauth2/authorize";
    static final String TOKEN_ENDPOINT = "https://discord.com/api/oauth2/token";
    static final String REVOCATION_ENDPOINT = "https://discord.com/api/oauth2/token/revoke";
    static final String API_BASE_URL = "https://discord.com/api/v10";

    private DiscordProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /** Starts a configuration with the credentials of the Discord application (Developer Portal, OAuth2). */
    public static Builder builder(String clientId, String clientSecret) {
        return new Builder(clientId, clientSecret);
    }

    /** Discord's OAuth endpoints for the application {@code clientId}. */
    static Upstream discord(String clientId, String clientSecret) {
        return Upstream.of(AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT, clientId, clientSecret)
                .upstreamRevocationEndpoint(REVOCATION_ENDPOINT)
                .upstreamName("Discord");
    }

    /** The user behind a Discord token: {@code GET /users/@me}. */
    static UpstreamIdentity user(String api, UpstreamTokens tokens, UpstreamApi http) throws UpstreamApiException {
        Map<String, Object> user = http.getObject(api + "/users/@me", tokens.accessToken(), Map.of());
        String id = UpstreamApi.requireString(user, "id");
        Map<String, Object> claims = new LinkedHashMap<>();
        for (String name : List.of("id", "username", "global_name", "discriminator", "avatar", "email", "verified")) {
            claims.put(name, user.get(name));
        }
        return new UpstreamIdentity(id, claims);
    }

    /** Configures a {@link DiscordProvider}: Discord's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private String apiBaseUrl = API_BASE_URL;

        private Builder(String clientId, String clientSecret) {
            super("DiscordProvider", clientId, clientSecret);
            scopes("identify", "email");
        }

        /** Discord's API base URL, default {@code https://discord.com/api/v10}. For tests. */
        Builder apiBaseUrl(String url) {
            this.apiBaseUrl = url;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public DiscordProvider build() {
            requireCredentials("the Discord Developer Portal (your application > OAuth2)");
            String api = requireUrl("apiBaseUrl", apiBaseUrl);
            return new DiscordProvider(proxy(discord(clientId(), clientSecret()))
                    .upstreamIdentity((tokens, idClaims, http) -> user(api, tokens, http))
                    .sessionType(DiscordSession::new)
                    .build());
        }
    }
}
