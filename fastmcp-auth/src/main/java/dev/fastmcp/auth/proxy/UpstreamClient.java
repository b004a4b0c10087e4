package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.BoundedFetch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The OAuth proxy as a client of the identity provider's token and revocation endpoints. Every call has a
 * timeout and a 1 MiB body cap; JSON and form-encoded (GitHub) responses are read. Failures become an
 * {@link UpstreamException} that says only whether the grant was refused; the upstream text is never kept.
 */
final class UpstreamClient {

    static final int MAX_BODY_BYTES = 1024 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamClient.class);

    /** An upstream call failed; {@code invalidGrant} when the identity provider refused the grant itself. */
    static final class UpstreamException extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean invalidGrant;

        UpstreamException(String message, boolean invalidGrant) {
            super(message, null, false, false);
            this.invalidGrant = invalidGrant;
        }
    }

    private final URI tokenEndpoint;
    private final URI revocationEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final boolean basicAuth;
    private final Duration timeout;
    private final Map<String, String> extraTokenParams;
    private final BoundedFetch fetch;

    UpstreamClient(String tokenEndpoint, String revocationEndpoint, String clientId, String clientSecret,
            boolean basicAuth, Duration timeout, Map<String, String> extraTokenParams) {
        this.tokenEndpoint = URI.create(tokenEndpoint);
        this.revocationEndpoint = revocationEndpoint == null ? null : URI.create(revocationEndpoint);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.basicAuth = basicAuth;
        this.timeout = timeout;
        this.extraTokenParams = Map.copyOf(extraTokenParams);
        this.fetch = BoundedFetch.create(timeout, MAX_BODY_BYTES, HttpClient.Redirect.NEVER);
    }

    /** Exchanges an upstream authorization code (with our PKCE verifier, when one was sent). */
    UpstreamTokens exchangeCode(String code, String redirectUri, String codeVerifier) throws UpstreamException {
        Map<String, String> form = new LinkedHashMap<>(extraTokenParams);
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        if (codeVerifier != null) {
            form.put("code_verifier", codeVerifier);
        }
        return tokens(post(tokenEndpoint, form, "code exchange"), null);
    }

    /** Refreshes upstream; keeps the old refresh token and scope when the identity provider sends none. */
    UpstreamTokens refresh(UpstreamTokens old) throws UpstreamException {
        Map<String, String> form = new LinkedHashMap<>(extraTokenParams);
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", old.refreshToken());
        return tokens(post(tokenEndpoint, form, "refresh"), old);
    }

    /** Best-effort revocation of an upstream token; failures are only logged. */
    void revoke(String token, String hint) {
        if (revocationEndpoint == null || token == null) {
            return;
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("token", token);
        form.put("token_type_hint", hint);
        try {
            post(revocationEndpoint, form, "revocation");
        } catch (UpstreamException e) {
            LOG.warn("Upstream token revocation failed: {}", e.getMessage());
        }
    }

    private Map<String, Object> post(URI endpoint, Map<String, String> form, String what) throws UpstreamException {
        Map<String, String> body = new LinkedHashMap<>(form);
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (basicAuth) {
            String credentials = ProxyHttp.encode(clientId) + ":" + ProxyHttp.encode(clientSecret);
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        } else {
            body.put("client_id", clientId);
            body.put("client_secret", clientSecret);
        }
        StringBuilder encoded = new StringBuilder();
        body.forEach((k, v) -> encoded.append(encoded.length() == 0 ? "" : "&").append(ProxyHttp.encode(k))
                .append('=').append(ProxyHttp.encode(v)));
        BoundedFetch.Response response;
        try {
            // the error bodies are read too: they say whether the grant was refused
            response = fetch.send(b.POST(HttpRequest.BodyPublishers.ofString(encoded.toString())).build(),
                    status -> true);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new UpstreamException("upstream " + what + " timed out after " + timeout.toMillis() + " ms", false);
        } catch (BoundedFetch.TooLargeException e) {
            throw new UpstreamException("upstream " + what + " answered more than 1 MiB", false);
        } catch (IOException e) {
            throw new UpstreamException("upstream " + what + " failed: " + e.getClass().getSimpleName(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamException("upstream " + what + " interrupted", false);
        }
        Map<String, Object> parsed = parse(response);
        int status = response.status();
        if (status / 100 != 2 || parsed == null || parsed.containsKey("error")) {
            boolean invalidGrant = parsed != null && "invalid_grant".equals(parsed.get("error"))
                    && (status == 400 || status == 401 || status / 100 == 2);
            throw new UpstreamException("upstream " + what + " answered HTTP " + status
                    + (parsed != null && parsed.get("error") instanceof String s ? " error " + ProxyHttp.safe(s) : ""),
                    invalidGrant);
        }
        return parsed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(BoundedFetch.Response response) {
        String type = response.mediaType();
        String text = new String(response.body(), StandardCharsets.UTF_8);
        try {
            if (type.contains("application/x-www-form-urlencoded")) {
                return new LinkedHashMap<>(ProxyHttp.parseForm(text.trim()));
            }
            if (type.contains("json") || text.trim().startsWith("{")) {
                JsonNode node = ProxyHttp.JSON.readTree(text);
                return node != null && node.isObject() ? ProxyHttp.JSON.convertValue(node, Map.class) : null;
            }
        } catch (RuntimeException | OAuthError e) {
            return null;
        }
        return null;
    }

    private static UpstreamTokens tokens(Map<String, Object> r, UpstreamTokens old) throws UpstreamException {
        String access = string(r.get("access_token"));
        if (access == null || access.isEmpty()) {
            throw new UpstreamException("upstream token response has no access_token", false);
        }
        Instant expiresAt = null;
        Object expiresIn = r.get("expires_in");
        try {
            long seconds = expiresIn == null ? 0 : Long.parseLong(String.valueOf(expiresIn).trim());
            if (seconds > 0) {
                expiresAt = Instant.now().plusSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            throw new UpstreamException("upstream token response has a malformed expires_in", false);
        }
        String refresh = string(r.get("refresh_token"));
        String scope = string(r.get("scope"));
        String type = string(r.get("token_type"));
        String idToken = string(r.get("id_token"));
        if (old != null) {
            refresh = refresh != null ? refresh : old.refreshToken();
            scope = scope != null ? scope : old.scope();
            idToken = idToken != null ? idToken : old.idToken();
        }
        return new UpstreamTokens(access, type == null ? "Bearer" : type, refresh, expiresAt, scope, idToken);
    }

    private static String string(Object o) {
        return o instanceof String s && !s.isEmpty() ? s : o == null ? null : o instanceof Number || o instanceof Boolean
                ? String.valueOf(o) : null;
    }
}
