package dev.fastmcp.testing;

import dev.fastmcp.AuthSession;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who a test client is, without any sign-in: a subject, with the scopes, roles and claims its token would carry.
 * Immutable: each method returns a copy.
 *
 * <p>The client presents it as a bearer token, random and known to the test alone, which the server checks first
 * (see {@code StartOptions.trustTestIdentities}); the session it stands for then goes where a verified token's
 * goes: the server's required scopes, {@code canAccess}, the sessions bound to their subject, {@code Context.auth()}.
 * A server with no authentication refuses it: none of its real callers could have an identity.
 *
 * <pre>{@code
 * TestIdentity alice = TestIdentity.subject("alice").scopes("notes:read").roles("editor");
 * }</pre>
 */
public final class TestIdentity {

    private static final Set<String> OWN_CLAIMS = Set.of("sub", "client_id", "scope", "roles", "exp");

    private final String subject;
    private final String clientId;
    private final Set<String> scopes;
    private final Set<String> roles;
    private final Map<String, Object> claims;
    private final String accessToken;
    private final Instant expiresAt;

    private TestIdentity(String subject, String clientId, Set<String> scopes, Set<String> roles,
            Map<String, Object> claims, String accessToken, Instant expiresAt) {
        this.subject = subject;
        this.clientId = clientId;
        this.scopes = scopes;
        this.roles = roles;
        this.claims = claims;
        this.accessToken = accessToken;
        this.expiresAt = expiresAt;
    }

    /** An identity for {@code subject} (the user id), through the client {@code fastmcp-test-client}, no scopes. */
    public static TestIdentity subject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("A test identity needs a subject (a user id), was '" + subject + "'");
        }
        return new TestIdentity(subject, "fastmcp-test-client", Set.of(), Set.of(), Map.of(), null, null);
    }

    /** These scopes instead of the ones before. */
    public TestIdentity scopes(String... scopes) {
        return new TestIdentity(subject, clientId, names("scope", scopes), roles, claims, accessToken, expiresAt);
    }

    /** These roles (the {@code roles} claim, read by {@code Auth.requireRole}) instead of the ones before. */
    public TestIdentity roles(String... roles) {
        return new TestIdentity(subject, clientId, scopes, names("role", roles), claims, accessToken, expiresAt);
    }

    /**
     * One more claim, such as {@code email}. The subject, client, scopes, roles and expiry have methods of their own,
     * so their claims ({@code sub}, {@code client_id}, {@code scope}, {@code roles}, {@code exp}) are refused here.
     */
    public TestIdentity claim(String name, Object value) {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(value, "value == null");
        if (OWN_CLAIMS.contains(name)) {
            throw new IllegalArgumentException("The claim '" + name + "' is set by its own method of TestIdentity ("
                    + "subject, clientId, scopes, roles, expiresAt)");
        }
        Map<String, Object> more = new LinkedHashMap<>(claims);
        more.put(name, value);
        return new TestIdentity(subject, clientId, scopes, roles, Map.copyOf(more), accessToken, expiresAt);
    }

    /** The OAuth client the caller signed in through; default {@code fastmcp-test-client}. */
    public TestIdentity clientId(String clientId) {
        if (clientId == null || clientId.isBlank()) {
            throw new IllegalArgumentException("clientId must not be blank, was '" + clientId + "'");
        }
        return new TestIdentity(subject, clientId, scopes, roles, claims, accessToken, expiresAt);
    }

    /**
     * The token {@code AuthSession.accessToken()} gives a tool to call the identity provider's API with (under the
     * OAuth proxy, the upstream token), so that a test can point such calls at a fake of that API.
     */
    public TestIdentity accessToken(String accessToken) {
        return new TestIdentity(subject, clientId, scopes, roles, claims, Objects.requireNonNull(accessToken,
                "accessToken == null"), expiresAt);
    }

    /**
     * When the identity's token expires: from then on the server refuses it, as an expired token. Over HTTP every
     * request is checked; in memory the credential is checked when the client connects.
     */
    public TestIdentity expiresAt(Instant expiresAt) {
        return new TestIdentity(subject, clientId, scopes, roles, claims, accessToken,
                Objects.requireNonNull(expiresAt, "expiresAt == null"));
    }

    /** The subject. */
    public String subject() {
        return subject;
    }

    /** The scopes. */
    public Set<String> scopes() {
        return scopes;
    }

    /** The roles. */
    public Set<String> roles() {
        return roles;
    }

    /** The OAuth client. */
    public String clientId() {
        return clientId;
    }

    /** The further claims (those given with {@link #claim}). */
    public Map<String, Object> claims() {
        return claims;
    }

    /** The access token {@code AuthSession.accessToken()} gives; null when none. */
    public String accessToken() {
        return accessToken;
    }

    /** When the token expires; null when never. */
    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TestIdentity t && subject.equals(t.subject) && clientId.equals(t.clientId)
                && scopes.equals(t.scopes) && roles.equals(t.roles) && claims.equals(t.claims)
                && Objects.equals(accessToken, t.accessToken) && Objects.equals(expiresAt, t.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(subject, clientId, scopes, roles, claims, accessToken, expiresAt);
    }

    /** The session the server sees when it checks this identity's token. */
    AuthSession session() {
        Map<String, Object> all = new LinkedHashMap<>(claims);
        all.put("sub", subject);
        all.put("client_id", clientId);
        if (!scopes.isEmpty()) {
            all.put("scope", String.join(" ", scopes));
        }
        if (!roles.isEmpty()) {
            all.put("roles", List.copyOf(roles));
        }
        if (expiresAt != null) {
            all.put("exp", expiresAt.getEpochSecond());
        }
        return new Session(AuthSession.of(subject, clientId, scopes, Map.copyOf(all), expiresAt), accessToken);
    }

    @Override
    public String toString() {
        return "TestIdentity[" + subject + ", scopes=" + scopes + ", roles=" + roles + "]";
    }

    private static Set<String> names(String what, String... names) {
        Set<String> set = new LinkedHashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("A " + what + " must be a word without spaces, was '" + name + "'");
            }
            set.add(name);
        }
        return java.util.Collections.unmodifiableSet(set);
    }

    /** A plain session, with the access token a tool would get under token swap. */
    private record Session(AuthSession plain, String accessToken) implements AuthSession {
        @Override
        public String subject() {
            return plain.subject();
        }

        @Override
        public String clientId() {
            return plain.clientId();
        }

        @Override
        public Set<String> scopes() {
            return plain.scopes();
        }

        @Override
        public Map<String, Object> claims() {
            return plain.claims();
        }

        @Override
        public Instant expiresAt() {
            return plain.expiresAt();
        }

        @Override
        public String toString() {
            return "TestIdentity.Session[" + plain.subject() + "]";
        }
    }
}
