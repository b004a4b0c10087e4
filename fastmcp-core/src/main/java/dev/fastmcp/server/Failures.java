package dev.fastmcp.server;

import dev.fastmcp.UserError;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client is told when handling its request fails, and what the server log gets: the one policy, used by the
 * session protocol (through the SDK), MCP 2026-07-28, stdio, stateless HTTP and tasks alike.
 *
 * <ul>
 *   <li>A {@link UserError} is meant for the client: its message reaches it unchanged, and nothing is logged as a
 *       server failure. So does a {@link CallerFacingException}, the server's own words to the caller.</li>
 *   <li>A protocol error ({@link McpError}, params of the wrong shape) keeps its code and message; it is logged at
 *       debug.</li>
 *   <li>Anything else is unexpected: it is logged at WARN in full (stack trace and causes) with a new correlation
 *       id, and the client learns only what failed and that id, since an exception's message may carry secrets
 *       (a password in a connection string, a path, a query). With {@code exposeExceptionDetailsInsecurely} the
 *       client gets the exception's text too, for development.</li>
 * </ul>
 */
public final class Failures {

    private static final Logger LOG = LoggerFactory.getLogger(Failures.class);

    /** What failed, in what clients are told: {@code Error <doing> '<name>'}. */
    static final String CALLING_TOOL = "calling tool";
    static final String READING_RESOURCE = "reading resource";
    static final String GETTING_PROMPT = "getting prompt";
    static final String COMPLETING = "completing argument";

    /** The default: unexpected failures masked. */
    public static final Failures MASKED = new Failures(false);

    private final boolean exposeDetails;

    public Failures(boolean exposeDetails) {
        this.exposeDetails = exposeDetails;
    }

    /** Whether clients get the text of unexpected exceptions (development only). */
    public boolean exposesDetails() {
        return exposeDetails;
    }

    /**
     * The result of a tool whose code threw {@code e}: the user error's message, or that the tool failed.
     *
     * @param cancelled whether the call was cancelled or timed out first (the failure is then expected, and
     *                  logged at debug)
     */
    McpSchema.CallToolResult ofTool(String tool, Exception e, boolean cancelled) {
        if (e instanceof UserError user) {
            return Results.userError(user);
        }
        if (e instanceof CallerFacingException) {
            return Results.toolError(e.getMessage());
        }
        return Results.toolError(unexpected(failed(CALLING_TOOL, tool, true), failed(CALLING_TOOL, tool, false), e,
                cancelled));
    }

    /**
     * The JSON-RPC error of user code that threw {@code e}: a resource, template, prompt or completion, or a tool
     * throwing what is not an {@code Exception}. {@code doing} says what failed ({@link #READING_RESOURCE}, ...)
     * and {@code name} which one (it may come from the request: it is made safe for the log).
     */
    McpError ofUserCode(String doing, String name, Throwable e, boolean cancelled) {
        if (e instanceof McpError mcp) {
            return mcp;
        }
        if (e instanceof UserError || e instanceof CallerFacingException) {
            return McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR).message(e.getMessage()).build();
        }
        return McpError.builder(McpSchema.ErrorCodes.INTERNAL_ERROR)
                .message(unexpected(failed(doing, name, true), failed(doing, name, false), e, cancelled)).build();
    }

    private static String failed(String doing, String name, boolean forLog) {
        return "Error " + doing + " '" + (forLog ? LogValues.safe(name) : name) + "'";
    }

    /**
     * The JSON-RPC error of a request that failed outside the handling of user code, or whose user code failed as
     * above already (the SDK, a transport, a step of MCP 2026-07-28).
     */
    public McpSchema.JSONRPCResponse.JSONRPCError ofRequest(Object requestId, Throwable failure) {
        return jsonRpc("Request " + LogValues.safe(requestId), failure);
    }

    /** The JSON-RPC error a task of {@code tool} ends with when its run failed (logged without the task's id). */
    McpSchema.JSONRPCResponse.JSONRPCError ofTask(String tool, Throwable failure) {
        return jsonRpc("A task of tool '" + tool + "'", failure);
    }

    private McpSchema.JSONRPCResponse.JSONRPCError jsonRpc(String what, Throwable failure) {
        if (failure instanceof McpError mcp && mcp.getJsonRpcError() != null) {
            LOG.debug("{} failed: {}", what, failure.toString());
            return mcp.getJsonRpcError();
        }
        if (Json.isInvalidParams(failure)) {
            LOG.debug("{} had invalid params: {}", what, failure.toString());
            return new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INVALID_PARAMS,
                    "Invalid params: the request's params do not have the expected shape", null);
        }
        return new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR,
                unexpected(what + " failed", "Internal error", failure, false), null);
    }

    /**
     * Logs an unexpected failure, {@code logged}, with a new correlation id; returns what the client is told of it:
     * {@code told}, the id, and with {@code exposeExceptionDetailsInsecurely} the exception.
     */
    private String unexpected(String logged, String told, Throwable e, boolean cancelled) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        if (cancelled) {
            LOG.debug("{} after cancellation (correlation id {}): {}", logged, id, e.toString());
        } else {
            LOG.warn("{} (correlation id {})", logged, id, e);
        }
        return told + (exposeDetails ? ": " + e : "") + " (correlation id " + id + ")";
    }
}
