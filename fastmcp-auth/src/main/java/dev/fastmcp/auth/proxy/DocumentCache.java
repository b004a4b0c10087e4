package dev.fastmcp.auth.proxy;

import dev.fastmcp.internal.BoundedFetch;
import dev.fastmcp.internal.GuardedFetch;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Documents fetched from URLs that strangers choose (client metadata documents, the key sets they name), parsed
 * and kept in memory: bounded in number (the least recently used go first), each kept as long as its
 * {@code Cache-Control} says within [{@value #MIN_TTL_SECONDS} s, 1 day] (5 minutes without one), then revalidated
 * with its {@code ETag}. All requests for one URL share one fetch: while it is in flight the others wait for it,
 * so a burst of sign-ins for one client reaches its server once. Failures and invalid documents are never kept.
 *
 * <p>The lower bound also holds for {@code no-store} and {@code no-cache}: a stranger's document cannot make every
 * request of a flood fetch again. Each instance keeps its own cache; on a storage shared by several instances the
 * fetched bodies are kept there too ({@link Shared}), so that a document is fetched once for all of them, each
 * instance parsing it again under the same rules.
 *
 * @param <T> the parsed document
 */
final class DocumentCache<T> {

    /** Decides whether this caller may make a fetch (a miss, or a revalidation), before it is made. */
    @FunctionalInterface
    interface Gate {
        /** @throws OAuthError when the fetch is refused */
        void check() throws OAuthError;
    }

    /** Turns a fetched body into the document, or says why it is invalid. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(byte[] body) throws OAuthError;
    }

    static final long MIN_TTL_SECONDS = 60;
    static final Duration DEFAULT_TTL = Duration.ofMinutes(5);
    static final Duration MAX_TTL = Duration.ofDays(1);

    private static final Logger LOG = LoggerFactory.getLogger(DocumentCache.class);

    private record Entry<T>(T value, String etag, long expiresAt) {
    }

    /** A fetched body as the instances sharing a storage keep it: the text, its {@code ETag}, when it expires. */
    record SharedBody(String body, String etag, long expiresAt) {
    }

    /** Where fetched bodies are kept for the other instances: the proxy's store, under its own kind. */
    record Shared(ProxyStore store, String kind) {
    }

    private final GuardedFetch fetch;
    private final String what;
    private final Clock clock;
    private final Map<String, Entry<T>> entries;
    private final ConcurrentHashMap<String, CompletableFuture<T>> inFlight = new ConcurrentHashMap<>();
    /** The bodies other instances fetched; null when this instance's storage is its own. */
    private final Shared shared;

    /**
     * @param what       what the documents are, for errors ("metadata document")
     * @param maxEntries the most documents kept
     */
    DocumentCache(GuardedFetch fetch, String what, int maxEntries, Clock clock) {
        this(fetch, what, maxEntries, clock, null);
    }

    /** The same, bodies shared through {@code shared} when it is not null. */
    DocumentCache(GuardedFetch fetch, String what, int maxEntries, Clock clock, Shared shared) {
        this.shared = shared;
        this.fetch = fetch;
        this.what = what;
        this.clock = clock;
        this.entries = new LinkedHashMap<>(64, 0.75f, true) {
            // Named in full: inside this subclass of LinkedHashMap, a plain Entry is Map.Entry to newer compilers.
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DocumentCache.Entry<T>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * The document at {@code uri}: kept, or fetched (once for all concurrent callers) under {@code rule}.
     *
     * @throws OAuthError {@code invalid_client} saying why the document could not be had
     */
    T get(URI uri, GuardedFetch.AddressRule rule, Parser<T> parser) throws OAuthError {
        return get(uri, rule, parser, () -> { });
    }

    /**
     * The same, with {@code gate} asked before this caller fetches (never for a kept document, nor for one whose
     * fetch by another caller is in flight).
     */
    T get(URI uri, GuardedFetch.AddressRule rule, Parser<T> parser, Gate gate) throws OAuthError {
        String url = uri.toString();
        Entry<T> kept;
        synchronized (entries) {
            kept = entries.get(url);
        }
        if (kept != null && clock.millis() < kept.expiresAt()) {
            return kept.value();
        }
        CompletableFuture<T> mine = new CompletableFuture<>();
        CompletableFuture<T> running = inFlight.putIfAbsent(url, mine);
        if (running != null) {
            return await(running, url);
        }
        try {
            T fromOthers = fromShared(url, parser);
            if (fromOthers != null) {
                mine.complete(fromOthers);
                return fromOthers;
            }
            gate.check();
            T value = fetch(uri, rule, parser, kept);
            mine.complete(value);
            return value;
        } catch (OAuthError | RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(url, mine);
        }
    }

    private T await(CompletableFuture<T> running, String url) throws OAuthError {
        try {
            return running.get(fetch.deadline().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OAuthError o) {
                throw new OAuthError(o.error, o.description, o.status);
            }
            throw failed(url, "it could not be read");
        } catch (TimeoutException e) {
            throw failed(url, "no complete answer within " + fetch.deadline().toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(url, "the request was interrupted");
        }
    }

    private T fetch(URI uri, GuardedFetch.AddressRule rule, Parser<T> parser, Entry<T> kept) throws OAuthError {
        String url = uri.toString();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        if (kept != null && kept.etag() != null) {
            headers.put("If-None-Match", kept.etag());
        }
        BoundedFetch.Response response;
        try {
            response = fetch.get(uri, headers, rule, status -> status == 200);
        } catch (GuardedFetch.RefusedException e) {
            throw failed(url, e.getMessage() + "; this server never fetches from internal addresses");
        } catch (HttpTimeoutException e) {
            throw failed(url, "no complete answer within " + fetch.deadline().toMillis() + " ms");
        } catch (BoundedFetch.TooLargeException e) {
            throw failed(url, "it is larger than " + e.limit() + " bytes");
        } catch (UnknownHostException e) {
            throw failed(url, "its host name does not resolve");
        } catch (IOException e) {
            LOG.debug("Fetching the {} at {} failed", what, url, e);
            throw failed(url, "it could not be fetched (" + (e instanceof javax.net.ssl.SSLException
                    ? "TLS failed: the server's certificate is not trusted or not valid for its host name"
                    : "the connection failed") + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(url, "the request was interrupted");
        }
        int status = response.status();
        long now = clock.millis();
        if (status == 304 && kept != null) {
            return keep(url, new Entry<>(kept.value(), kept.etag(), now + ttl(response).toMillis()));
        }
        if (status >= 300 && status < 400) {
            throw failed(url, "it answered " + status + " (a redirect), and redirects are not followed: serve the "
                    + "document at the URL itself");
        }
        if (status != 200) {
            throw failed(url, "it answered HTTP " + status + " instead of 200");
        }
        T value = parser.parse(response.body());
        String etag = response.headers().firstValue("etag")
                .filter(e -> e.length() <= 200 && e.chars().allMatch(c -> c >= 0x20 && c < 0x7F)).orElse(null);
        long expiresAt = now + ttl(response).toMillis();
        if (shared != null) {
            // Only a body that parsed: an invalid document is never kept, here or for the others.
            shared.store().save(shared.kind(), url, new SharedBody(new String(response.body(),
                    java.nio.charset.StandardCharsets.UTF_8), etag, expiresAt),
                    Math.max(1, (expiresAt - now) / 1000));
        }
        return keep(url, new Entry<>(value, etag, expiresAt));
    }

    /** The document another instance fetched and kept in the shared storage, parsed here; null when none. */
    private T fromShared(String url, Parser<T> parser) throws OAuthError {
        if (shared == null) {
            return null;
        }
        SharedBody body = shared.store().get(shared.kind(), url, SharedBody.class);
        if (body == null || clock.millis() >= body.expiresAt()) {
            return null;
        }
        T value = parser.parse(body.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return keep(url, new Entry<>(value, body.etag(), body.expiresAt()));
    }

    private T keep(String url, Entry<T> entry) {
        synchronized (entries) {
            entries.put(url, entry);
        }
        return entry.value();
    }

    /** How long a document is kept, from its {@code Cache-Control}, within the bounds. */
    static Duration ttl(BoundedFetch.Response response) {
        long seconds = DEFAULT_TTL.getSeconds();
        for (String value : response.headers().allValues("cache-control")) {
            for (String directive : value.toLowerCase(Locale.ROOT).split(",")) {
                String d = directive.trim();
                if (d.equals("no-store") || d.equals("no-cache")) {
                    return Duration.ofSeconds(MIN_TTL_SECONDS);
                }
                if (d.startsWith("max-age=") && d.substring(8).matches("\"?[0-9]{1,10}\"?")) {
                    seconds = Long.parseLong(d.substring(8).replace("\"", ""));
                }
            }
        }
        return Duration.ofSeconds(Math.max(MIN_TTL_SECONDS, Math.min(MAX_TTL.getSeconds(), seconds)));
    }

    private OAuthError failed(String url, String reason) {
        return new OAuthError("invalid_client", "The application's " + what + " at " + ClientIdUrls.shown(url)
                + " could not be used: " + reason, 400);
    }
}
