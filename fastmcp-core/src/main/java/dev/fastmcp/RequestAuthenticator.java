package dev.fastmcp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured {@link Authenticator} for a request and turns its refusals into 401s; with none
 * configured every request passes with no session.
 */
final class RequestAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAuthenticator.class);
    static final RequestAuthenticator NONE = new RequestAuthenticator(null);

    private final Authenticator authenticator;

    RequestAuthenticator(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    boolean enabled() {
        return authenticator != null;
    }

    /**
     * The caller's session; null when no authentication is configured.
     *
     * @throws JsonRpcException      401 when the request is refused
     * @throws HttpResponseException when the authenticator chose the response itself
     */
    AuthSession authenticate(ServerRequest request, Object requestId) {
        if (authenticator == null) {
            return null;
        }
        AuthSession session;
        try {
            session = authenticator.authenticate(request);
        } catch (HttpResponseException e) {
            throw e;
        } catch (Exception e) {
            LOG.warn("authenticate failed for {} {}; answering 401", request.method(), request.path(), e);
            throw unauthorized(requestId);
        }
        if (session == null) {
            throw unauthorized(requestId);
        }
        return session;
    }

    private static JsonRpcException unauthorized(Object requestId) {
        return new JsonRpcException(401, requestId, -32001, "Unauthorized: authentication required");
    }
}
