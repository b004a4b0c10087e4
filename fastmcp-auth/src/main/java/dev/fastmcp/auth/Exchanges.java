package dev.fastmcp.auth;

import dev.fastmcp.AuthSession;
import dev.fastmcp.auth.internal.VerifierClaims;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the two exchanges share: the caller's upstream token, the POST and the reading of its answer, and a bounded
 * cache of the tokens obtained, each reused until shortly before it expires.
 */
final class Exchanges {

    private static final long EXPIRY_MARGIN_SECONDS = 30;
    private static final int MAX_CACHED = 1_000;

    private final String owner;
    private final FormPoster poster;
    private final Clock clock;
    private final Map<String, ExchangedToken> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ExchangedToken> eldest) {
            return size() > MAX_CACHED;
        }
    };

    Exchanges(String owner, FormPoster poster, Clock clock) {
        this.owner = owner;
        this.poster = poster;
        this.clock = clock;
    }

    /** The caller's upstream access token, the subject of the exchange. */
    String subjectToken(AuthSession caller) {
        if (caller == null) {
            throw new IllegalStateException(owner + ": the call has no caller; exchange tokens in tools that "
                    + "require authentication (canAccess(requireAuth()))");
        }
        String token = caller.accessToken();
        if (token == null) {
            throw new IllegalStateException(owner + ": the caller '" + caller.subject() + "' has no upstream access "
                    + "token to exchange: under the OAuth proxy it is the identity provider's token of a signed-in "
                    + "user (a machine client has none); other auth providers give none");
        }
        return token;
    }

    /** The token for {@code form} (keyed with the subject token), from the cache or from the server. */
    ExchangedToken exchange(String subjectToken, Map<String, String> form) {
        String key = digest(subjectToken + "\n" + form);
        Instant now = clock.instant();
        synchronized (cache) {
            ExchangedToken hit = cache.get(key);
            if (hit != null && (hit.expiresAt() == null
                    || now.plusSeconds(EXPIRY_MARGIN_SECONDS).isBefore(hit.expiresAt()))) {
                return hit;
            }
        }
        FormPoster.Answer answer;
        try {
            answer = poster.post(form);
        } catch (FormPoster.Unreachable e) {
            throw new TokenExchangeException(owner + ": the token endpoint could not be reached (" + e.getMessage()
                    + ")", null);
        }
        Map<String, Object> json = answer.json();
        if (answer.status() != 200 || json == null || !(json.get("access_token") instanceof String token)) {
            String error = json != null && json.get("error") instanceof String e ? e : null;
            String description = json != null && json.get("error_description") instanceof String d
                    ? " (" + VerifierClaims.quote(d) + ")" : "";
            throw new TokenExchangeException(owner + ": the token endpoint refused the exchange with HTTP "
                    + answer.status() + (error == null ? " and no OAuth error" : ", " + error) + description, error);
        }
        Instant expiresAt = json.get("expires_in") instanceof Number n ? now.plusSeconds(n.longValue()) : null;
        Set<String> scopes = VerifierClaims.parseScope(json.get("scope"));
        ExchangedToken exchanged = new ExchangedToken(token,
                json.get("token_type") instanceof String t ? t : "Bearer",
                json.get("issued_token_type") instanceof String i ? i : null, expiresAt, scopes);
        synchronized (cache) {
            cache.put(key, exchanged);
        }
        return exchanged;
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
