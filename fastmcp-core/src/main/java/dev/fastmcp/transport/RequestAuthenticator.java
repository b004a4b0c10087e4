package dev.fastmcp.transport;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.AuthSession;
import dev.fastmcp.Authenticator;
import dev.fastmcp.HttpResponseException;
import dev.fastmcp.ServerRequest;
import dev.fastmcp.ServiceUnavailableException;
import dev.fastmcp.TokenVerification;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.server.Access;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.LogValues;
import dev.fastmcp.server.Scopes;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates a request to the MCP endpoint (or an authenticated route): with the {@link Authenticator}
 * hook when one is set, else with the {@link AuthProvider}'s bearer token verification; with neither, every
 * request passes with no session. Refusals are 401s (and 403s for missing server-wide scopes) carrying the
 * RFC 6750 / RFC 9728 {@code WWW-Authenticate} challenge. Tokens and headers never reach logs or bodies.
 */
final class RequestAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAuthenticator.class);

    private final Authenticator authenticator;
    private final AuthProvider provider;
    private final BearerChallenge challenge;
    private final Set<String> requiredScopes;
    private final Scopes scopeHierarchy;
    private final TokenVerifier testIdentities;

    RequestAuthenticator(Authenticator authenticator, AuthProvider provider,
            java.util.function.Function<ServerRequest, String> resourceMetadataUrl, List<String> requiredScopes,
            Scopes scopeHierarchy) {
        this(authenticator, provider, resourceMetadataUrl, requiredScopes, scopeHierarchy, null);
    }

    /** @param testIdentities the verifier of test identities, consulted first; null when none */
    RequestAuthenticator(Authenticator authenticator, AuthProvider provider,
            java.util.function.Function<ServerRequest, String> resourceMetadataUrl, List<String> requiredScopes,
            Scopes scopeHierarchy, TokenVerifier testIdentities) {
        this.testIdentities = testIdentities;
        this.authenticator = authenticator;
        this.provider = provider;
        this.requiredScopes = Set.copyOf(requiredScopes);
        this.scopeHierarchy = scopeHierarchy;
        this.challenge = new BearerChallenge(resourceMetadataUrl, !requiredScopes.isEmpty() ? requiredScopes
                : provider == null ? List.of() : provider.scopesSupported());
    }

    /** The challenges this server answers refusals with. */
    BearerChallenge challenge() {
        return challenge;
    }

    /**
     * The caller of a request to the MCP endpoint: {@link #authenticate}, with whether its session came from a
     * bearer token (and so may step up to more scopes).
     */
    Access.Caller caller(ServerRequest request, Object requestId) {
        return Access.Caller.of(authenticate(request, requestId), bearerTokens(), scopeHierarchy);
    }

    /** Whether sessions come from OAuth bearer tokens (so a scope refusal can be answered with a step-up). */
    boolean bearerTokens() {
        return authenticator == null && provider != null;
    }

    /**
     * Whether a request with this {@code Authorization} header is refused whatever else it carries: the server
     * takes bearer tokens and it has none. Such a request is answered before its body is read.
     */
    boolean refusesWithoutToken(String authorization) {
        return bearerTokens() && bearerToken(authorization) == null;
    }

    boolean enabled() {
        return authenticator != null || provider != null;
    }

    /**
     * The caller's session; null when no authentication is configured.
     *
     * @throws JsonRpcException      401 (or 403) when the request is refused
     * @throws HttpResponseException when the authenticate hook chose the response itself
     */
    AuthSession authenticate(ServerRequest request, Object requestId) {
        AuthSession test = testIdentities == null ? null : testIdentity(request, requestId);
        if (test != null) {
            return test;
        }
        if (authenticator != null) {
            return hook(request, requestId);
        }
        if (provider == null) {
            return null;
        }
        String token = bearerToken(request.header("authorization"));
        if (token == null) {
            throw challenge.unauthorized(request, requestId, null, null, "Unauthorized: a bearer token is required");
        }
        TokenVerification verification;
        try {
            verification = provider.tokenVerifier().verify(token);
        } catch (ServiceUnavailableException e) {
            // Whether the token was revoked cannot be known now: not accepted, and not the caller's fault either.
            throw unavailable(requestId, e);
        } catch (RuntimeException e) {
            LOG.warn("Token verification failed unexpectedly; answering 401: {}", e.getClass().getName());
            verification = TokenVerification.invalid("the token could not be verified");
        }
        if (!verification.isValid()) {
            LOG.debug("Bearer token refused: {}", verification.error());
            throw challenge.unauthorized(request, requestId, "invalid_token", verification.error(),
                    "Unauthorized: the access token is invalid or expired");
        }
        return withRequiredScopes(request, requestId, verification.session());
    }

    private AuthSession withRequiredScopes(ServerRequest request, Object requestId, AuthSession session) {
        if (!scopeHierarchy.missing(session.scopes(), requiredScopes).isEmpty()) {
            Set<String> wanted = new LinkedHashSet<>(session.scopes());
            wanted.addAll(requiredScopes);
            throw challenge.insufficientScope(request, requestId, wanted);
        }
        return session;
    }

    /**
     * The session of a test identity's token (see {@code StartOptions.trustTestIdentities}), held to the server's
     * required scopes as a verified token is; null when the request carries none, so that the server's own
     * authentication decides.
     */
    private AuthSession testIdentity(ServerRequest request, Object requestId) {
        String token = bearerToken(request.header("authorization"));
        TokenVerification verification;
        try {
            verification = token == null ? null : testIdentities.verify(token);
        } catch (RuntimeException e) {
            LOG.warn("The verifier of test identities failed ({}); the token goes to the server's own "
                    + "authentication", e.getClass().getName());
            return null;
        }
        if (verification == null || !verification.isValid()) {
            return null;
        }
        if (!enabled()) {
            throw new JsonRpcException(401, requestId, -32001, "Unauthorized: the request carries a test identity, "
                    + "but this server has no authentication (auth(...) or authenticate(...) on the builder), so "
                    + "none of its real callers could have one: test it without an identity");
        }
        return withRequiredScopes(request, requestId, verification.session());
    }

    /** The 503 of a request whose credentials cannot be checked now (a storage down): retry later. */
    private static JsonRpcException unavailable(Object requestId, ServiceUnavailableException e) {
        LOG.debug("Credentials could not be checked: {}", e.getMessage());
        return new JsonRpcException(503, requestId, -32603, "Service unavailable: the server cannot check "
                + "credentials at the moment; retry later", Map.of("Retry-After", e.retryAfterHeader()));
    }

    private AuthSession hook(ServerRequest request, Object requestId) {
        AuthSession session;
        try {
            session = authenticator.authenticate(request);
        } catch (HttpResponseException e) {
            throw e;
        } catch (ServiceUnavailableException e) {
            throw unavailable(requestId, e);
        } catch (Exception e) {
            LOG.warn("authenticate failed for {} {}; answering 401 ({})", request.method(),
                    LogValues.safe(request.path()), e.getClass().getName());
            // Messages can quote what the hook was parsing (UUID.fromString and Integer.parseInt do), so only
            // the classes and stack frames are logged.
            LOG.debug("authenticate failure (exception messages withheld: they may quote credentials)",
                    withoutMessages(e, 0));
            throw hookRefused(request, requestId);
        }
        if (session == null) {
            throw hookRefused(request, requestId);
        }
        return session;
    }

    /**
     * The 401 of a request the hook refused. With an auth provider configured too, it carries the provider's
     * challenge: the hook may accept other credentials, but an OAuth client can still only learn where to sign in
     * from {@code resource_metadata}. Without one there is no metadata to point to, and no scheme to name.
     */
    private JsonRpcException hookRefused(ServerRequest request, Object requestId) {
        String message = "Unauthorized: authentication required";
        return provider == null ? new JsonRpcException(401, requestId, -32001, message)
                : challenge.unauthorized(request, requestId, null, null, message);
    }

    /** The token of an {@code Authorization: Bearer} header; null when absent or another scheme. */
    static String bearerToken(String authorization) {
        if (authorization == null) {
            return null;
        }
        // Index arithmetic rather than trim/substring/toLowerCase: tokens are long and this runs for every request.
        int start = 0;
        int end = authorization.length();
        while (start < end && authorization.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && authorization.charAt(end - 1) <= ' ') {
            end--;
        }
        if (end - start < 7 || !authorization.regionMatches(true, start, "bearer ", 0, 7)) {
            return null;
        }
        start += 7;
        while (start < end && authorization.charAt(start) <= ' ') {
            start++;
        }
        return start == end ? null : authorization.substring(start, end);
    }

    /** {@code e}'s chain of exception classes and stack frames, without the messages. */
    private static Throwable withoutMessages(Throwable e, int depth) {
        Throwable cause = e.getCause();
        return new Redacted(e, cause == null || cause == e || depth >= 16 ? null : withoutMessages(cause, depth + 1));
    }

    /** Stands in for an exception in logs: its class name and stack trace only. */
    private static final class Redacted extends Throwable {
        private final String type;

        Redacted(Throwable original, Throwable cause) {
            super(null, cause, false, true);
            this.type = original.getClass().getName();
            setStackTrace(original.getStackTrace());
        }

        @Override
        public String toString() {
            return type;
        }
    }
}
