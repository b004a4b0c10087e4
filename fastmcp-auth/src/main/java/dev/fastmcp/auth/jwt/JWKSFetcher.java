package dev.fastmcp.auth.jwt;

import dev.fastmcp.auth.internal.VerifierClaims;
import dev.fastmcp.internal.BoundedFetch;
import dev.fastmcp.internal.Loopback;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Fetches a JSON Web Key Set with one GET: a deadline for the whole exchange (connect, headers and body), a cap
 * on the body size, no redirects. Only public signature keys (RSA, EC, OKP) are kept; symmetric ({@code oct})
 * and encryption keys are dropped, so a JWKS can never supply an HMAC secret.
 */
final class JWKSFetcher {

    /** The largest JWKS body accepted: 1 MiB (real ones are a few KiB). */
    static final int MAX_BODY_BYTES = 1024 * 1024;

    private final URI uri;
    private final BoundedFetch fetch;

    JWKSFetcher(URI uri, Duration timeout) {
        this.uri = uri;
        this.fetch = BoundedFetch.create(timeout, MAX_BODY_BYTES, HttpClient.Redirect.NEVER);
    }

    /** Validates a configured JWKS URL: http(s) with a host; plain http only on loopback unless allowed. */
    static URI parseUri(String jwksUri, boolean allowPlainHttp) {
        if (jwksUri == null || jwksUri.isBlank()) {
            throw new IllegalArgumentException("jwksUri is empty; pass your identity provider's JWKS URL, "
                    + "e.g. https://idp.example.com/.well-known/jwks.json");
        }
        URI uri;
        try {
            uri = URI.create(jwksUri.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("jwksUri '" + jwksUri + "' is not a valid URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("https") && !scheme.equals("http")) || uri.getHost() == null) {
            throw new IllegalArgumentException("jwksUri '" + jwksUri + "' must be an absolute https URL, "
                    + "e.g. https://idp.example.com/.well-known/jwks.json");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("jwksUri must not contain user info (user:password@); JWKS "
                    + "documents are public, so remove it");
        }
        if (scheme.equals("http") && !allowPlainHttp && !Loopback.isLoopbackHost(uri.getHost())) {
            throw new IllegalArgumentException("jwksUri '" + jwksUri + "' uses plain http, so anyone on the network "
                    + "path could substitute signing keys; use https, or call allowPlainHttp() if the JWKS is "
                    + "served on a trusted private network");
        }
        return uri;
    }

    /** The public signature keys of the document; an {@link IOException} says what went wrong. */
    List<JsonWebKey> fetch() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .header("Accept", "application/json, application/jwk-set+json")
                .GET()
                .build();
        BoundedFetch.Response response;
        try {
            response = fetch.send(request, status -> status == 200);
        } catch (BoundedFetch.TooLargeException e) {
            throw new IOException("the response is larger than " + MAX_BODY_BYTES / 1024 + " KiB");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching the JWKS");
        }
        if (response.status() != 200) {
            int status = response.status();
            throw new IOException("HTTP status " + status + " (expected 200"
                    + (status / 100 == 3 ? "; redirects are not followed, so configure the final JWKS URL)" : ")"));
        }
        return parse(new String(response.body(), StandardCharsets.UTF_8));
    }

    /** The public signature keys of a JWKS document. */
    static List<JsonWebKey> parse(String json) throws IOException {
        JsonWebKeySet set;
        try {
            set = new JsonWebKeySet(json);
        } catch (JoseException | RuntimeException e) {
            throw new IOException("the response is not a JSON Web Key Set ({\"keys\": [...]}): "
                    + VerifierClaims.quote(e.getMessage()), e);
        }
        List<JsonWebKey> keys = new ArrayList<>();
        for (JsonWebKey key : set.getJsonWebKeys()) {
            if (key instanceof PublicJsonWebKey && !"enc".equals(key.getUse())) {
                keys.add(key);
            }
        }
        if (keys.isEmpty()) {
            throw new IOException("the JWKS holds no public signature key (RSA, EC or OKP with use 'sig' or no use)");
        }
        return List.copyOf(keys);
    }
}
