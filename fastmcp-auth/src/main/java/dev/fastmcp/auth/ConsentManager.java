package dev.fastmcp.auth;

import dev.fastmcp.internal.Hmac;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The user-consent step of the OAuth proxy: the consent page, its CSRF tokens, and a signed cookie that
 * remembers an approval.
 *
 * <pre>{@code
 * ConsentManager consent = new ConsentManager(signingKey);              // >= 32 random bytes
 * String csrf = consent.createCsrfToken(transactionId);
 * ConsentManager.HtmlResponse page = consent.createConsentResponse(new ConsentManager.ConsentRequest(
 *         transactionId, clientId, clientName, redirectUri, scopes, basePath + "/oauth/consent", csrf), "Google");
 * // on POST: consent.validateCsrfToken(form.get(FIELD_TRANSACTION_ID), form.get(FIELD_CSRF_TOKEN))
 * }</pre>
 *
 * <p>Two independent keys are derived from the signing key (HMAC-SHA256 of a fixed label), one for CSRF tokens
 * and one for cookies, so a value minted for one purpose never verifies as the other. Instances are immutable
 * and thread-safe.
 */
public final class ConsentManager {

    /** Form field carrying the transaction id. */
    public static final String FIELD_TRANSACTION_ID = "transaction_id";
    /** Form field carrying the CSRF token. */
    public static final String FIELD_CSRF_TOKEN = "csrf_token";
    /** Form field carrying the user's decision, {@value #ACTION_APPROVE} or {@value #ACTION_DENY}. */
    public static final String FIELD_ACTION = "action";
    /** The {@value #FIELD_ACTION} value of the Approve button. */
    public static final String ACTION_APPROVE = "approve";
    /** The {@value #FIELD_ACTION} value of the Deny button. */
    public static final String ACTION_DENY = "deny";
    /** The shortest signing key accepted, in bytes (256 bits, the HMAC-SHA256 block strength). */
    public static final int MIN_KEY_BYTES = 32;

    /**
     * How long a remembered approval lasts by default: one hour. Long enough that a client re-running the flow
     * right after setup or a reconnect does not prompt again; short enough that a silently reused approval (the
     * risk that makes "remember consent" dangerous, see FastMCP's GHSA-6x8h-498w-gv8c) cannot be ridden for
     * days. A new client, redirect URI or scope always prompts again.
     */
    public static final Duration DEFAULT_COOKIE_MAX_AGE = Duration.ofHours(1);
    /** How long a CSRF token, i.e. a rendered consent page, stays usable by default: 15 minutes. */
    public static final Duration DEFAULT_CSRF_TOKEN_TTL = Duration.ofMinutes(15);

    /** Browsers cap cookie lifetimes at 400 days (RFC 6265bis), so a longer max age would be a lie. */
    private static final Duration MAX_COOKIE_MAX_AGE = Duration.ofDays(400);
    /** Tolerated clock difference between replicas for "issued in the future". */
    private static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /** Browsers keep about 4 KB per cookie; anything longer is not ours and is refused before any work. */
    private static final int MAX_COOKIE_CHARS = 4096;
    private static final int NONCE_BYTES = 16;
    private static final int MAC_BYTES = 32;
    private static final int CSRF_BYTES = NONCE_BYTES + Long.BYTES + MAC_BYTES;
    private static final int CSRF_CHARS = (CSRF_BYTES * 4 + 2) / 3;
    private static final int MAC_CHARS = (MAC_BYTES * 4 + 2) / 3;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    private final byte[] csrfKey;
    private final byte[] cookieKey;
    private final Duration cookieMaxAge;
    private final Duration csrfTokenTtl;
    private final Clock clock;

    /**
     * A manager with the default lifetimes and the system clock.
     *
     * @param signingKey at least {@value #MIN_KEY_BYTES} secret bytes, the same on every replica
     * @throws IllegalArgumentException if the key is shorter
     */
    public ConsentManager(byte[] signingKey) {
        this(builder(signingKey));
    }

