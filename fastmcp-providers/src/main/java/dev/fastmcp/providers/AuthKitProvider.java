package dev.fastmcp.providers;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.RemoteAuthProvider;
import dev.fastmcp.auth.jwt.JWKSVerifier;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * WorkOS AuthKit as the authorization server of this MCP server: MCP clients register (dynamic client registration
 * or client metadata documents) and sign users in at AuthKit directly, and this server only verifies AuthKit's
 * access tokens, as a {@link RemoteAuthProvider} does.
 *
 * <pre>{@code
 * FastMCP.builder("notes", "1.0.0")
 *         .auth(AuthKitProvider.builder(System.getenv("WORKOS_AUTHKIT_DOMAIN")).build())
 *         .baseUrl("https://mcp.example.com")
 *         ...
 * // in a tool:
 * AuthKitSession user = Auth.getAuthSession(ctx, AuthKitSession.class);
 * }</pre>
 *
 * <p><b>Tokens.</b> AuthKit's JWT access tokens are verified against its keys ({@code <domain>/oauth2/jwks}): the
 * issuer must be the AuthKit domain ({@code https://<subdomain>.authkit.app}), and the audience this server's
 * resource, the MCP endpoint's URL, which MCP clients ask AuthKit for with RFC 8707 {@code resource} and AuthKit
 * puts in {@code aud}. A token AuthKit issued for another application or resource is refused. The audience is taken
 * from the server at start ({@code baseUrl} plus the endpoint); {@link Builder#audience} replaces it.
 *
 * <p><b>Metadata.</b> The protected resource metadata names AuthKit as the authorization server, so clients read
 * AuthKit's own metadata ({@code <domain>/.well-known/oauth-authorization-server}) and register there. This server
 * serves no OAuth routes; {@link WorkOSProvider} is the variant where it does (the OAuth proxy in front of AuthKit).
 *
 * <p>In the WorkOS dashboard (Connect, Configuration), enable dynamic client registration or client ID metadata
 * documents, and note the AuthKit domain.
 *
 * <p><b>What it sets.</b> The JWKS verifier (issuer, audience, keys), the authorization server (the AuthKit domain),
 * and the session type {@link AuthKitSession}. The builder offers {@link Builder#scopesSupported} and
 * {@link Builder#audience}.
 */
public final class AuthKitProvider implements AuthProvider {

    private final AuthKitDomain domain;
    private final List<String> audience;
    private final RemoteAuthProvider metadata;
    private volatile TokenVerifier verifier;

    private AuthKitProvider(AuthKitDomain domain, List<String> audience, List<String> scopes) {
        this.domain = domain;
        this.audience = audience;
        this.metadata = RemoteAuthProvider.builder(this::verify)
                .authorizationServers(domain.issuer())
                .scopesSupported(scopes.toArray(String[]::new))
                .build();
    }

    /** Starts a configuration with the AuthKit domain: {@code your-app.authkit.app}, or a custom domain. */
    public static Builder builder(String authkitDomain) {
        return new Builder(authkitDomain);
    }

    /** Builds the verifier of AuthKit's tokens for this server's resource (unless an audience was configured). */
    @Override
    public void configure(ServerUrls urls) {
        List<String> expected = audience.isEmpty() ? List.of(urls.resource()) : audience;
        JWKSVerifier jwks = JWKSVerifier.builder(domain.endpoint("jwks"))
                .issuer(domain.issuer())
                .audience(expected)
                .build();
        this.verifier = token -> {
            TokenVerification v = jwks.verify(token);
            return v.isValid() ? TokenVerification.valid(new AuthKitSession(v.session())) : v;
        };
    }

    @Override
    public TokenVerifier tokenVerifier() {
        return this::verify;
    }

    private TokenVerification verify(String token) {
        TokenVerifier v = verifier;
        return v != null ? v.verify(token) : TokenVerification.invalid("AuthKitProvider is not configured yet: the "
                + "server calls configure(urls) at start, which gives the audience tokens must have");
    }

    @Override
    public List<String> authorizationServers() {
        return metadata.authorizationServers();
    }

    @Override
    public List<String> scopesSupported() {
        return metadata.scopesSupported();
    }

    @Override
    public String toString() {
        return "AuthKitProvider[" + domain.issuer() + ", audience=" + (audience.isEmpty() ? "the resource" : audience)
                + "]";
    }

    /** Configures an {@link AuthKitProvider}; {@link #build()} checks everything. */
    public static final class Builder {

        private final String authkitDomain;
        private List<String> scopes = List.of();
        private List<String> audience = List.of();

        private Builder(String authkitDomain) {
            this.authkitDomain = authkitDomain;
        }

        /**
         * The scopes clients may request, listed in the metadata and in the 401 challenge; default none. AuthKit
         * must know them; keep the list to what the server's tools check.
         */
        public Builder scopesSupported(String... scopes) {
            this.scopes = Arrays.asList(Objects.requireNonNull(scopes, "scopes == null").clone());
            return this;
        }

        /**
         * The {@code aud} values accepted instead of this server's resource URL (the default), for tokens AuthKit
         * issues under another name of this server. Replaces earlier ones.
         */
        public Builder audience(String... audience) {
            this.audience = Arrays.asList(Objects.requireNonNull(audience, "audience == null").clone());
            return this;
        }

        /** Checks the configuration (each error says what to change) and builds the auth provider. */
        public AuthKitProvider build() {
            AuthKitDomain domain = AuthKitDomain.parse("AuthKitProvider", authkitDomain);
            for (String a : audience) {
                if (a == null || a.isBlank()) {
                    throw new IllegalArgumentException("AuthKitProvider: audience contains a blank value; pass the "
                            + "aud values of this server's tokens, or leave audience unset to accept tokens issued "
                            + "for this server's resource URL");
                }
            }
            return new AuthKitProvider(domain, List.copyOf(audience), scopes);
        }
    }
}
