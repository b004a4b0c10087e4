package dev.fastmcp.server;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.Authenticator;
import dev.fastmcp.FastMCP;
import dev.fastmcp.HttpRoute;
import dev.fastmcp.RouteHandler;
import dev.fastmcp.SessionStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/** Everything {@link FastMCP.Builder} collected besides the components, fixed at {@code build()}. */
public record Settings(String name, String version, String instructions, Authenticator authenticator,
        List<Settings.Route> routes, Duration clientRequestTimeout, ExecutorService toolExecutor, int toolThreads,
        int maxSessions, int maxSessionsPerSubject, int maxSessionsPerClient, Duration sessionIdleTimeout,
        long maxRequestBytes, int eventLogSize, Duration keepAliveInterval, Set<String> allowedOrigins,
        Set<String> allowedHosts, boolean dnsRebindingProtection, boolean cors, AuthProvider provider, String baseUrl,
        boolean allowInsecureHttpBaseUrl, boolean trustForwardedHeaders, List<String> requiredScopes,
        Scopes scopeHierarchy, RequestStateCodec requestState, Duration cacheTtl, SessionStore sessionStore,
        dev.fastmcp.TaskStore taskStore) {

    /** A custom route; {@code maxBodyBytes} is {@link HttpRoute#SERVER_LIMIT} for the server's limit. */
    public record Route(String method, String path, RouteHandler handler, boolean authenticated, long maxBodyBytes) {

        public Route(String method, String path, RouteHandler handler, boolean authenticated) {
            this(method, path, handler, authenticated, HttpRoute.SERVER_LIMIT);
        }
    }
}
