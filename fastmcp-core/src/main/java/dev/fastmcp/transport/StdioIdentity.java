package dev.fastmcp.transport;

import dev.fastmcp.AuthSession;
import dev.fastmcp.HttpResponseException;
import dev.fastmcp.ServerRequest;
import dev.fastmcp.server.Access;
import dev.fastmcp.server.Components;
import dev.fastmcp.server.JsonRpcException;
import dev.fastmcp.server.Settings;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who the caller of a stdio session is, decided once at start: the identity the developer gave in code
 * ({@code StartOptions.identity}), trusted as it is; else {@code FASTMCP_STDIO_TOKEN} from the environment, verified
 * by the server's own authentication as the bearer token of an HTTP request ({@link RequestAuthenticator}), never
 * trusted unverified; else nobody, with a warning when components check who calls and so are hidden.
 */
final class StdioIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(StdioIdentity.class);
    static final String TOKEN_VARIABLE = "FASTMCP_STDIO_TOKEN";

    private StdioIdentity() {
    }

    /**
     * The caller of every request of the stdio session.
     *
     * @throws IllegalStateException when the environment's token is refused, or there is nothing to verify it with
     */
    static Access.Caller of(Settings settings, ResolvedOptions o, Components components) {
        AuthSession session = o.stdioIdentity();
        if (session != null) {
            if (o.stdioToken() != null) {
                LOG.warn("MCP server '{}': {} is ignored, since the stdio session has an identity given in code",
                        settings.name(), TOKEN_VARIABLE);
            }
        } else if (o.stdioToken() != null) {
            session = verified(settings, o);
        }
        if (session == null) {
            List<String> guarded = components.guarded();
            if (!guarded.isEmpty()) {
                LOG.warn("MCP server '{}' serves on stdio without an identity, so what checks who calls (canAccess) "
                        + "sees no caller, and what needs one is hidden from the client: {}. Give the session an "
                        + "identity: StartOptions.stdio().identity(...) in code, or a token in {} that the server's "
                        + "auth provider or authenticate hook accepts", settings.name(),
                        guarded.size() <= 5 ? String.join(", ", guarded)
                                : String.join(", ", guarded.subList(0, 5)) + " and " + (guarded.size() - 5) + " more",
                        TOKEN_VARIABLE);
            }
            return Access.Caller.ANONYMOUS;
        }
        return Access.Caller.of(session, false, settings.scopeHierarchy());
    }

    /** The session of the environment's token, checked as an HTTP request's bearer token would be. */
    private static AuthSession verified(Settings settings, ResolvedOptions o) {
        RequestAuthenticator authenticator = new RequestAuthenticator(settings.authenticator(), settings.provider(),
                request -> "", settings.requiredScopes(), settings.scopeHierarchy());
        if (!authenticator.enabled()) {
            throw new IllegalStateException(TOKEN_VARIABLE + " is set, but MCP server '" + settings.name()
                    + "' has no authentication to verify it with: configure auth(...) or authenticate(...) on the "
                    + "builder, give the identity in code (StartOptions.stdio().identity(...)), or unset it");
        }
        // The token travels as an HTTP request's would; nothing else of a request exists on stdio.
        ServerRequest request = new ServerRequest("POST", o.endpoint(),
                Map.of("authorization", List.of("Bearer " + o.stdioToken())), Map.of(), Map.of(), null, null, null);
        AuthSession session;
        try {
            session = authenticator.authenticate(request, null);
        } catch (JsonRpcException | HttpResponseException e) {
            throw new IllegalStateException(TOKEN_VARIABLE + " was refused by the authentication of MCP server '"
                    + settings.name() + "' (" + (e instanceof JsonRpcException j ? j.getMessage()
                    : "the authenticate hook answered itself") + "); give a token it accepts, or unset it");
        }
        LOG.info("MCP server '{}': the stdio session's caller is '{}', from {}", settings.name(),
                dev.fastmcp.server.LogValues.safe(session.subject()), TOKEN_VARIABLE);
        return session;
    }
}
