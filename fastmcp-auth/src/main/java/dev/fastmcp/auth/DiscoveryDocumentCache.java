package dev.fastmcp.auth;

import dev.fastmcp.internal.BoundedFetch;
import dev.fastmcp.internal.Loopback;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.json.JsonMapper;

/**
 * Caches OAuth and OpenID Connect discovery documents ({@code /.well-known/openid-configuration},
 * {@code /.well-known/oauth-authorization-server}) for a time-to-live, and coalesces concurrent fetches of
 * one URL into a single request.
 *
 * <pre>{@code
 * DiscoveryDocumentCache cache = new DiscoveryDocumentCache();
 * Map<String, Object> google = cache.get("https://accounts.google.com/.well-known/openid-configuration");
 * }</pre>
 *
 * <p>Fetches have a timeout and a size cap; plain {@code http} is refused except for loopback hosts.
 */
public final class DiscoveryDocumentCache {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private record Entry(Map<String, Object> document, Instant expiresAt) {
    }

    private final Duration ttl;
    private final Duration timeout;
    private final long maxBytes;
    private final BoundedFetch fetch;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Entry>> inflight = new ConcurrentHashMap<>();
    // Bumped by clear(): a fetch started before a clear must not repopulate the cache.
    private final AtomicLong generation = new AtomicLong();

    /** A cache keeping documents for one hour, fetching with a 10 second timeout and a 1 MiB cap. */
    public DiscoveryDocumentCache() {
        this(builder());
    }

    private DiscoveryDocumentCache(Builder b) {
        this.ttl = b.ttl;
        this.timeout = b.timeout;
        this.maxBytes = b.maxBytes;
        this.clock = b.clock;
        this.fetch = b.http != null ? new BoundedFetch(b.http, b.timeout, b.maxBytes)
                : BoundedFetch.create(b.timeout, b.maxBytes, HttpClient.Redirect.NEVER);
    }

    /** Starts a configured cache. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The document at {@code url}: from the cache while fresh, else fetched (once, however many callers ask
     * at the same time).
     *
     * @throws DiscoveryException when the document cannot be fetched or is not a JSON object
     */
    public Map<String, Object> get(String url) {
        Objects.requireNonNull(url, "url == null");
        Entry cached = fresh(url);
        if (cached != null) {
            return cached.document();
        }
        CompletableFuture<Entry> mine = new CompletableFuture<>();
        CompletableFuture<Entry> running = inflight.putIfAbsent(url, mine);
        if (running != null) {
            return await(running, url).document();
        }
        long startedIn = generation.get();
        try {
            Entry fetched = new Entry(fetch(url), clock.instant().plus(ttl));
            if (generation.get() == startedIn) {
                entries.put(url, fetched);
            }
            mine.complete(fetched);
            return fetched.document();
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(url, mine);
        }
    }

