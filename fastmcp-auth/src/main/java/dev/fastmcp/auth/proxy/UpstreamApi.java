package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.BoundedFetch;
import dev.fastmcp.internal.Loopback;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * Bounded GET calls to the identity provider's APIs with the user's upstream access token, for
 * {@link UpstreamIdentityResolver}s. Each call has the proxy's {@code upstreamTimeout}, a 1 MiB body cap, follows
 * no redirects, and only reaches https URLs (http on loopback). Failures are {@link UpstreamApiException}s whose
 * messages quote neither the token nor the identity provider's answer.
 */
public final class UpstreamApi {

    private final Duration timeout;
    private final BoundedFetch fetch;

    UpstreamApi(Duration timeout) {
        this.timeout = timeout;
        this.fetch = BoundedFetch.create(timeout, UpstreamClient.MAX_BODY_BYTES, HttpClient.Redirect.NEVER);
    }

    /**
     * GETs a JSON object.
     *
     * @param url         an https URL (http only on loopback)
     * @param bearerToken sent as {@code Authorization: Bearer ...}
     * @param headers     extra request headers, such as {@code Accept}; default {@code Accept: application/json}
     * @throws UpstreamApiException on a timeout, a non-2xx answer (401 sets {@link UpstreamApiException#tokenRejected}),
     *                              an oversized body or one that is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> getObject(String url, String bearerToken, Map<String, String> headers)
            throws UpstreamApiException {
        JsonNode node = get(url, bearerToken, headers);
        if (!node.isObject()) {
            throw new UpstreamApiException("upstream API " + path(url) + " did not answer a JSON object", false);
        }
        return ProxyHttp.JSON.convertValue(node, Map.class);
    }

    /** Like {@link #getObject}, for an API answering a JSON array (such as GitHub's {@code /user/emails}). */
    @SuppressWarnings("unchecked")
    public List<Object> getArray(String url, String bearerToken, Map<String, String> headers)
            throws UpstreamApiException {
        JsonNode node = get(url, bearerToken, headers);
        if (!node.isArray()) {
            throw new UpstreamApiException("upstream API " + path(url) + " did not answer a JSON array", false);
        }
        return ProxyHttp.JSON.convertValue(node, List.class);
    }

    /**
     * The value of {@code name} in an API answer as a non-blank string (numbers are written out, as GitHub's
     * numeric ids are); fails when it is missing, for a subject that must exist.
     */
    public static String requireString(Map<String, Object> answer, String name) throws UpstreamApiException {
        Object v = answer.get(name);
        String s = v instanceof String str ? str : v instanceof Number n ? String.valueOf(n) : null;
        if (s == null || s.isBlank()) {
            throw new UpstreamApiException("upstream identity has no '" + name + "'", false);
        }
        return s;
    }

    private JsonNode get(String url, String bearerToken, Map<String, String> headers) throws UpstreamApiException {
        URI uri = checked(url);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET()
                .header("Authorization", "Bearer " + bearerToken);
        boolean accept = false;
        for (Map.Entry<String, String> h : headers.entrySet()) {
            b.header(h.getKey(), h.getValue());
            accept |= h.getKey().equalsIgnoreCase("accept");
        }
        if (!accept) {
            b.header("Accept", "application/json");
        }
        BoundedFetch.Response response;
        try {
            response = fetch.send(b.build(), status -> status / 100 == 2);
        } catch (HttpTimeoutException e) {
            throw new UpstreamApiException("upstream API " + path(url) + " timed out after " + timeout.toMillis()
                    + " ms", false);
        } catch (BoundedFetch.TooLargeException e) {
            throw new UpstreamApiException("upstream API " + path(url) + " answered more than 1 MiB", false);
        } catch (IOException e) {
            throw new UpstreamApiException("upstream API " + path(url) + " failed: " + e.getClass().getSimpleName(),
                    false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UpstreamApiException("upstream API " + path(url) + " interrupted", false);
        }
        int status = response.status();
        if (status / 100 != 2) {
            throw new UpstreamApiException("upstream API " + path(url) + " answered HTTP " + status, status == 401);
        }
        byte[] body = response.body();
        try {
            JsonNode node = ProxyHttp.JSON.readTree(body);
            if (node == null) {
                throw new UpstreamApiException("upstream API " + path(url) + " answered no JSON", false);
            }
            return node;
        } catch (RuntimeException e) {
            throw new UpstreamApiException("upstream API " + path(url) + " answered invalid JSON", false);
        }
    }

    private static URI checked(String url) throws UpstreamApiException {
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() != null && (scheme.equals("https")
                    || scheme.equals("http") && Loopback.isLoopbackHost(u.getHost()))) {
                return u;
            }
        } catch (Exception e) {
            // reported below
        }
        throw new UpstreamApiException("upstream API URL must be https (http only on loopback)", false);
    }

    /** The URL without its query, for log messages. */
    private static String path(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }
}
