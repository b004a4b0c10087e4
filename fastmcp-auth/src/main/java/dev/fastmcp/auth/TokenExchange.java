package dev.fastmcp.auth;

import dev.fastmcp.AuthSession;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * OAuth 2.0 Token Exchange (RFC 8693) for a tool that calls a downstream API as its caller: the caller's upstream
 * access token (under the OAuth proxy, the identity provider's token behind the client's) is exchanged at the
 * identity provider for a token meant for that API. The upstream token never leaves the server, and the client's
 * own token, meant for this server alone, is never passed on.
 *
 * <pre>{@code
 * TokenExchange exchange = TokenExchange.builder("https://sso.example.com/oauth2/token", clientId, clientSecret)
 *         .build();
 * ...
 * .execute((args, ctx) -> {
 *     ExchangedToken calendar = exchange.exchange(ctx.auth(), "https://calendar.example.com", "calendar.read");
 *     return calendarApi.events(calendar.accessToken());
 * })
 * }</pre>
 *
 * <p>The request is {@code grant_type=urn:ietf:params:oauth:grant-type:token-exchange}, the caller's token as
 * {@code subject_token} of type {@code access_token}, an access token asked for, with the {@code audience}, the
 * {@code scope} (or the {@code resource}, {@link #exchangeForResource}); this server authenticates as its client ({@code basic} by default).
 * Tokens obtained are reused for the same caller token, audience and scopes until 30 seconds before they expire (at
 * most 1,000 kept). Thread-safe.
 *
 * @see OnBehalfOf Microsoft Entra ID's variant
 */
public final class TokenExchange {

    static final String GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
    static final String ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";
    private static final String NAME = "TokenExchange";

    private final URI endpoint;
    private final Exchanges exchanges;

    private TokenExchange(URI endpoint, Exchanges exchanges) {
        this.endpoint = endpoint;
        this.exchanges = exchanges;
    }

    /** Starts a configuration: the identity provider's token endpoint, and this server's client credentials there. */
    public static Builder builder(String tokenEndpoint, String clientId, String clientSecret) {
        return new Builder(tokenEndpoint, clientId, clientSecret);
    }

    /**
     * A token for {@code audience} (the downstream API's identifier; null to leave it to the identity provider)
     * with {@code scopes}, on behalf of {@code caller}.
     *
     * @throws IllegalStateException  when the caller has no upstream token (see {@code AuthSession.accessToken()})
     * @throws TokenExchangeException when the identity provider refuses or cannot be reached
     */
    public ExchangedToken exchange(AuthSession caller, String audience, String... scopes) {
        return exchange(caller, audience, null, scopes);
    }

    /**
     * As {@link #exchange(AuthSession, String, String...)}, naming the downstream API by its URL, an RFC 8707
     * {@code resource}, rather than by an audience.
     */
    public ExchangedToken exchangeForResource(AuthSession caller, String resource, String... scopes) {
        return exchange(caller, null, Objects.requireNonNull(resource, "resource == null"), scopes);
    }

    private ExchangedToken exchange(AuthSession caller, String audience, String resource, String[] scopes) {
        String subject = exchanges.subjectToken(caller);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT);
        form.put("subject_token", subject);
        form.put("subject_token_type", ACCESS_TOKEN);
        form.put("requested_token_type", ACCESS_TOKEN);
        if (audience != null) {
            form.put("audience", audience);
        }
        if (resource != null) {
            form.put("resource", resource);
        }
        if (scopes.length > 0) {
            form.put("scope", String.join(" ", scopes));
        }
        return exchanges.exchange(subject, form);
    }

    /** Never shows the client secret. */
    @Override
    public String toString() {
        return NAME + "[tokenEndpoint=" + endpoint + "]";
    }

    /** Configures a {@link TokenExchange}. */
    public static final class Builder {
        private final String tokenEndpoint;
        private final String clientId;
        private final String clientSecret;
        private String clientAuthMethod = "basic";
        private Duration timeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder(String tokenEndpoint, String clientId, String clientSecret) {
            this.tokenEndpoint = tokenEndpoint;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
        }

        /** How this server authenticates at the token endpoint: {@code basic} (the default) or {@code post}. */
        public Builder clientAuthMethod(String method) {
            this.clientAuthMethod = method;
            return this;
        }

        /** How long one exchange may take; default 10 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Checks the configuration and builds it.
         *
         * @throws IllegalArgumentException naming the option, the value and the fix
         */
        public TokenExchange build() {
            URI endpoint = FormPoster.endpoint(NAME, "the token endpoint", tokenEndpoint);
            FormPoster poster = FormPoster.forClient(NAME, endpoint, clientId, clientSecret, clientAuthMethod, timeout);
            return new TokenExchange(endpoint, new Exchanges(NAME, poster, clock));
        }
    }
}