    /**
     * The metadata of the authorization server {@code issuer}: its OpenID Connect discovery document
     * ({@code <issuer>/.well-known/openid-configuration}), or, when the issuer answers that URL with a 4xx (it is an
     * OAuth server without OpenID Connect), its RFC 8414 metadata, at {@code /.well-known/oauth-authorization-server}
     * followed by the issuer's path ({@code https://idp.example.com/.well-known/oauth-authorization-server/tenant}
     * for {@code https://idp.example.com/tenant}). Each is read through the cache. A 5xx, a timeout or a malformed
     * document ends the search: the issuer has a document and could not give it now. The caller checks that the
     * document's {@code issuer} is {@code issuer} (RFC 8414 §3.3, OpenID Connect Discovery §4.3).
     *
     * @throws DiscoveryException when neither document can be read; the message names both URLs
     */
    public IssuerMetadata forIssuer(String issuer) {
        Objects.requireNonNull(issuer, "issuer == null");
        URI uri = checkedUri(issuer);
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        String oidc = base + "/.well-known/openid-configuration";
        try {
            return new IssuerMetadata(oidc, get(oidc));
        } catch (DiscoveryException e) {
            if (e.status < 400 || e.status > 499) {
                throw e;
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            String oauth = uri.getScheme() + "://" + uri.getRawAuthority() + "/.well-known/oauth-authorization-server"
                    + path;
            try {
                return new IssuerMetadata(oauth, get(oauth));
            } catch (DiscoveryException second) {
                throw new DiscoveryException("Issuer '" + issuer + "' has no metadata: " + oidc + " answered HTTP "
                        + e.status + ", and " + second.getMessage(), second.status);
            }
        }
    }

    /**
     * An authorization server's metadata, and where it was read.
     *
     * @param url      the URL the document came from
     * @param document the document
     */
    public record IssuerMetadata(String url, Map<String, Object> document) {
    }

    /** Whether a fresh document for {@code url} is cached; an expired one is dropped. */
    public boolean has(String url) {
        return fresh(url) != null;
    }

    /** Drops every cached document; fetches in flight will not be cached. */
    public void clear() {
        generation.incrementAndGet();
        entries.clear();
    }

    /** Drops the document of {@code url}; a fetch of it in flight will not be cached. */
    public void clear(String url) {
        generation.incrementAndGet();
        entries.remove(url);
    }

    /** How many documents are cached (fresh or not yet evicted). */
    public int size() {
        return entries.size();
    }

    private Entry fresh(String url) {
        Entry e = entries.get(url);
        if (e == null) {
            return null;
        }
        if (!clock.instant().isBefore(e.expiresAt())) {
            entries.remove(url, e);
            return null;
        }
        return e;
    }

    private static Entry await(CompletableFuture<Entry> future, String url) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof DiscoveryException d) {
                throw d;
            }
            throw new DiscoveryException("Failed to fetch discovery document from " + url + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException("Interrupted while fetching discovery document from " + url, e);
        }
    }

    private Map<String, Object> fetch(String url) {
        URI uri = checkedUri(url);
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "application/json").GET().build();
        BoundedFetch.Response response;
        try {
            response = fetch.send(request, status -> status == 200);
        } catch (HttpTimeoutException e) {
            throw new DiscoveryException("Failed to fetch discovery document from " + url + ": timed out after "
                    + timeout.toMillis() + " ms", e);
        } catch (BoundedFetch.TooLargeException e) {
            throw new DiscoveryException("Discovery document from " + url + " is larger than " + maxBytes + " bytes");
        } catch (IOException e) {
            throw new DiscoveryException("Failed to fetch discovery document from " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DiscoveryException("Interrupted while fetching discovery document from " + url, e);
        }
        if (response.status() != 200) {
            throw new DiscoveryException("Failed to fetch discovery document from " + url + ": HTTP "
                    + response.status(), response.status());
        }
        byte[] body = response.body();
        Object parsed;
        try {
            parsed = JSON.readValue(body, Object.class);
        } catch (RuntimeException e) {
            throw new DiscoveryException("Discovery document from " + url + " is not valid JSON", e);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new DiscoveryException("Discovery document from " + url + " is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> document = (Map<String, Object>) map;
        return java.util.Collections.unmodifiableMap(document);
    }

    private static URI checkedUri(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new DiscoveryException("Discovery URL '" + url + "' is not a valid URL", e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new DiscoveryException("Discovery URL '" + url + "' must be an absolute https URL");
        }
        if (scheme.equals("http") && !Loopback.isLoopbackHost(uri.getHost())) {
            throw new DiscoveryException("Discovery URL '" + url + "' uses plain http; use https (http is "
                    + "accepted only for loopback hosts)");
        }
        return uri;
    }

    /** Builds a {@link DiscoveryDocumentCache}. */
    public static final class Builder {
        private Duration ttl = Duration.ofHours(1);
        private Duration timeout = Duration.ofSeconds(10);
        private long maxBytes = 1024 * 1024;
        private HttpClient http;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** How long a document stays cached (default one hour). */
        public Builder ttl(Duration ttl) {
            this.ttl = positive(ttl, "ttl");
            return this;
        }

        /** The timeout of one fetch (default 10 seconds). */
        public Builder timeout(Duration timeout) {
            this.timeout = positive(timeout, "timeout");
            return this;
        }

        /** The largest document accepted (default 1 MiB). */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes < 1024) {
                throw new IllegalArgumentException("maxBytes must be at least 1024, was " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** The HTTP client to fetch with (default: a new one that follows no redirects). */
        public Builder httpClient(HttpClient http) {
            this.http = Objects.requireNonNull(http, "http == null");
            return this;
        }

        /** The clock deciding expiry (for tests). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /** Builds the cache. */
        public DiscoveryDocumentCache build() {
            return new DiscoveryDocumentCache(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what + " == null");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
