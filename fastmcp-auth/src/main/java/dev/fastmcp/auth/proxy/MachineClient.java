package dev.fastmcp.auth.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jose4j.jwk.JsonWebKey;

/**
 * A client that acts for itself, with no user behind it (a scheduled job, another service), registered with the
 * OAuth proxy by its operator and given tokens through the client-credentials grant: the MCP extension
 * {@code io.modelcontextprotocol/oauth-client-credentials}. It authenticates at {@code POST /oauth/token} with a
 * secret ({@code client_secret_basic}, or {@code client_secret_post}) or, better, with an RFC 7523 assertion signed
 * by its private key ({@code private_key_jwt}), and receives an access token of this proxy for the scopes it is
 * allowed, without a refresh token (it asks again). Its tokens have the client id as subject; they carry no upstream
 * identity ({@link ProxySession#upstreamTokens()} is null).
 *
 * <pre>{@code
 * OAuthProxy.builder(upstream)
 *         .clients(c -> c.clientCredentials(
 *                 MachineClient.withSecret("nightly-report", System.getenv("REPORT_CLIENT_SECRET"))
 *                         .scopes("notes:read"),
 *                 MachineClient.withPublicKeys("deploy-bot", Files.readString(Path.of("deploy-bot.jwks.json")))
 *                         .scopes("notes:read", "notes:write")))
 * }</pre>
 *
 * <p>Immutable; the secret is kept only as its SHA-256 digest and never shown by {@link #toString()}.
 */
public final class MachineClient {

    /** The shortest secret accepted: 32 characters, 128 bits as hex of random bytes. */
    public static final int MIN_SECRET_LENGTH = 32;

    private final String clientId;
    private final byte[] secretDigest;
    private final List<JsonWebKey> keys;
    private final List<String> scopes;
    private final Map<String, Object> claims;

    private MachineClient(String clientId, byte[] secretDigest, List<JsonWebKey> keys, List<String> scopes,
            Map<String, Object> claims) {
        this.clientId = clientId;
        this.secretDigest = secretDigest;
        this.keys = keys;
        this.scopes = scopes;
        this.claims = claims;
    }

    /**
     * A client authenticating with a shared secret, sent in the {@code Authorization} header (HTTP Basic) or in the
     * form. The secret must have at least {@value #MIN_SECRET_LENGTH} characters; generate one with
     * {@code openssl rand -hex 32} (hex: clients must form-urlencode a secret before HTTP Basic, and some send a
     * base64 {@code +} raw, which then arrives as a space), keep it out of source code, and give each client its own.
     */
    public static MachineClient withSecret(String clientId, String secret) {
        checkId(clientId);
        if (secret == null || secret.length() < MIN_SECRET_LENGTH || secret.isBlank()) {
            throw new IllegalArgumentException("The secret of machine client '" + clientId + "' is "
                    + (secret == null ? "missing" : secret.length() + " characters long") + "; it must have at least "
                    + MIN_SECRET_LENGTH + " characters of random data (generate one with `openssl rand -hex 32`)");
        }
        return new MachineClient(clientId, digest(secret), null, List.of(), Map.of());
    }

    /**
     * A client authenticating with {@code private_key_jwt} (RFC 7523): it signs each token request with its private
     * key, and {@code jwks} is its public JWK set ({@code {"keys": [...]}}, RSA, EC or OKP keys, no private members).
     * Each assertion must have {@code iss} and {@code sub} equal to the client id, {@code aud} this server's issuer
     * or token endpoint, an {@code exp} at most 10 minutes ahead and a {@code jti} used once.
     */
    public static MachineClient withPublicKeys(String clientId, String jwks) {
        checkId(clientId);
        Objects.requireNonNull(jwks, "jwks == null; pass the client's public JWK set as JSON");
        List<JsonWebKey> keys;
        try {
            keys = ClientIdDocuments.keySet(jwks, "JWK set of machine client '" + clientId + "'");
        } catch (OAuthError e) {
            throw new IllegalArgumentException(e.description);
        }
        return new MachineClient(clientId, null, keys, List.of(), Map.of());
    }

    /**
     * The scopes this client may be granted; it asks for some of them with {@code scope}, or gets them all by
     * asking for none. Default none: a token without scopes, enough only for tools that require none.
     */
    public MachineClient scopes(String... scopes) {
        for (String s : scopes) {
            if (s == null || s.isEmpty() || !s.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\')) {
                throw new IllegalArgumentException("Machine client '" + clientId + "': '" + s + "' is not a scope "
                        + "token (printable ASCII without spaces, quotes or backslashes)");
            }
        }
        return new MachineClient(clientId, secretDigest, keys, List.copyOf(new java.util.LinkedHashSet<>(
                Arrays.asList(scopes))), claims);
    }

    /**
     * Claims added to this client's access tokens, for access checks that read them
     * ({@code Auth.requireRole("reporting")} reads {@code roles}). The registered claims ({@code iss}, {@code sub},
     * {@code aud}, {@code exp}, {@code scope}, {@code client_id}, ...) cannot be set this way.
     */
    public MachineClient claims(Map<String, ?> claims) {
        Map<String, Object> copy = new LinkedHashMap<>();
        claims.forEach((name, value) -> {
            if (RESERVED.contains(name)) {
                throw new IllegalArgumentException("Machine client '" + clientId + "': the claim '" + name
                        + "' is set by the proxy; choose another name");
            }
            copy.put(name, Objects.requireNonNull(value, () -> "claim '" + name + "' == null"));
        });
        return new MachineClient(clientId, secretDigest, keys, scopes, Map.copyOf(copy));
    }

    /** The client id, given as {@code client_id} or as the assertion's {@code iss}. */
    public String clientId() {
        return clientId;
    }

    /** The scopes it may be granted. */
    public List<String> scopes() {
        return scopes;
    }

    /** The claims added to its tokens. */
    public Map<String, Object> claims() {
        return claims;
    }

    /** Whether it authenticates with signed assertions ({@code private_key_jwt}) rather than a secret. */
    public boolean usesKeys() {
        return keys != null;
    }

    /** Its public keys; null for a client with a secret. */
    List<JsonWebKey> keys() {
        return keys;
    }

    /** Whether {@code secret} is this client's secret, compared in constant time. */
    boolean secretMatches(String secret) {
        return secretDigest != null && secret != null && MessageDigest.isEqual(secretDigest, digest(secret));
    }

    private static final Set<String> RESERVED = Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "scope",
            "client_id", "azp", "token_use", "cnf", "act", "may_act");

    private static void checkId(String clientId) {
        if (ClientIdUrls.isUrl(clientId)) {
            throw new IllegalArgumentException("Machine client id '" + clientId + "' is a URL, which names a client "
                    + "by its metadata document; give machine clients a plain name such as 'nightly-report'");
        }
        if (clientId == null || clientId.isEmpty() || clientId.length() > 200
                || !clientId.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != ':')) {
            throw new IllegalArgumentException("Machine client id '" + clientId + "' must be 1 to 200 printable "
                    + "ASCII characters without spaces or ':' (HTTP Basic puts a ':' after it)");
        }
    }

    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "MachineClient[" + clientId + (keys != null ? ", private_key_jwt" : ", client secret") + ", scopes="
                + scopes + "]";
    }
}
