package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import org.slf4j.Logger;

/**
 * What the server does with a client's notifications and responses, the same on every transport.
 * {@code notifications/cancelled} cancels the request it names (and is ignored when it names none);
 * {@code notifications/initialized} goes to the SDK session; every other notification is ignored. The server does
 * not use roots, so {@code notifications/roots/list_changed} is ignored too: handing it to the SDK would make the
 * server ask the client for its roots (and log them) at each one. Ignoring is logged at debug, with the method
 * only: any client can send any number of notifications, so they must not fill the log.
 */
public final class ClientMessages {

    public static final String CANCELLED = "notifications/cancelled";

    private ClientMessages() {
    }

    /** Whether the SDK session is to handle {@code method}; all others are ignored (see {@link #ignored}). */
    public static boolean forSdk(String method) {
        return McpSchema.METHOD_NOTIFICATION_INITIALIZED.equals(method);
    }

    /**
     * The id of the request a {@code notifications/cancelled} names, as the transports key requests in progress;
     * null when it names none (no params, no or a null {@code requestId}, or one of the wrong type).
     */
    public static Object cancelledRequestId(Object params) {
        if (!(params instanceof Map<?, ?> map)) {
            return null;
        }
        Object id = map.get("requestId");
        if (id instanceof Long l && l == l.intValue()) {
            return l.intValue(); // request ids that fit an int are parsed as Integer
        }
        return id instanceof String || id instanceof Number ? id : null;
    }

    /**
     * Whether a client's response can answer a request of the server: the SDK names those {@code <session>-<n>}.
     * Others are dropped before the SDK sees them, since it logs every response it gets (and one without an id at
     * error level), which would let any client write into the log.
     */
    public static boolean answersServerRequest(Object responseId, String sessionId) {
        return responseId instanceof String id && id.startsWith(sessionId + "-")
                && id.chars().skip(sessionId.length() + 1).allMatch(Character::isDigit);
    }

    /** Logs, at debug, that a notification was ignored. */
    public static void ignored(Logger log, String method) {
        if (log.isDebugEnabled()) {
            log.debug("Ignored the client notification {}", LogValues.safe(method));
        }
    }
}
