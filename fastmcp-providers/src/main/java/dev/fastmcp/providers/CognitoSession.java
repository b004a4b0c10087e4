package dev.fastmcp.providers;

import dev.fastmcp.auth.proxy.ProxySession;
import java.util.List;
import java.util.Set;

/**
 * The session of a user signed in with {@link CognitoProvider}:
 * {@code Auth.getAuthSession(ctx, CognitoSession.class)}. The fields come from the user pool's verified ID and access
 * tokens; each is null when the pool did not send it (the attributes need the {@code openid} scope with
 * {@code email}, {@code phone} or {@code profile}, and read access for the app client).
 * {@code upstreamTokens().accessToken()} calls AWS for the user, or your APIs that accept the pool's tokens.
 */
public final class CognitoSession extends ProxySession {

    private final String username;
    private final String email;
    private final Boolean emailVerified;
    private final String phoneNumber;
    private final List<String> groups;

    CognitoSession(ProxySession base) {
        super(base);
        String name = Claims.string(upstreamClaims(), "cognito:username");
        this.username = name != null ? name : Claims.string(upstreamClaims(), "username");
        this.email = Claims.string(upstreamClaims(), "email");
        this.emailVerified = Claims.bool(upstreamClaims(), "email_verified");
        this.phoneNumber = Claims.string(upstreamClaims(), "phone_number");
        this.groups = Claims.strings(upstreamClaims(), "cognito:groups");
    }

    /**
     * The user's name in the pool ({@code cognito:username} of the ID token, {@code username} of the access token):
     * a user of a federated identity provider has one such as {@code google_1043...}. It is not the subject, which is
     * {@code sub}.
     */
    public String username() {
        return username;
    }

    /** The user's e-mail address. */
    public String email() {
        return email;
    }

    /** Whether the pool verified {@link #email()}; Cognito may send it as a string, read here as a boolean. */
    public Boolean emailVerified() {
        return emailVerified;
    }

    /** The user's phone number, in E.164 form ({@code +12065551212}), when the pool has one and the scope reads it. */
    public String phoneNumber() {
        return phoneNumber;
    }

    /** The user's groups in the pool ({@code cognito:groups}); empty when none. */
    public List<String> groups() {
        return groups;
    }

    /** The user's groups, together with any {@code roles} of the session's claims: {@code requireRole("admin")}. */
    @Override
    public Set<String> roles() {
        return Claims.roles(groups, super.roles());
    }
}