    private ConsentManager(Builder builder) {
        this.csrfKey = Hmac.sha256(builder.signingKey).doFinal("fastmcp consent csrf v1".getBytes(StandardCharsets.US_ASCII));
        this.cookieKey = Hmac.sha256(builder.signingKey).doFinal("fastmcp consent cookie v1".getBytes(StandardCharsets.US_ASCII));
        this.cookieMaxAge = builder.cookieMaxAge;
        this.csrfTokenTtl = builder.csrfTokenTtl;
        this.clock = builder.clock;
    }

    /**
     * A builder for non-default lifetimes or a test clock.
     *
     * @param signingKey at least {@value #MIN_KEY_BYTES} secret bytes (copied)
     * @throws IllegalArgumentException if the key is shorter
     */
    public static Builder builder(byte[] signingKey) {
        return new Builder(signingKey);
    }

    /** The max age of consent cookies, checked by {@link #validateConsentCookie} and sent by {@link #setCookieHeader}. */
    public Duration cookieMaxAge() {
        return cookieMaxAge;
    }

    /**
     * What the consent page shows and posts back.
     *
     * @param transactionId the pending authorization, posted back in {@value #FIELD_TRANSACTION_ID}
     * @param clientId      the requesting client; when it is an https URL (a client metadata document), its host is
     *                      shown prominently as the application's domain, above its self-chosen name
     * @param clientName    its registered name, or null (the client id is shown instead)
     * @param redirectUri   where the client receives the code; its host is shown prominently
     * @param scopes        the requested scopes, shown in order
     * @param formAction    the URL the form posts to, relative or absolute (include the server's base path)
     * @param csrfToken     from {@link #createCsrfToken(String)} for this transaction
     */
    public record ConsentRequest(String transactionId, String clientId, String clientName, String redirectUri,
                                 List<String> scopes, String formAction, String csrfToken) {

        /** Checks every field; only {@code clientName} may be null. */
        public ConsentRequest {
            requireText(transactionId, "transactionId");
            requireText(clientId, "clientId");
            requireText(redirectUri, "redirectUri");
            requireText(csrfToken, "csrfToken");
            ConsentPage.requireFormAction(formAction);
            Objects.requireNonNull(scopes, "scopes == null; pass an empty list when none were requested");
            requireNoNull(scopes);
            scopes = List.copyOf(scopes);
        }

        /** The name shown to the user: the client name, or the client id when there is none. */
        public String displayName() {
            return clientName == null || clientName.isBlank() ? clientId : clientName;
        }
    }

    /**
     * A remembered approval: this browser approved this client, redirect URI and scopes at {@code issuedAt}.
     *
     * @param clientId    the approved client
     * @param redirectUri the redirect URI approved with it, or null to not bind one
     * @param scopes      the approved scopes (copied, sorted)
     * @param subject     the user, when known at consent time, or null
     * @param issuedAt    when the user approved; kept to the second, as in the cookie
     */
    public record ConsentData(String clientId, String redirectUri, Set<String> scopes, String subject,
                              Instant issuedAt) {

        /** Checks the fields and normalizes {@code scopes} and {@code issuedAt}. */
        public ConsentData {
            requireText(clientId, "clientId");
            Objects.requireNonNull(scopes, "scopes == null; pass an empty set when none were approved");
            Objects.requireNonNull(issuedAt, "issuedAt == null");
            requireNoNull(scopes);
            scopes = Collections.unmodifiableSet(new TreeSet<>(scopes));
            issuedAt = issuedAt.truncatedTo(ChronoUnit.SECONDS);
        }

        /**
         * Whether this approval covers a new request: same client, same redirect URI (exact string; ignored if
         * this approval binds none), and every requested scope already approved.
         */
        public boolean covers(String clientId, String redirectUri, Collection<String> requestedScopes) {
            return this.clientId.equals(clientId)
                    && (this.redirectUri == null || this.redirectUri.equals(redirectUri))
                    && requestedScopes.stream().allMatch(s -> s != null && scopes.contains(s));
        }
    }

    /**
     * An HTTP response to send as is.
     *
     * @param status  the HTTP status
     * @param headers the headers, in a stable order (copied, unmodifiable)
     * @param body    the HTML body
     */
    public record HtmlResponse(int status, Map<String, String> headers, String body) {

