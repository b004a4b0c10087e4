package dev.fastmcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several ways in on one endpoint: people sign in through one auth provider (the OAuth proxy, a preset, a
 * {@code RemoteAuthProvider}), while machines present other bearer tokens (API keys, tokens of another authorization
 * server, an introspected opaque token) that further {@link TokenVerifier}s accept.
 *
 * <pre>{@code
 * AuthProvider auth = MultiAuth.builder(GoogleProvider.builder(clientId, clientSecret).secret(secret).build())
 *         .verifier(machineTokens)   // a JWKSVerifier of the machines' authorization server, say
 *         .verifier(apiKeys)         // an IntrospectionTokenVerifier, or your own lambda
 *         .build();
 * }</pre>
 *
 * <p>A token goes to the primary auth provider's verifier first, then to each verifier in the order added; the first
 * that accepts it decides the caller, with its session. Clients learn of one way only: the 401 challenge, the
 * protected resource metadata and the routes are the primary's, so an OAuth client signs in there, and machines are
 * given their credentials out of band. A token no verifier accepts is refused with the primary's reason. When a
 * verifier cannot check tokens at the moment ({@link ServiceUnavailableException}, its storage down) and no other
 * accepts the token, the request is answered 503, as the primary alone would.
 */
public final class MultiAuth implements AuthProvider {

    private static final Logger LOG = LoggerFactory.getLogger(MultiAuth.class);

    private final AuthProvider primary;
    private final List<TokenVerifier> verifiers;
    private final TokenVerifier verifier = this::verify;

    private MultiAuth(AuthProvider primary, List<TokenVerifier> verifiers) {
        this.primary = primary;
        this.verifiers = verifiers;
    }

    /** Starts with the auth provider people sign in through, whose challenge and metadata clients see. */
    public static Builder builder(AuthProvider primary) {
        return new Builder(Objects.requireNonNull(primary, "primary == null"));
    }

    private TokenVerification verify(String token) {
        TokenVerification refused = null;
        ServiceUnavailableException unavailable = null;
        for (int i = 0; i <= verifiers.size(); i++) {
            TokenVerifier v = i == 0 ? primary.tokenVerifier() : verifiers.get(i - 1);
            TokenVerification result;
            try {
                result = v.verify(token);
            } catch (ServiceUnavailableException e) {
                unavailable = unavailable == null ? e : unavailable;
                continue;
            } catch (RuntimeException e) {
                LOG.warn("MultiAuth: verifier {} failed unexpectedly ({}); trying the others", i, e.getClass().getName());
                continue;
            }
            if (result != null && result.isValid()) {
                return result;
            }
            if (refused == null && result != null) {
                refused = result;
            }
        }
        if (unavailable != null) {
            throw unavailable;
        }
        return refused != null ? refused : TokenVerification.invalid("the token could not be verified");
    }

    @Override
    public void configure(ServerUrls urls) {
        primary.configure(urls);
    }

    @Override
    public TokenVerifier tokenVerifier() {
        return verifier;
    }

    @Override
    public List<String> authorizationServers() {
        return primary.authorizationServers();
    }

    @Override
    public List<String> scopesSupported() {
        return primary.scopesSupported();
    }

    @Override
    public Map<String, Object> authorizationServerMetadata() {
        return primary.authorizationServerMetadata();
    }

    @Override
    public Map<String, Object> extensions() {
        return primary.extensions();
    }

    @Override
    public boolean sharedAcrossInstances() {
        return primary.sharedAcrossInstances();
    }

    @Override
    public List<HttpRoute> routes() {
        return primary.routes();
    }

    /** The primary auth provider, whose routes and metadata this one serves. */
    public AuthProvider primary() {
        return primary;
    }

    @Override
    public String toString() {
        return "MultiAuth[primary=" + primary + ", verifiers=" + verifiers.size() + "]";
    }

    /** Configures a {@link MultiAuth}. */
    public static final class Builder {
        private final AuthProvider primary;
        private final List<TokenVerifier> verifiers = new ArrayList<>();

        private Builder(AuthProvider primary) {
            this.primary = primary;
        }

        /** One more verifier, tried after the primary's and those added before. */
        public Builder verifier(TokenVerifier verifier) {
            verifiers.add(Objects.requireNonNull(verifier, "verifier == null"));
            return this;
        }

        /**
         * Builds it.
         *
         * @throws IllegalArgumentException without any verifier besides the primary's (then use the primary alone)
         */
        public MultiAuth build() {
            if (verifiers.isEmpty()) {
                throw new IllegalArgumentException("MultiAuth has no verifier besides its primary auth provider: add "
                        + "one with verifier(...), or give the primary to FastMCP.Builder.auth(...) alone");
            }
            return new MultiAuth(primary, List.copyOf(verifiers));
        }
    }
}
