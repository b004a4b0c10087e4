package dev.fastmcp.auth;

import dev.fastmcp.internal.BoundedFetch;
import dev.fastmcp.internal.Loopback;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Form POSTs to an authorization server's endpoints (introspection, token) as one OAuth client: its credentials sent
 * as RFC 6749 §2.3.1 says ({@code basic}: form-encoded, then HTTP Basic; or {@code post}: in the form), one bounded
 * exchange, the JSON answer parsed. What the helpers of this package that call an authorization server share.
 */
final class FormPoster {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long MAX_BODY_BYTES = 256 * 1024;

    /** An answer: the HTTP status and the JSON object (null when the body was not one). */
    record Answer(int status, Map<String, Object> json) {
    }

    /** Why an exchange had no answer: the endpoint could not be reached, timed out, or answered too much. */
    static final class Unreachable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final URI endpoint;
    private final String clientId;
    private final String clientSecret;
    private final boolean basic;
    private final BoundedFetch fetch;

    FormPoster(URI endpoint, String clientId, String clientSecret, boolean basic, Duration timeout) {
        this.endpoint = endpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.basic = basic;
        this.fetch = BoundedFetch.create(timeout, MAX_BODY_BYTES, HttpClient.Redirect.NEVER);
    }

    /** {@code form}, with the client's credentials, POSTed; the answer whatever its status. */
    Answer post(Map<String, String> form) throws Unreachable {
        Map<String, String> body = new LinkedHashMap<>(form);
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (basic) {
            String credentials = encode(clientId) + ":" + encode(clientSecret);
            b.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        } else {
            body.put("client_id", clientId);
            body.put("client_secret", clientSecret);
        }
        StringBuilder encoded = new StringBuilder();
        body.forEach((k, v) -> encoded.append(encoded.length() == 0 ? "" : "&").append(encode(k)).append('=')
                .append(encode(v)));
        BoundedFetch.Response response;
        try {
            response = fetch.send(b.POST(HttpRequest.BodyPublishers.ofString(encoded.toString())).build(),
                    status -> true);
        } catch (HttpTimeoutException e) {
            throw new Unreachable("no answer within " + fetch.deadline().toMillis() + " ms");
        } catch (BoundedFetch.TooLargeException e) {
            throw new Unreachable("an answer larger than " + MAX_BODY_BYTES + " bytes");
        } catch (IOException e) {
            throw new Unreachable(e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
        return new Answer(response.status(), parse(response.body()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(byte[] body) {
        try {
            return JSON.readValue(body, Object.class) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /**
     * The poster of one client's requests to {@code endpoint}, its credentials, method and timeout checked; each error
     * names {@code owner}, what is wrong and where the value comes from.
     */
    static FormPoster forClient(String owner, URI endpoint, String clientId, String clientSecret, String authMethod,
            Duration timeout) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException(owner + ": the client id is missing: pass the id this server has as a "
                    + "client of the authorization server to " + owner + ".builder");
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new IllegalArgumentException(owner + ": the client secret is missing: pass this server's secret at "
                    + "the authorization server to " + owner + ".builder");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException(owner + ": timeout must be positive, was " + timeout);
        }
        return new FormPoster(endpoint, clientId, clientSecret, basic(owner, authMethod), timeout);
    }

    /** Checks an endpoint option: https, or http on a loopback host; its URI. */
    static URI endpoint(String owner, String option, String url) {
        String hint = owner + ": " + option + " must be an https URL (http only on a loopback host), was "
                + (url == null ? "null" : "'" + url + "'");
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            String host = u.getHost() == null ? "" : u.getHost();
            if (scheme.equals("https") && !host.isEmpty() || scheme.equals("http") && Loopback.isLoopbackHost(host)) {
                return u;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new IllegalArgumentException(hint);
    }

    /** Whether a client authentication method names HTTP Basic; refuses anything but basic and post. */
    static boolean basic(String owner, String method) {
        if ("basic".equals(method) || "client_secret_basic".equals(method)) {
            return true;
        }
        if ("post".equals(method) || "client_secret_post".equals(method)) {
            return false;
        }
        throw new IllegalArgumentException(owner + ": clientAuthMethod must be 'basic' (client_secret_basic) or "
                + "'post' (client_secret_post), was " + (method == null ? "null" : "'" + method + "'"));
    }
}
