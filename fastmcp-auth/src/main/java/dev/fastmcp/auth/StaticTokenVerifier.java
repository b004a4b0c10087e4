package dev.fastmcp.auth;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.AuthSession;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.auth.internal.VerifierClaims;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * <b>For development and tests only — never in production.</b> Accepts a fixed set of token strings, each
 * mapped to the claims of its caller. The tokens never expire unless given an {@code exp}, cannot be revoked or
 * rotated without a redeploy, and sit in your configuration in plain text. Constructing one logs a warning.
 *
 * <pre>{@code
 * TokenVerifier verifier = new StaticTokenVerifier(Map.of(
 *         "dev-alice-token", Map.of("sub", "alice", "scopes", List.of("read", "write")),
 *         "dev-bob-token", Map.of("sub", "bob", "client_id", "cli", "scope", "read")));
 * }</pre>
 *
 * <p>Each entry's claims may hold
 * <ul>
 *   <li>{@code sub}: the subject; when absent, {@code client_id} is used, and one of the two is required;
 *   <li>{@code client_id}: the client id;
 *   <li>{@code scopes}, else {@code scope}, else {@code scp}: a list of strings or a space-separated string;
 *   <li>{@code exp}: expiry as epoch seconds (a number) or an {@link Instant}; the token is refused from then on;
 *   <li>anything else, passed on in {@link AuthSession#claims()}.
 * </ul>
 *
 * <p><b>As an auth provider.</b> It is also an {@link AuthProvider}, so a development server can be protected
 * with it directly; clients then send one of the fixed tokens as {@code Authorization: Bearer <token>}:
 *
 * <pre>{@code
 * FastMCP.builder("notes", "1.0.0")
 *         .auth(new StaticTokenVerifier(Map.of("dev-alice-token", Map.of("sub", "alice", "scope", "notes:read"))))
 *         .addTool(...)
 *         .build()
 *         .start();
 * }</pre>
 *
 * The protected resource metadata it leads to lists <em>no authorization server</em> (RFC 9728 requires one for
 * OAuth discovery), so real MCP clients that sign users in through OAuth cannot obtain a token: they must be
 * given one of the fixed tokens. Use it for development and tests only; in production use
 * {@link RemoteAuthProvider} or the OAuth proxy.
 *
 * <p>Presented tokens are compared by their SHA-256 digests with {@link MessageDigest#isEqual}, against every
 * entry without stopping at a match, so the time taken does not reveal how much of a secret a guess got right.
 * Only the digests are kept. Instances are immutable and thread-safe.
 */
public final class StaticTokenVerifier implements TokenVerifier, AuthProvider {

    private static final Logger LOG = LoggerFactory.getLogger(StaticTokenVerifier.class);

    private record Entry(byte[] digest, AuthSession session) {
    }

    private final List<Entry> entries;
    private final Set<String> requiredScopes;

    /**
     * A verifier accepting exactly the keys of {@code tokens}.
     *
     * @param tokens token string → claims of its caller
     * @throws IllegalArgumentException when a token is blank or an entry lacks {@code sub} and {@code client_id}
     *                                  or has an unreadable {@code exp}
     */
    public StaticTokenVerifier(Map<String, ? extends Map<String, ?>> tokens) {
        this(tokens, List.of());
    }

    /**
     * A verifier accepting exactly the keys of {@code tokens}, each only when it grants all of
     * {@code requiredScopes}.
     *
     * @param tokens         token string → claims of its caller
     * @param requiredScopes scopes every token must grant
     * @throws IllegalArgumentException as {@link #StaticTokenVerifier(Map)}
     */
    public StaticTokenVerifier(Map<String, ? extends Map<String, ?>> tokens, Collection<String> requiredScopes) {
        if (tokens == null) {
            throw new IllegalArgumentException("tokens is null; pass a map of token string to claims");
        }
        this.requiredScopes = Set.copyOf(VerifierClaims.names(requiredScopes, "requiredScopes"));
        List<Entry> entries = new ArrayList<>(tokens.size());
        tokens.forEach((token, claims) -> entries.add(entry(token, claims)));
        this.entries = List.copyOf(entries);
        LOG.warn("StaticTokenVerifier accepts {} fixed token(s). It is for development and tests only; "
                + "use JWTVerifier, or an auth provider such as RemoteAuthProvider or OAuthProxy, in production.",
                entries.size());
    }

    /** Verifies a bearer token; never throws for a bad token. */
    @Override
    public TokenVerification verify(String token) {
        if (token == null || token.isEmpty()) {
            return TokenVerification.invalid("token is empty");
        }
        byte[] digest = sha256(token);
        AuthSession match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest)) {
                match = entry.session();
            }
        }
        if (match == null) {
            return TokenVerification.invalid("unknown token");
        }
        if (match.expiresAt() != null && !Instant.now().isBefore(match.expiresAt())) {
            return TokenVerification.invalid("token expired at " + match.expiresAt());
        }
        String missing = VerifierClaims.missingScopes(requiredScopes, match.scopes());
        return missing != null ? TokenVerification.invalid(missing) : TokenVerification.valid(match);
    }

    /** This verifier itself. */
    @Override
    public TokenVerifier tokenVerifier() {
        return this;
    }

    /**
     * None: the fixed tokens are handed out by hand, so the metadata names no authorization server and OAuth
     * clients cannot sign in (development and tests only).
     */
    @Override
    public List<String> authorizationServers() {
        return List.of();
    }

    /** The scopes the tokens must grant, if any were given; listed in the metadata and the 401 challenge. */
    @Override
    public List<String> scopesSupported() {
        return List.copyOf(new TreeSet<>(requiredScopes));
    }

    @Override
    public void configure(ServerUrls urls) {
        LOG.warn("Server at {} is protected by a StaticTokenVerifier: its metadata lists no authorization "
                + "server, so OAuth clients cannot sign in; send one of the fixed tokens instead. "
                + "Development and tests only.", urls.resource());
    }

    @Override
    public String toString() {
        return "StaticTokenVerifier[" + entries.size() + " token(s)]";
    }

    private static Entry entry(String token, Map<String, ?> raw) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("tokens contains a blank or null token; use non-empty strings");
        }
        Map<String, Object> claims = VerifierClaims.freeze(raw == null ? Map.of() : raw);
        Object subject = claims.getOrDefault("sub", claims.get("client_id"));
        if (!(subject instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("a token's claims " + claims.keySet() + " have no string sub or "
                    + "client_id; add \"sub\": \"<user id>\" to identify its caller");
        }
        Object clientId = claims.get("client_id");
        AuthSession session = AuthSession.of(s, clientId instanceof String c ? c : null,
                VerifierClaims.scopes(claims, "scopes", "scope", "scp"), claims, expiry(claims.get("exp")));
        return new Entry(sha256(token), session);
    }

    private static Instant expiry(Object exp) {
        if (exp == null) {
            return null;
        }
        if (exp instanceof Instant instant) {
            return instant;
        }
        if (exp instanceof Number seconds) {
            return Instant.ofEpochSecond(seconds.longValue());
        }
        throw new IllegalArgumentException("a token's exp is a " + exp.getClass().getSimpleName()
                + "; use epoch seconds (a number) or an Instant");
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
