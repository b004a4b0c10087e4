package dev.fastmcp.auth;

import dev.fastmcp.AuthSession;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Microsoft Entra ID's on-behalf-of flow, for a tool that calls a downstream API (Microsoft Graph, or an API of your
 * own) as its caller: the caller's upstream access token (issued by Entra to this server's application, through
 * {@code AzureProvider}) is exchanged for a token with the downstream API's scopes. The upstream token never leaves
 * the server.
 *
 * <pre>{@code
 * OnBehalfOf obo = OnBehalfOf.builder(tenantId, clientId, clientSecret).build();
 * ...
 * ExchangedToken graph = obo.exchange(ctx.auth(), "https://graph.microsoft.com/Mail.Read");
 * }</pre>
 *
 * <p>The request is {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer} to
 * {@code https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token}, the caller's token as {@code assertion},
 * {@code requested_token_use=on_behalf_of} and the {@code scope}; the application's client secret in the form, as
 * Entra expects. For this to work the upstream token must be for this server's own application (its scopes
 * {@code api://<client id>/...}), and the application must be allowed the downstream scopes (admin consent). Tokens
 * obtained are reused for the same caller token and scopes until 30 seconds before they expire. Thread-safe.
 */
public final class OnBehalfOf {

    private static final String NAME = "OnBehalfOf";
    private static final String GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9.-]{1,100}");

    private final URI endpoint;
    private final Exchanges exchanges;

    private OnBehalfOf(URI endpoint, Exchanges exchanges) {
        this.endpoint = endpoint;
        this.exchanges = exchanges;
    }

    /** Starts a configuration: the tenant (its id or domain) and this server's application credentials there. */
    public static Builder builder(String tenant, String clientId, String clientSecret) {
        return new Builder(tenant, clientId, clientSecret);
    }

    /**
     * A token with {@code scopes} (such as {@code https://graph.microsoft.com/User.Read}) on behalf of
     * {@code caller}.
     *
     * @throws IllegalStateException  when the caller has no upstream token
     * @throws TokenExchangeException when Entra refuses (its error, such as {@code invalid_grant} or
     *                                {@code consent_required}) or cannot be reached
     */
    public ExchangedToken exchange(AuthSession caller, String... scopes) {
        if (scopes.length == 0) {
            throw new IllegalArgumentException(NAME + ": name the downstream scopes, such as "
                    + "https://graph.microsoft.com/User.Read");
        }
        String assertion = exchanges.subjectToken(caller);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT);
        form.put("assertion", assertion);
        form.put("requested_token_use", "on_behalf_of");
        form.put("scope", String.join(" ", scopes));
        return exchanges.exchange(assertion, form);
    }

    /** Never shows the client secret. */
    @Override
    public String toString() {
        return NAME + "[tokenEndpoint=" + endpoint + "]";
    }

    /** Configures an {@link OnBehalfOf}. */
    public static final class Builder {
        private final String tenant;
        private final String clientId;
        private final String clientSecret;
        private String authorityBaseUrl = "https://login.microsoftonline.com";
        private Duration timeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder(String tenant, String clientId, String clientSecret) {
            this.tenant = tenant;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
        }

        /**
         * The Entra authority; default {@code https://login.microsoftonline.com} (national clouds have their own, such
         * as {@code https://login.microsoftonline.us}).
         */
        public Builder authorityBaseUrl(String url) {
            this.authorityBaseUrl = url;
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
        public OnBehalfOf build() {
            if (tenant == null || !TENANT.matcher(tenant).matches() || tenant.equals("common")
                    || tenant.equals("organizations") || tenant.equals("consumers")) {
                throw new IllegalArgumentException(NAME + ": the tenant must be your directory's id or domain (the "
                        + "on-behalf-of flow needs one tenant, not common, organizations or consumers), was "
                        + (tenant == null ? "null" : "'" + tenant + "'"));
            }
            String base = authorityBaseUrl == null ? null : authorityBaseUrl.replaceAll("/+$", "");
            URI endpoint = FormPoster.endpoint(NAME, "authorityBaseUrl", base + "/" + tenant + "/oauth2/v2.0/token");
            FormPoster poster = FormPoster.forClient(NAME, endpoint, clientId, clientSecret, "post", timeout);
            return new OnBehalfOf(endpoint, new Exchanges(NAME, poster, clock));
        }
    }
}
