package dev.fastmcp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the HTTP transport accepts: request size, stream keep-alives, and the browser-facing checks (Host and
 * Origin validation against DNS rebinding, CORS). One group of {@link FastMCP.Builder}'s options, immutable, each
 * value checked when it is set.
 *
 * <pre>{@code
 * FastMCP.builder("notes", "1.0.0")
 *         .http(h -> h.maxRequestBytes(1024 * 1024).allowedOrigins("https://app.example.com"))
 * }</pre>
 *
 * @param maxRequestBytes the largest request body accepted; larger ones get 413. Default 4 MiB, at least 1024
 * @param keepAliveInterval how often idle event streams get a keep-alive; default 25 seconds
 * @param allowedOrigins browser origins allowed besides loopback and same-origin ones; {@code *} allows all
 * @param allowedHosts host names accepted in the {@code Host} header besides loopback ones (when bound to loopback)
 * @param dnsRebindingProtection whether {@code Host} and {@code Origin} are validated; default on
 * @param cors whether CORS headers are sent; default on
 */
public record HttpOptions(long maxRequestBytes, Duration keepAliveInterval, Set<String> allowedOrigins,
        Set<String> allowedHosts, boolean dnsRebindingProtection, boolean cors) {

    private static final HttpOptions DEFAULTS = new HttpOptions(4L * 1024 * 1024, Duration.ofSeconds(25), Set.of(),
            Set.of(), true, true);

    /** Checks every value; each error names the option, the value and what is allowed. */
    public HttpOptions {
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("http: maxRequestBytes must be at least 1024, was " + maxRequestBytes);
        }
        Objects.requireNonNull(keepAliveInterval, "http: keepAliveInterval == null");
        if (keepAliveInterval.isNegative() || keepAliveInterval.isZero()) {
            throw new IllegalArgumentException("http: keepAliveInterval must be positive, was " + keepAliveInterval);
        }
        allowedOrigins = Set.copyOf(allowedOrigins);
        allowedHosts = Set.copyOf(allowedHosts);
    }

    /** The defaults listed on the record's components. */
    public static HttpOptions defaults() {
        return DEFAULTS;
    }

    /** The largest request body accepted (default 4 MiB); larger ones get 413. */
    public HttpOptions maxRequestBytes(long bytes) {
        return new HttpOptions(bytes, keepAliveInterval, allowedOrigins, allowedHosts, dnsRebindingProtection, cors);
    }

    /** How often idle event streams get a keep-alive comment (default 25 seconds). */
    public HttpOptions keepAliveInterval(Duration interval) {
        return new HttpOptions(maxRequestBytes, interval, allowedOrigins, allowedHosts, dnsRebindingProtection, cors);
    }

    /**
     * Browser origins allowed besides loopback and same-origin ones, e.g. {@code https://app.example.com};
     * {@code *} allows all. Replaces the ones set before.
     */
    public HttpOptions allowedOrigins(String... origins) {
        return new HttpOptions(maxRequestBytes, keepAliveInterval, Set.copyOf(List.of(origins)), allowedHosts,
                dnsRebindingProtection, cors);
    }

    /**
     * Host names accepted in the {@code Host} header besides loopback ones (when bound to loopback). Replaces the
     * ones set before.
     */
    public HttpOptions allowedHosts(String... hosts) {
        return new HttpOptions(maxRequestBytes, keepAliveInterval, allowedOrigins, Set.copyOf(List.of(hosts)),
                dnsRebindingProtection, cors);
    }

    /** Turns off Host and Origin validation. Only behind a proxy that validates them itself. */
    public HttpOptions disableDnsRebindingProtection() {
        return new HttpOptions(maxRequestBytes, keepAliveInterval, allowedOrigins, allowedHosts, false, cors);
    }

    /** Turns CORS headers on (default) or off. */
    public HttpOptions cors(boolean enabled) {
        return new HttpOptions(maxRequestBytes, keepAliveInterval, allowedOrigins, allowedHosts,
                dnsRebindingProtection, enabled);
    }
}
