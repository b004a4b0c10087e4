package dev.fastmcp.server;

import java.util.Map;

/**
 * The response of one modern request as the call sees it while it runs: notifications about the request
 * (progress, log messages) go there before its result, on an SSE stream, or nowhere when the client takes JSON only.
 */
public interface ModernStream {

    /** Where nothing is sent before the result. */
    ModernStream NONE = (method, params) -> {
    };

    /** Sends the notification {@code method} with {@code params}, ahead of the result. */
    void notify(String method, Map<String, Object> params);
}
