package dev.fastmcp;

/**
 * Authenticates each HTTP request to the MCP endpoint (and to authenticated routes), for API keys and custom
 * schemes. It runs once per HTTP request, on a worker thread.
 *
 * <ul>
 *   <li>Return a session to authenticate the request; it reaches tools through {@link Context#auth()}.</li>
 *   <li>Return {@code null} to refuse it: the client gets 401.</li>
 *   <li>Throw {@link HttpResponseException} to answer with a response of your own (status, headers, body).</li>
 *   <li>Any other exception also gives 401, with a generic message; the exception is logged on the server.</li>
 * </ul>
 *
 * <pre>{@code
 * .authenticate(request -> "secret-key".equals(request.header("x-api-key"))
 *         ? AuthSession.of("api-client", List.of("read"))
 *         : null)
 * }</pre>
 */
@FunctionalInterface
public interface Authenticator {

    /** The session for this request, or null to refuse it. The request's body is not available here. */
    AuthSession authenticate(ServerRequest request) throws Exception;
}