        /** Copies the headers. */
        public HtmlResponse {
            if (status < 100 || status > 599) {
                throw new IllegalArgumentException("status must be an HTTP status (100-599), was " + status);
            }
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
            Objects.requireNonNull(body, "body == null");
        }

        /** The body as UTF-8 bytes, matching the {@code Content-Type} charset. */
        public byte[] bodyBytes() {
            return body.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Renders the consent page: status 200, a self-contained HTML page (no script, no external resource) with
     * the client, the redirect URI's host, the requested scopes and Approve/Deny buttons posting
     * {@value #FIELD_TRANSACTION_ID}, {@value #FIELD_CSRF_TOKEN} and {@value #FIELD_ACTION} to
     * {@code request.formAction()}. Every value is HTML-escaped. Headers forbid framing, caching, sniffing and
     * referrers; the CSP allows only the page's own stylesheet and deliberately has no {@code form-action}, which
     * would block the redirect chain ending at custom schemes such as {@code claude://}.
     *
     * @param upstreamName the identity provider's name shown on the page (e.g. "Google"), or null
     */
    public HtmlResponse createConsentResponse(ConsentRequest request, String upstreamName) {
        Objects.requireNonNull(request, "request == null");
        return new HtmlResponse(200, ConsentPage.headers(), ConsentPage.render(request, upstreamName));
    }

    /**
     * Mints a CSRF token bound to one transaction: a random nonce, the issue time and an HMAC-SHA256 over both
     * and the transaction id, base64url-encoded. Each call gives a different token (so concurrent renders of the
     * same page never invalidate each other) and needs no server-side state. It expires after the CSRF TTL.
     */
    public String createCsrfToken(String transactionId) {
        requireText(transactionId, "transactionId");
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        long issued = clock.instant().getEpochSecond();
        byte[] mac = csrfMac(nonce, issued, transactionId);
        return B64.encodeToString(ByteBuffer.allocate(CSRF_BYTES).put(nonce).putLong(issued).put(mac).array());
    }

    /**
     * Whether {@code token} was minted by {@link #createCsrfToken} for this transaction (with this key) and has
     * not expired. The MAC is compared in constant time; never throws.
     */
    public boolean validateCsrfToken(String transactionId, String token) {
        if (transactionId == null || transactionId.isBlank() || token == null || token.length() != CSRF_CHARS
                || !isBase64Url(token)) {
            return false;
        }
        ByteBuffer raw = ByteBuffer.wrap(B64_DECODE.decode(token));
        byte[] nonce = new byte[NONCE_BYTES];
        raw.get(nonce);
        long issued = raw.getLong();
        byte[] mac = new byte[MAC_BYTES];
        raw.get(mac);
        if (!MessageDigest.isEqual(mac, csrfMac(nonce, issued, transactionId))) {
            return false;
        }
        return isFresh(issued, csrfTokenTtl);
    }

    /**
     * Signs an approval into a cookie value: {@code base64url(json) + "." + base64url(HMAC-SHA256(cookieKey,
     * base64url(json)))}. The value uses only cookie-safe characters.
     */
    public String signConsentCookie(ConsentData data) {
        Objects.requireNonNull(data, "data == null");
        String payload = B64.encodeToString(ConsentCookies.toJson(data));
        byte[] mac = Hmac.sha256(cookieKey).doFinal(payload.getBytes(StandardCharsets.US_ASCII));
        return payload + "." + B64.encodeToString(mac);
    }

    /**
     * Reads back an approval signed by {@link #signConsentCookie}, or returns null if the value is malformed,
     * tampered with, signed with another key, issued in the future, or older than {@link #cookieMaxAge()}. The
     * signature is checked (in constant time) before the payload is parsed. Never throws.
     */
    public ConsentData validateConsentCookie(String cookie) {
        try {
            if (cookie == null || cookie.length() > MAX_COOKIE_CHARS) {
                return null;
            }
            int dot = cookie.indexOf('.');
            if (dot <= 0 || cookie.length() - dot - 1 != MAC_CHARS) {
                return null;
            }
            String payload = cookie.substring(0, dot);
            String signature = cookie.substring(dot + 1);
            if (!isBase64Url(payload) || !isBase64Url(signature)) {
                return null;
            }
            byte[] expected = Hmac.sha256(cookieKey).doFinal(payload.getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(expected, B64_DECODE.decode(signature))) {
                return null;
            }
            ConsentData data = ConsentCookies.fromJson(B64_DECODE.decode(payload));
            return data != null && isFresh(data.issuedAt().getEpochSecond(), cookieMaxAge) ? data : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * The {@code Set-Cookie} value for a consent cookie:
     * {@code name=value; Path=path; Max-Age=<cookieMaxAge>; HttpOnly; Secure; SameSite=Lax}.
     *
     * @param path   the server's base path, starting with '/'
     * @param secure false only for a plain-http localhost development server; a {@code __Host-} name requires
     *               true and path "/"
     * @throws IllegalArgumentException if the name, value or path is not valid in a cookie
     */
    public String setCookieHeader(String name, String value, String path, boolean secure) {
        return ConsentCookies.setCookie(name, value, path, cookieMaxAge, secure);
    }

    /** The {@code Set-Cookie} value that deletes the cookie (empty value, {@code Max-Age=0}). */
    public String clearCookieHeader(String name, String path, boolean secure) {
        return ConsentCookies.setCookie(name, "", path, Duration.ZERO, secure);
    }

    private boolean isFresh(long issuedEpochSecond, Duration ttl) {
        long now = clock.instant().getEpochSecond();
        return issuedEpochSecond <= now + CLOCK_SKEW.getSeconds() && now < issuedEpochSecond + ttl.getSeconds();
    }

    private byte[] csrfMac(byte[] nonce, long issued, String transactionId) {
        byte[] id = transactionId.getBytes(StandardCharsets.UTF_8);
        return Hmac.sha256(csrfKey).doFinal(ByteBuffer.allocate(NONCE_BYTES + Long.BYTES + id.length)
                .put(nonce).putLong(issued).put(id).array());
    }

    private static boolean isBase64Url(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9') || c == '-' || c == '_');
    }

    static void requireText(String value, String name) {
        Objects.requireNonNull(value, name + " == null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    private static void requireNoNull(Collection<String> scopes) {
        for (String scope : scopes) {
            if (scope == null) {
                throw new IllegalArgumentException("scopes must not contain null, was " + scopes);
            }
        }
    }

    /** Options of a {@link ConsentManager}; unset options keep their documented defaults. */
    public static final class Builder {

        private final byte[] signingKey;
        private Duration cookieMaxAge = DEFAULT_COOKIE_MAX_AGE;
        private Duration csrfTokenTtl = DEFAULT_CSRF_TOKEN_TTL;
        private Clock clock = Clock.systemUTC();

        private Builder(byte[] signingKey) {
            Objects.requireNonNull(signingKey, "signingKey == null");
            if (signingKey.length < MIN_KEY_BYTES) {
                throw new IllegalArgumentException("signingKey must be at least " + MIN_KEY_BYTES + " bytes, was "
                        + signingKey.length + "; use 32 bytes from SecureRandom, or derive them from a secret with "
                        + "PBKDF2/HKDF");
            }
            this.signingKey = Arrays.copyOf(signingKey, signingKey.length);
        }

        /** How long a remembered approval lasts, 1 second to 400 days; default {@link #DEFAULT_COOKIE_MAX_AGE}. */
        public Builder cookieMaxAge(Duration maxAge) {
            this.cookieMaxAge = requireRange(maxAge, "cookieMaxAge", MAX_COOKIE_MAX_AGE);
            return this;
        }

        /** How long a consent page can be submitted, 1 second to 1 day; default {@link #DEFAULT_CSRF_TOKEN_TTL}. */
        public Builder csrfTokenTtl(Duration ttl) {
            this.csrfTokenTtl = requireRange(ttl, "csrfTokenTtl", Duration.ofDays(1));
            return this;
        }

        /** The clock for issuing and expiring tokens and cookies; default the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /** Builds the manager. */
        public ConsentManager build() {
            return new ConsentManager(this);
        }

        private static Duration requireRange(Duration value, String name, Duration max) {
            Objects.requireNonNull(value, name + " == null");
            if (value.getSeconds() < 1 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(name + " must be between 1 second and " + max.toDays()
                        + " days, was " + value);
            }
            return value;
        }
    }
}
