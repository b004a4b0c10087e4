package dev.fastmcp.auth;

import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.internal.VerifierClaims;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies opaque access tokens by asking the authorization server that issued them (OAuth 2.0 Token
 * Introspection, RFC 7662): for identity providers whose access tokens are not JWTs, or to learn at once of a revoked
 * token.
 *
 * <pre>{@code
 * TokenVerifier verifier = IntrospectionTokenVerifier
 *         .builder("https://auth.example.com/oauth2/introspect", "mcp-server", System.getenv("INTROSPECTION_SECRET"))
 *         .audience("https://mcp.example.com/mcp")
 *         .build();
 * FastMCP.builder("notes", "1.0.0")
 *         .auth(RemoteAuthProvider.builder(verifier).authorizationServers("https://auth.example.com").build())
 * }</pre>
 *
 * <p>Each token is POSTed to the introspection endpoint as this server, an OAuth client there ({@code basic}
 * client authentication by default, {@code post} on request). A token is accepted when the answer says
 * {@code active: true}, its {@code exp} has not passed, its {@code nbf} has (within 30 seconds of clock skew) and, with {@link Builder#audience}, its
 * {@code aud} names this server (set it: without it, a token issued for another API of the same authorization server
 * is accepted here too). The session's subject is {@code sub} (else {@code username}, else {@code client_id}), its
 * scopes {@code scope}, its claims the whole answer.
 *
 * <p>Answers are cached for {@link Builder#cacheTtl} (default 60 seconds), never past the token's {@code exp}, keyed
 * by the token's SHA-256 digest, at most {@link Builder#maxCachedTokens} of them: a revoked token may be accepted for
 * up to that long. Refusals are not cached. When the introspection endpoint cannot be reached, times out or does
 * not answer JSON, the token is refused (a 401 whose description says the token could not be checked); the first
 * such failure is logged as a warning, and the next success as the end of the outage.
 */
public final class IntrospectionTokenVerifier implements TokenVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(IntrospectionTokenVerifier.class);
    private static final String NAME = "IntrospectionTokenVerifier";
    /** How far the authorization server's clock may run ahead of ours for a token just issued. */
    private static final Duration NBF_LEEWAY = Duration.ofSeconds(30);

    private record Cached(AuthSession session, Instant until) {
    }

    private final URI endpoint;
    private final FormPoster poster;
    private final String audience;
    private final Duration cacheTtl;
    private final int maxCached;
    private final Clock clock;
    private final Map<String, Cached> cache;
    private final AtomicBoolean down = new AtomicBoolean();

    private IntrospectionTokenVerifier(Builder b, URI endpoint, FormPoster poster) {
        this.endpoint = endpoint;
        this.poster = poster;
        this.audience = b.audience;
        this.cacheTtl = b.cacheTtl;
        this.maxCached = b.maxCached;
        this.clock = b.clock;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > maxCached;
            }
        };
    }

    /** Starts a configuration: the introspection endpoint, and this server's client credentials there. */
    public static Builder builder(String introspectionEndpoint, String clientId, String clientSecret) {
        return new Builder(introspectionEndpoint, clientId, clientSecret);
    }

    @Override
    public TokenVerification verify(String token) {
        Instant now = clock.instant();
        String key = digest(token);
        Cached hit = cached(key, now);
        if (hit != null) {
            return TokenVerification.valid(hit.session());
        }
        FormPoster.Answer answer;
        try {
            answer = poster.post(Map.of("token", token, "token_type_hint", "access_token"));
        } catch (FormPoster.Unreachable e) {
            return outage("the introspection endpoint could not be reached (" + e.getMessage() + ")");
        }
        if (answer.status() != 200 || answer.json() == null) {
            return outage("the introspection endpoint answered HTTP " + answer.status()
                    + (answer.json() == null ? " without JSON" : ""));
        }
        if (down.compareAndSet(true, false)) {
            LOG.info("{}: the introspection endpoint {} answers again", NAME, endpoint);
        }
        Map<String, Object> claims = answer.json();
        if (!Boolean.TRUE.equals(claims.get("active"))) {
            return TokenVerification.invalid("the token is not active");
        }
        Instant exp = instant(claims.get("exp"));
        if (exp != null && !exp.isAfter(now)) {
            return TokenVerification.invalid("the token has expired");
        }
        Instant nbf = instant(claims.get("nbf"));
        if (nbf != null && nbf.isAfter(now.plus(NBF_LEEWAY))) {
            return TokenVerification.invalid("the token is not valid yet");
        }
        if (audience != null && !names(claims.get("aud"), audience)) {
            return TokenVerification.invalid("the token was issued for another audience, not " + audience);
        }
        String subject = firstString(claims, "sub", "username", "client_id");
        if (subject == null) {
            return TokenVerification.invalid("the introspection answer names no subject");
        }
        AuthSession session = AuthSession.of(subject, VerifierClaims.clientId(claims),
                VerifierClaims.scopes(claims, "scope", "scp"), VerifierClaims.freeze(claims), exp);
        remember(key, session, now, exp);
        return TokenVerification.valid(session);
    }

    private TokenVerification outage(String what) {
        if (down.compareAndSet(false, true)) {
            LOG.warn("{}: {}; tokens are refused until it answers", NAME, what);
        } else {
            LOG.debug("{}: {}", NAME, what);
        }
        return TokenVerification.invalid("the token could not be checked: " + what);
    }

    private Cached cached(String key, Instant now) {
        if (cacheTtl.isZero()) {
            return null;
        }
        synchronized (cache) {
            Cached c = cache.get(key);
            if (c != null && !now.isBefore(c.until())) {
                cache.remove(key);
                return null;
            }
            return c;
        }
    }

    private void remember(String key, AuthSession session, Instant now, Instant exp) {
        if (cacheTtl.isZero()) {
            return;
        }
        Instant until = now.plus(cacheTtl);
        if (exp != null && exp.isBefore(until)) {
            until = exp;
        }
        synchronized (cache) {
            cache.put(key, new Cached(session, until));
        }
    }

    private static boolean names(Object aud, String audience) {
        if (aud instanceof String s) {
            return s.equals(audience);
        }
        return aud instanceof Collection<?> c && c.contains(audience);
    }

    private static String firstString(Map<String, Object> claims, String... names) {
        for (String name : names) {
            if (claims.get(name) instanceof String s && !s.isBlank()) {
                return s;
            }
        }
        return null;
    }

    private static Instant instant(Object value) {
        return value instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
    }

    private static String digest(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Never shows the client secret. */
    @Override
    public String toString() {
        return NAME + "[endpoint=" + endpoint + ", audience=" + audience + ", cacheTtl=" + cacheTtl + "]";
    }

    /** Configures an {@link IntrospectionTokenVerifier}; {@link #build()} checks every value. */
    public static final class Builder {
        private final String introspectionEndpoint;
        private final String clientId;
        private final String clientSecret;
        private String clientAuthMethod = "basic";
        private String audience;
        private Duration cacheTtl = Duration.ofSeconds(60);
        private int maxCached = 10_000;
        private Duration timeout = Duration.ofSeconds(5);
        private Clock clock = Clock.systemUTC();

        private Builder(String introspectionEndpoint, String clientId, String clientSecret) {
            this.introspectionEndpoint = introspectionEndpoint;
            this.clientId = clientId;
            this.clientSecret = clientSecret;
        }

        /** How this server authenticates at the endpoint: {@code basic} (the default) or {@code post}. */
        public Builder clientAuthMethod(String method) {
            this.clientAuthMethod = method;
            return this;
        }

        /**
         * The audience the token must name in its {@code aud} (this server's resource URL, or the API identifier
         * the authorization server gives it). Unset, any audience is accepted.
         */
        public Builder audience(String audience) {
            this.audience = audience;
            return this;
        }

        /** How long an answer is reused (never past the token's {@code exp}); default 60 s, zero to ask every time. */
        public Builder cacheTtl(Duration ttl) {
            this.cacheTtl = ttl;
            return this;
        }

        /** The most tokens whose answers are cached, the least recently used dropped first; default 10,000. */
        public Builder maxCachedTokens(int max) {
            this.maxCached = max;
            return this;
        }

        /** How long one introspection may take, connecting included; default 5 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** The clock (tests). */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Checks the configuration and builds the verifier.
         *
         * @throws IllegalArgumentException naming the option, the value and the fix
         */
        public IntrospectionTokenVerifier build() {
            URI endpoint = FormPoster.endpoint(NAME, "the introspection endpoint", introspectionEndpoint);
            if (audience != null && audience.isBlank()) {
                throw new IllegalArgumentException(NAME + ": audience must not be blank; leave it unset to accept "
                        + "any audience");
            }
            if (cacheTtl == null || cacheTtl.isNegative()) {
                throw new IllegalArgumentException(NAME + ": cacheTtl must be zero or positive, was " + cacheTtl);
            }
            if (maxCached < 1) {
                throw new IllegalArgumentException(NAME + ": maxCachedTokens must be at least 1, was " + maxCached
                        + " (use cacheTtl(Duration.ZERO) to cache nothing)");
            }
            FormPoster poster = FormPoster.forClient(NAME, endpoint, clientId, clientSecret, clientAuthMethod, timeout);
            return new IntrospectionTokenVerifier(this, endpoint, poster);
        }
    }
}
