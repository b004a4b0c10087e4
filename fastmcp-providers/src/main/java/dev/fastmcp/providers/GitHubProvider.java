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
 * Sign-in with GitHub: an {@link OAuthProxy} preset.
 *
 * <pre>{@code
 * GitHubProvider github = GitHubProvider.builder(clientId, clientSecret)
 *         .secret(System.getenv("FASTMCP_SECRET"))
 *         .build();
 * // in a tool:
 * String login = Auth.getAuthSession(ctx, GitHubSession.class).login();
 * }</pre>
 *
 * <p>It requests {@code read:user user:email}. GitHub's tokens are opaque, so the user is identified by
 * {@code GET /user} (and the primary verified address of {@code GET /user/emails} when the profile shows none);
 * the subject is the numeric user id, which survives a change of login.
 *
 * <p><b>Token lifetime.</b> Tokens of GitHub OAuth apps never expire and come without a refresh token (GitHub
 * Apps with expiring user tokens send {@code expires_in} and a refresh token, and are refreshed like any other
 * identity provider's). Such a token is kept only as long as the proxy's own grant lives: at every refresh of the
 * proxy's tokens (so at least once per {@code accessTokenTtl}, default one hour) the proxy asks {@code GET /user}
 * again, and a token GitHub refuses ends the grant; the proxy's refresh token lifetime ({@code refreshTokenTtl},
 * default 30 days) bounds how long a sign-in lasts without the user coming back.
 *
 * <p>In GitHub (Settings, Developer settings, OAuth Apps) register the application with
 * {@code <baseUrl>/oauth/callback} as its callback URL.
 *
 * <p><b>What it sets.</b> GitHub's authorization and token endpoints (under {@link Builder#webBaseUrl}), client
 * credentials in the form ({@code post}), the {@code upstreamName} "GitHub" and the scopes
 * {@code read:user user:email}. The builder offers {@code scopes}, {@code secret}, {@link Builder#webBaseUrl} and
 * {@link Builder#apiBaseUrl} (both for GitHub Enterprise Server); any other option of the proxy through
 * {@code proxyOptions(o -> ...)}.
 */
public final class GitHubProvider extends ProxyPreset {

    static final String WEB_BASE_URL = "https://github.com";
    static final String API_BASE_URL = "https://api.github.com";
    private static final Map<String, String> API_HEADERS = Map.of("Accept", "application/vnd.github+json",
            "X-GitHub-Api-Version", "2022-11-28");

    private GitHubProvider(OAuthProxy proxy) {
        super(proxy);
    }

    /** Starts a configuration with the credentials of the GitHub OAuth app. */
    public static Builder builder(String clientId, String clientSecret) {
        return new Builder(clientId, clientSecret);
    }

    /** The user behind a GitHub token: {@code GET /user}, then {@code /user/emails} for a private address. */
    static UpstreamIdentity user(String api, UpstreamTokens tokens, UpstreamApi http) throws UpstreamApiException {
        Map<String, Object> user = http.getObject(api + "/user", tokens.accessToken(), API_HEADERS);
        String id = UpstreamApi.requireString(user, "id");
        Map<String, Object> claims = new LinkedHashMap<>();
        for (String name : List.of("login", "id", "name", "email", "avatar_url", "html_url")) {
            claims.put(name, user.get(name));
        }
        if (claims.get("email") == null) {
            claims.put("email", primaryEmail(api, tokens, http));
        }
        return new UpstreamIdentity(id, claims);
    }

    /** The primary, verified address; null when the token may not read addresses or there is none. */
    private static String primaryEmail(String api, UpstreamTokens tokens, UpstreamApi http) {
        try {
            for (Object o : http.getArray(api + "/user/emails", tokens.accessToken(), API_HEADERS)) {
                if (o instanceof Map<?, ?> e && Boolean.TRUE.equals(e.get("primary"))
                        && Boolean.TRUE.equals(e.get("verified")) && e.get("email") instanceof String s) {
                    return s;
                }
            }
        } catch (UpstreamApiException e) {
            // without the user:email scope the list is forbidden; the profile simply has no address then
        }
        return null;
    }

    /** Configures a {@link GitHubProvider}: GitHub's settings, and the proxy's through {@code proxyOptions}. */
    public static final class Builder extends PresetBuilder<Builder> {

        private String apiBaseUrl = API_BASE_URL;
        private String webBaseUrl = WEB_BASE_URL;

        private Builder(String clientId, String clientSecret) {
            super("GitHubProvider", clientId, clientSecret);
            scopes("read:user", "user:email");
        }

        /**
         * The web base URL of the sign-in pages, default {@code https://github.com}; for GitHub Enterprise Server
         * {@code https://<host>}. The authorization and token endpoints are under it.
         */
        public Builder webBaseUrl(String url) {
            this.webBaseUrl = url;
            return this;
        }

        /**
         * The REST API's base URL, default {@code https://api.github.com}; for GitHub Enterprise Server
         * {@code https://<host>/api/v3}.
         */
        public Builder apiBaseUrl(String url) {
            this.apiBaseUrl = url;
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the preset. */
        public GitHubProvider build() {
            requireCredentials("GitHub Settings > Developer settings > OAuth Apps");
            String api = requireUrl("apiBaseUrl", apiBaseUrl);
            String web = requireUrl("webBaseUrl", webBaseUrl);
            Upstream github = Upstream.of(web + "/login/oauth/authorize", web + "/login/oauth/access_token",
                    clientId(), clientSecret())
                    .upstreamTokenEndpointAuthMethod("post")
                    .upstreamName("GitHub");
            return new GitHubProvider(proxy(github)
                    .upstreamIdentity((tokens, idClaims, http) -> user(api, tokens, http))
                    .sessionType(GitHubSession::new)
                    .build());
        }
    }
}
