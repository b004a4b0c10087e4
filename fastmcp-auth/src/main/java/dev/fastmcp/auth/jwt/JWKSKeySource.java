package dev.fastmcp.auth.jwt;

import dev.fastmcp.auth.internal.VerifierClaims;
import dev.fastmcp.internal.BoundedFetch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.Key;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.VerificationJwkSelector;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.keys.resolvers.VerificationKeyResolver;
import org.jose4j.lang.JoseException;
import org.jose4j.lang.UnresolvableKeyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of one JWKS URL, cached and refetched under two rules.
 *
 * <ul>
 *   <li>Keys are fresh for the cache duration. Once stale, one caller refetches while the others go on with the
 *       stale keys; a failed fetch keeps the old keys in service.
 *   <li>No fetch starts within the cooldown of the previous attempt, whatever triggered it, except an explicit
 *       {@link #refresh()}. So tokens with unknown {@code kid}s, or an unreachable JWKS URL, cause at most one
 *       request per cooldown window; concurrent callers wait for the fetch in progress and share its result.
 * </ul>
 */
final class JWKSKeySource implements VerificationKeyResolver {

    private static final Logger LOG = LoggerFactory.getLogger(JWKSVerifier.class);

    /** What a call to {@link #fetch} did. */
    enum Outcome { FETCHED, FAILED, COOLDOWN, BUSY }

    /** The outcome of {@link #fetch}, with the latest failure when there is one. */
    record Attempt(Outcome outcome, IOException failure) {
    }

    private record Keys(List<JsonWebKey> keys, long fetchedAt) {
    }

    private final URI uri;
    private final JWKSFetcher fetcher;
    private final long cacheNanos;
    private final Duration cooldown;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private volatile Keys cached;
    private volatile IOException lastFailure;
    private long lastAttemptAt; // guarded by fetchLock
    private boolean attempted;  // guarded by fetchLock

    JWKSKeySource(URI uri, Duration timeout, Duration cacheDuration, Duration cooldown) {
        this.uri = uri;
        this.fetcher = new JWKSFetcher(uri, timeout);
        this.cacheNanos = cacheDuration.toNanos();
        this.cooldown = cooldown;
    }

    URI uri() {
        return uri;
    }

    @Override
    public Key resolveKey(JsonWebSignature jws, List<JsonWebStructure> nestingContext) throws UnresolvableKeyException {
        JsonWebKey key = select(jws, current());
        if (key == null) {
            // An unknown kid: the issuer may have rotated its keys. Refetch, at most once per cooldown.
            Attempt attempt = fetch(true, false);
            key = select(jws, cached);
            if (key == null) {
                throw new UnresolvableKeyException(noKeyReason(jws.getKeyIdHeaderValue(), attempt));
            }
        }
        return key.getKey();
    }

    /** Fetches the keys now, ignoring the cooldown; on failure the cached keys stay in service. */
    void refresh() {
        Attempt attempt = fetch(true, true);
        if (attempt.outcome() == Outcome.FAILED) {
            throw new UncheckedIOException("cannot fetch the JWKS from " + uri + ": "
                    + BoundedFetch.describe(attempt.failure()), attempt.failure());
        }
    }

    private Keys current() throws UnresolvableKeyException {
        Keys keys = cached;
        if (keys != null && System.nanoTime() - keys.fetchedAt() < cacheNanos) {
            return keys;
        }
        Attempt attempt = fetch(keys == null, false);
        keys = cached;
        if (keys == null) {
            IOException failure = attempt.failure();
            throw new UnresolvableKeyException("cannot fetch the JWKS from " + uri + ": "
                    + (failure == null ? "no keys yet" : BoundedFetch.describe(failure))
                    + (attempt.outcome() == Outcome.COOLDOWN ? "; next attempt after the " + human(cooldown)
                    + " cooldown" : ""));
        }
        return keys;
    }

    /**
     * Fetches unless an attempt started within the cooldown ({@code force} skips that check). With {@code wait}
     * false it returns {@link Outcome#BUSY} at once when another thread is already fetching.
     */
    Attempt fetch(boolean wait, boolean force) {
        if (wait) {
            fetchLock.lock();
        } else if (!fetchLock.tryLock()) {
            return new Attempt(Outcome.BUSY, lastFailure);
        }
        try {
            long now = System.nanoTime();
            if (!force && attempted && now - lastAttemptAt < cooldown.toNanos()) {
                return new Attempt(Outcome.COOLDOWN, lastFailure);
            }
            attempted = true;
            lastAttemptAt = now;
            try {
                List<JsonWebKey> keys = fetcher.fetch();
                cached = new Keys(keys, System.nanoTime());
                lastFailure = null;
                LOG.debug("Fetched {} signature key(s) from the JWKS at {}", keys.size(), uri);
                return new Attempt(Outcome.FETCHED, null);
            } catch (IOException e) {
                lastFailure = e;
                LOG.warn("Cannot fetch the JWKS from {}: {}{}", uri, BoundedFetch.describe(e),
                        cached == null ? "" : "; the keys fetched earlier stay in use");
                return new Attempt(Outcome.FAILED, e);
            }
        } finally {
            fetchLock.unlock();
        }
    }

    private String noKeyReason(String kid, Attempt attempt) {
        String missing = kid == null
                ? "no key in the JWKS from " + uri + " matches this token, which has no kid"
                : "no key with kid " + VerifierClaims.quote(kid) + " in the JWKS from " + uri;
        return switch (attempt.outcome()) {
            case FETCHED -> missing + ", even after refetching it";
            case FAILED -> missing + "; refetching it failed: " + BoundedFetch.describe(attempt.failure());
            case COOLDOWN, BUSY -> attempt.failure() != null
                    ? missing + "; refetching it failed: " + BoundedFetch.describe(attempt.failure())
                            + " (next attempt after the " + human(cooldown) + " cooldown)"
                    : missing + "; the JWKS was fetched less than " + human(cooldown) + " ago, so it is not "
                            + "refetched yet";
        };
    }

    private static JsonWebKey select(JsonWebSignature jws, Keys keys) {
        if (keys == null) {
            return null;
        }
        try {
            return new VerificationJwkSelector().selectWithVerifySignatureDisambiguate(jws, keys.keys());
        } catch (JoseException e) {
            return null;
        }
    }

    /** "30 s" or "300 ms". */
    static String human(Duration d) {
        long millis = d.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
