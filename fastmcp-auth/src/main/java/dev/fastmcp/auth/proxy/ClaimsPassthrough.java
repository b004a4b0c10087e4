package dev.fastmcp.auth.proxy;

import dev.fastmcp.auth.jwt.JWTIssuer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code customClaimsPassthrough} option of the OAuth proxy: which claims of the upstream access token and ID
 * token are copied into the tokens the proxy issues and into the auth session, so that for example
 * {@code requireRole("admin")} works with an upstream {@code roles} claim.
 *
 * <pre>{@code
 * ClaimsPassthrough claims = ClaimsPassthrough.builder()
 *         .allowedClaims("roles", "groups", "email")
 *         .claimPrefix("upstream_")
 *         .build();
 * }</pre>
 *
 * <p>Rules, applied to each token separately and in this order:
 * <ol>
 *   <li>Protected claims are never copied: {@code iss aud exp iat nbf jti client_id scope token_use azp sub}. The
 *       proxy sets them itself; in particular the subject of our token is chosen by the proxy, not copied blindly.</li>
 *   <li>Claims in {@link Builder#blockedClaims} are dropped.</li>
 *   <li>When {@link Builder#allowedClaims} is set, only the claims it names are kept.</li>
 *   <li>The value must be a string of at most {@link Builder#maxClaimValueSize} characters, a number, a boolean, or
 *       an array of strings whose JSON form is at most that size. Other arrays and objects are kept only with
 *       {@link Builder#allowComplexClaims}, with the same size limit. {@code null} is never kept.
 *       <b>Arrays of strings are a decision:</b> they are kept even when complex claims are off, because
 *       {@code roles} and {@code groups} are such arrays at every common IdP, and dropping them (as FastMCP
 *       TypeScript does) makes role checks impossible.</li>
 *   <li>The {@link Builder#claimPrefix} is prepended to the names that passed, and a name that then equals a
 *       protected claim is dropped too.</li>
 * </ol>
 * Access-token claims win; ID-token claims only fill names the access token did not provide. Allow and block lists
 * name the claims as the upstream spells them, before the prefix.
 *
 * <p><b>No signature is verified here.</b> The tokens handed to {@link #extract} must be the ones the proxy itself
 * received from the upstream token endpoint, over TLS, server to server; that channel is what makes them
 * trustworthy. Never call this on a token presented by a client. Opaque (non-JWT) tokens, malformed tokens, payloads
 * over {@value #MAX_PAYLOAD_BYTES} bytes, JSON nested deeper than {@value #MAX_NESTING_DEPTH} levels or with
 * duplicate names yield no claims instead of an error.
 */
public final class ClaimsPassthrough {

    /** The default {@link Builder#maxClaimValueSize}, in characters. */
    public static final int DEFAULT_MAX_CLAIM_VALUE_SIZE = 2000;

    /** Upstream JWT payloads larger than this (decoded) yield no claims. */
    static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    /** Deeper JSON nesting than this makes a payload yield no claims. */
    static final int MAX_NESTING_DEPTH = 32;

    /** Claims the proxy owns in the tokens it issues; never taken from upstream. */
    static final Set<String> PROTECTED_CLAIMS;

    static {
        Set<String> names = new HashSet<>(JWTIssuer.PROTECTED_CLAIMS);
        names.addAll(Set.of("iss", "aud", "exp", "iat", "nbf", "jti", "client_id", "scope", "token_use", "azp",
                "sub"));
        PROTECTED_CLAIMS = Set.copyOf(names);
    }

    private static final Logger LOG = LoggerFactory.getLogger(ClaimsPassthrough.class);

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxDocumentLength(MAX_PAYLOAD_BYTES)
                            .maxNumberLength(64)
                            .build())
                    .build())
            .build();

    private static final ClaimsPassthrough DEFAULTS = builder().build();
    private static final ClaimsPassthrough DISABLED = new ClaimsPassthrough(new Builder(), false);

    private final boolean enabled;
    private final boolean fromAccessToken;
    private final boolean fromIdToken;
    private final String claimPrefix;
    private final Set<String> allowedClaims;
    private final Set<String> blockedClaims;
    private final int maxClaimValueSize;
    private final boolean allowComplexClaims;

    private ClaimsPassthrough(Builder b, boolean enabled) {
        this.enabled = enabled;
        this.fromAccessToken = b.fromAccessToken;
        this.fromIdToken = b.fromIdToken;
        this.claimPrefix = b.claimPrefix;
        this.allowedClaims = b.allowedClaims;
        this.blockedClaims = b.blockedClaims;
        this.maxClaimValueSize = b.maxClaimValueSize;
        this.allowComplexClaims = b.allowComplexClaims;
    }

    /** Passes claims from both tokens, no prefix, all names, values up to 2000 characters, no complex values. */
    public static ClaimsPassthrough defaults() {
        return DEFAULTS;
    }

    /** Passes no claims at all. */
    public static ClaimsPassthrough disabled() {
        return DISABLED;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether any claim can pass at all. */
    public boolean isEnabled() {
        return enabled && (fromAccessToken || fromIdToken);
    }

    /**
     * The claims to pass from the upstream tokens, in the order they appear (access token first). Either token may
     * be {@code null}. The map is unmodifiable; its values are {@code String}, {@code Boolean}, a {@code Number},
     * a {@code List} of strings or, with complex claims allowed, nested {@code List}s and {@code Map}s.
     *
     * <p>Only for tokens the proxy received from the upstream token endpoint; see the class documentation.
     */
    Map<String, Object> extract(String upstreamAccessToken, String upstreamIdToken) {
        return extract(upstreamAccessToken, upstreamIdToken, null);
    }

    /**
     * As {@link #extract(String, String)}, then the claims a preset read from the identity provider's APIs
     * ({@code identityClaims}, may be null): they count as identity claims, so {@link Builder#fromIdToken} governs
     * them, and they only fill names the tokens did not provide.
     */
    Map<String, Object> extract(String upstreamAccessToken, String upstreamIdToken, Map<String, Object> identityClaims) {
        if (!isEnabled()) {
            return Map.of();
        }
        Map<String, Object> result = new LinkedHashMap<>();
        if (fromAccessToken) {
            filterInto(payload(upstreamAccessToken), result);
        }
        if (fromIdToken) {
            filterInto(payload(upstreamIdToken), result);
            if (identityClaims != null && !identityClaims.isEmpty()) {
                filterInto(JSON.valueToTree(identityClaims), result);
            }
        }
        return Collections.unmodifiableMap(result);
    }

    private void filterInto(JsonNode payload, Map<String, Object> result) {
        if (payload == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> claim : payload.properties()) {
            String name = claim.getKey();
            if (PROTECTED_CLAIMS.contains(name) || blockedClaims.contains(name)
                    || (allowedClaims != null && !allowedClaims.contains(name))) {
                continue;
            }
            String target = claimPrefix + name;
            if (PROTECTED_CLAIMS.contains(target) || result.containsKey(target)) {
                continue;
            }
            Object value = acceptedValue(claim.getValue());
            if (value == null) {
                LOG.debug("Skipping upstream claim '{}': its value is null, too large or not allowed", name);
                continue;
            }
            result.put(target, value);
        }
    }

    private Object acceptedValue(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isString()) {
            String s = node.stringValue();
            return s.length() <= maxClaimValueSize ? s : null;
        }
        if (node.isNumber() || node.isBoolean()) {
            return JSON.treeToValue(node, Object.class);
        }
        boolean stringArray = node.isArray() && allStrings(node);
        if (!stringArray && !(allowComplexClaims && (node.isArray() || node.isObject()))) {
            return null;
        }
        if (JSON.writeValueAsString(node).length() > maxClaimValueSize) {
            return null;
        }
        return JSON.treeToValue(node, Object.class);
    }

    private static boolean allStrings(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isString()) {
                return false;
            }
        }
        return true;
    }

    /** The JSON object payload of a JWT, or {@code null} for an opaque, malformed or oversized token. */
    private static JsonNode payload(String token) {
        if (token == null || token.length() > MAX_PAYLOAD_BYTES * 2) {
            return null;
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || parts[1].isEmpty() || parts[1].length() > (MAX_PAYLOAD_BYTES / 3 + 1) * 4) {
            return null;
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(parts[1].getBytes(StandardCharsets.US_ASCII));
            if (json.length > MAX_PAYLOAD_BYTES) {
                return null;
            }
            JsonNode node = JSON.readTree(json);
            return node != null && node.isObject() ? node : null;
        } catch (IllegalArgumentException | JacksonException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        if (!enabled) {
            return "ClaimsPassthrough[disabled]";
        }
        return "ClaimsPassthrough[fromAccessToken=" + fromAccessToken + ", fromIdToken=" + fromIdToken
                + ", claimPrefix='" + claimPrefix + "', allowedClaims=" + (allowedClaims == null ? "all" : allowedClaims)
                + ", blockedClaims=" + blockedClaims + ", maxClaimValueSize=" + maxClaimValueSize
                + ", allowComplexClaims=" + allowComplexClaims + "]";
    }

    /** Options of {@link ClaimsPassthrough}, named as in the seed's {@code customClaimsPassthrough}. */
    public static final class Builder {

        private boolean fromAccessToken = true;
        private boolean fromIdToken = true;
        private String claimPrefix = "";
        private Set<String> allowedClaims;
        private Set<String> blockedClaims = Set.of();
        private int maxClaimValueSize = DEFAULT_MAX_CLAIM_VALUE_SIZE;
        private boolean allowComplexClaims;

        private Builder() {
        }

        /** Copy claims from the upstream access token when it is a JWT (default {@code true}). */
        public Builder fromAccessToken(boolean fromAccessToken) {
            this.fromAccessToken = fromAccessToken;
            return this;
        }

        /** Copy claims from the upstream ID token (default {@code true}). */
        public Builder fromIdToken(boolean fromIdToken) {
            this.fromIdToken = fromIdToken;
            return this;
        }

        /**
         * A prefix for every copied claim name, e.g. {@code "upstream_"} (default none, so role checks see the
         * upstream names). {@code null} or empty means none.
         */
        public Builder claimPrefix(String claimPrefix) {
            this.claimPrefix = claimPrefix == null ? "" : claimPrefix;
            return this;
        }

        /** Copy only these claims (default: all that pass the other rules). No names at all copies nothing. */
        public Builder allowedClaims(String... names) {
            this.allowedClaims = names(names, "allowedClaims");
            return this;
        }

        /** Never copy these claims. */
        public Builder blockedClaims(String... names) {
            this.blockedClaims = names(names, "blockedClaims");
            return this;
        }

        /** The largest string value, or JSON form of an array or object, copied (default 2000 characters). */
        public Builder maxClaimValueSize(int maxClaimValueSize) {
            if (maxClaimValueSize <= 0) {
                throw new IllegalArgumentException("maxClaimValueSize must be positive; got " + maxClaimValueSize
                        + ". The default is " + DEFAULT_MAX_CLAIM_VALUE_SIZE + " characters");
            }
            this.maxClaimValueSize = maxClaimValueSize;
            return this;
        }

        /**
         * Also copy objects and arrays that are not plain lists of strings (default {@code false}; lists of strings
         * such as {@code roles} are always copied).
         */
        public Builder allowComplexClaims(boolean allowComplexClaims) {
            this.allowComplexClaims = allowComplexClaims;
            return this;
        }

        public ClaimsPassthrough build() {
            return new ClaimsPassthrough(this, true);
        }

        private static Set<String> names(String[] names, String option) {
            Objects.requireNonNull(names, option + " must not be null");
            for (String name : names) {
                if (name == null || name.isEmpty()) {
                    throw new IllegalArgumentException(option + " must not contain a null or empty claim name");
                }
            }
            return Set.copyOf(Arrays.asList(names));
        }
    }
}
