package dev.fastmcp.auth;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import dev.fastmcp.internal.Loopback;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Protects a server with tokens from an external authorization server that already handles client registration
 * (dynamic client registration or client ID metadata documents) and sign-in, such as Keycloak, Auth0, Okta or
 * WorkOS AuthKit. The server stays a pure resource server: it verifies each request's bearer token and serves
 * the RFC 9728 protected resource metadata that tells MCP clients which authorization server to use. It serves
 * no OAuth routes and no authorization server metadata of its own.
 *
 * <pre>{@code
 * TokenVerifier verifier = JWKSVerifier.builder("https://auth.example.com/oauth2/jwks")
 *         .issuer("https://auth.example.com")
 *         .audience("https://mcp.example.com/mcp")     // the resource: baseUrl + endpoint
 *         .build();
 *
 * FastMCP.builder("notes", "1.0.0")
 *         .auth(RemoteAuthProvider.builder(verifier)
 *                 .authorizationServers("https://auth.example.com")
 *                 .scopesSupported("notes:read", "notes:write")
 *                 .build())
 *         .baseUrl("https://mcp.example.com")
 *         .addTool(Tool.builder("add_note")
 *                 .canAccess(Auth.requireScopes("notes:write"))
 *                 .execute((args, ctx) -> "saved")
 *                 .build())
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>A client without a token gets 401 with this challenge, reads the metadata it points to, signs the user in at
 * {@code https://auth.example.com} and comes back with a token:
 *
 * <pre>{@code
 * WWW-Authenticate: Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
 *                   scope="notes:read notes:write"
 * }</pre>
 *
 * A token lacking a tool's scopes gets 403 {@code insufficient_scope} when calling it, naming the scopes to ask
 * for, so the client can have the user grant more (see {@code Tool.Builder.hideWhenScopesMissing}).
 *
 * <p><b>Audience.</b> Configure the verifier to accept only tokens issued for this server: its audience should
 * be the resource identifier (the base URL plus the MCP endpoint, as listed in the metadata) or the API
 * identifier your authorization server puts in {@code aud}. A verifier that skips the audience check accepts
 * tokens the authorization server issued for any other application.
 *
 * <p><b>Authorization server URLs.</b> Each is an issuer identifier, listed verbatim in the metadata: clients
 * derive the authorization server's metadata URL from it and compare it with the {@code issuer} found there, so
 * give it exactly as your authorization server spells its issuer (Auth0's ends with a slash, for instance).
 * They must be absolute {@code https} URLs without query or fragment; plain {@code http} is accepted only for
 * loopback hosts, for local testing.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class RemoteAuthProvider implements AuthProvider {

    private final TokenVerifier verifier;
    private final List<String> authorizationServers;
    private final List<String> scopesSupported;

    private RemoteAuthProvider(TokenVerifier verifier, List<String> authorizationServers,
            List<String> scopesSupported) {
        this.verifier = verifier;
        this.authorizationServers = authorizationServers;
        this.scopesSupported = scopesSupported;
    }

    /**
     * Starts an auth provider around {@code verifier}, which checks every request's bearer token (usually a
     * {@link JWKSVerifier} for the authorization server's signing keys).
     *
     * @throws NullPointerException when {@code verifier} is null
     */
    public static Builder builder(TokenVerifier verifier) {
        return new Builder(Objects.requireNonNull(verifier,
                "verifier == null; pass the TokenVerifier for your authorization server's tokens, "
                        + "such as a JWKSVerifier"));
    }

    @Override
    public TokenVerifier tokenVerifier() {
        return verifier;
    }

    @Override
    public List<String> authorizationServers() {
        return authorizationServers;
    }

    @Override
    public List<String> scopesSupported() {
        return scopesSupported;
    }

    @Override
    public String toString() {
        return "RemoteAuthProvider[authorizationServers=" + authorizationServers + ", verifier=" + verifier + "]";
    }

    /** Configures a {@link RemoteAuthProvider}; {@link #build()} validates everything. */
    public static final class Builder {

        private final TokenVerifier verifier;
        private List<String> authorizationServers = List.of();
        private List<String> scopes = List.of();

        private Builder(TokenVerifier verifier) {
            this.verifier = verifier;
        }

        /**
         * The issuer URLs of the authorization servers clients should sign in with (at least one); replaces
         * earlier ones. Listed in the metadata in this order.
         */
        public Builder authorizationServers(String... issuers) {
            this.authorizationServers = Arrays.asList(Objects.requireNonNull(issuers, "issuers == null").clone());
            return this;
        }

        /**
         * The scopes clients may request, listed in the metadata ({@code scopes_supported}) and in the 401
         * challenge ({@code scope}) unless the server sets {@code requiredScopes}; replaces earlier ones. Keep it
         * to what the server's tools need. Neither names {@code offline_access}: clients ask the authorization
         * server for it themselves.
         */
        public Builder scopesSupported(String... scopes) {
            this.scopes = Arrays.asList(Objects.requireNonNull(scopes, "scopes == null").clone());
            return this;
        }

        /**
         * Validates and builds the auth provider.
         *
         * @throws IllegalArgumentException when no authorization server is given, when one is not an absolute
         *                                  https URL (http only on loopback) or has a query or fragment, or when
         *                                  a scope is blank or has characters scopes cannot have (RFC 6749
         *                                  §3.3: no spaces, quotes or backslashes)
         */
        public RemoteAuthProvider build() {
            if (authorizationServers.isEmpty()) {
                throw new IllegalArgumentException("no authorization server; call authorizationServers(...) with "
                        + "the issuer URL of the server that signs your tokens, e.g. https://auth.example.com");
            }
            Set<String> servers = new LinkedHashSet<>();
            for (String issuer : authorizationServers) {
                servers.add(issuer(issuer));
            }
            Set<String> supported = new LinkedHashSet<>();
            for (String scope : scopes) {
                supported.add(scope(scope));
            }
            return new RemoteAuthProvider(verifier, List.copyOf(servers), List.copyOf(supported));
        }

        private static String issuer(String value) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("authorizationServers contains a blank or null URL; pass "
                        + "issuer URLs such as https://auth.example.com");
            }
            URI uri;
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("authorization server '" + value + "' is not a valid URL: "
                        + e.getReason());
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                throw new IllegalArgumentException("authorization server '" + value + "' must be an absolute "
                        + "https URL (the issuer), such as https://auth.example.com");
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException("authorization server '" + value + "' must not have user "
                        + "info, a query or a fragment: an issuer URL is an origin with an optional path");
            }
            if (scheme.equals("http") && !Loopback.isLoopbackHost(uri.getHost())) {
                throw new IllegalArgumentException("authorization server '" + value + "' uses plain http: "
                        + "clients would send credentials and codes unencrypted. Use https (plain http is "
                        + "accepted only for localhost and 127.0.0.1, for tests)");
            }
            return value;
        }

        private static String scope(String value) {
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("scopesSupported contains a blank or null scope");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < 0x21 || c > 0x7e || c == '"' || c == '\\') {
                    throw new IllegalArgumentException("scope '" + value + "' is invalid: scopes are printable "
                            + "ASCII without spaces, quotes or backslashes (RFC 6749 section 3.3)");
                }
            }
            return value;
        }
    }
}
