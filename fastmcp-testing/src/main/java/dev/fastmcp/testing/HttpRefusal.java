package dev.fastmcp.testing;

/**
 * An HTTP refusal of a request, before any JSON-RPC answer: over HTTP, a caller the server does not accept gets a
 * 401, and one that lacks a scope a tool requires a 403 whose challenge asks for it (a step-up). In memory there is
 * no HTTP, so none.
 *
 * @param status          the HTTP status, 401 or 403
 * @param wwwAuthenticate the {@code WWW-Authenticate} challenge; null when none
 */
public record HttpRefusal(int status, String wwwAuthenticate) {

    static HttpRefusal of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.modelcontextprotocol.client.transport.McpHttpClientTransportAuthorizationException a
                    && a.getResponseInfo() != null) {
                return new HttpRefusal(a.getResponseInfo().statusCode(),
                        a.getResponseInfo().headers().firstValue("WWW-Authenticate").orElse(null));
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "HTTP " + status + (wwwAuthenticate == null ? "" : " (WWW-Authenticate: " + wwwAuthenticate + ")");
    }
}
