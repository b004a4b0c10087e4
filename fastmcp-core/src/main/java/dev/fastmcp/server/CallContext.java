package dev.fastmcp.server;

import dev.fastmcp.AuthSession;
import dev.fastmcp.Context;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Context} of one call; {@code exchange} is null in stateless mode. */
final class CallContext implements Context, Context.Log {

    private static final Logger LOG = LoggerFactory.getLogger(CallContext.class);

    private final RequestScope scope;
    private final McpAsyncServerExchange exchange;
    private final Object progressToken;
    private final String loggerName;
    private volatile boolean timedOut;

    CallContext(McpTransportContext transportContext, McpAsyncServerExchange exchange, Map<String, Object> meta,
            String loggerName) {
        this.scope = RequestScope.of(transportContext);
        this.exchange = exchange;
        this.progressToken = meta == null ? null : meta.get("progressToken");
        this.loggerName = loggerName;
    }

    void markTimedOut() {
        timedOut = true;
    }

    @Override
    public AuthSession auth() {
        return scope.caller().session();
    }

    @Override
    public String sessionId() {
        return exchange == null ? null : exchange.sessionId();
    }

    @Override
    public Object requestId() {
        return scope.requestId();
    }

    @Override
    public Object progressToken() {
        return progressToken;
    }

    @Override
    public McpSchema.Implementation clientInfo() {
        return exchange == null ? null : exchange.getClientInfo();
    }

    @Override
    public McpSchema.ClientCapabilities clientCapabilities() {
        return exchange == null ? null : exchange.getClientCapabilities();
    }

    @Override
    public Log log() {
        return this;
    }

    @Override
    public void log(McpSchema.LoggingLevel level, String message, Object data) {
        Objects.requireNonNull(level, "level == null");
        if (exchange == null || isCancelled()) {
            return;
        }
        String text = data == null ? message : Json.string(withData(message, data));
        try {
            exchange.loggingNotification(McpSchema.LoggingMessageNotification.builder(level, text)
                    .logger(loggerName).build()).block();
        } catch (RuntimeException e) {
            LOG.debug("Could not send a log message to the client: {}", e.toString());
        }
    }

    @Override
    public void reportProgress(double progress, Double total, String message) {
        if (exchange == null || progressToken == null || isCancelled()) {
            return;
        }
        try {
            exchange.progressNotification(new McpSchema.ProgressNotification(progressToken, progress, total, message,
                    null)).block();
        } catch (RuntimeException e) {
            LOG.debug("Could not send progress to the client: {}", e.toString());
        }
    }

    @Override
    public McpSchema.ElicitResult elicit(String message, Map<String, Object> requestedSchema) {
        Objects.requireNonNull(message, "message == null");
        Objects.requireNonNull(requestedSchema, "requestedSchema == null");
        requireExchange("elicit");
        McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
        if (caps == null || caps.elicitation() == null) {
            throw new IllegalStateException("The client did not declare the elicitation capability; "
                    + "check ctx.clientCapabilities() before calling elicit()");
        }
        return awaitClient(exchange.createElicitation(
                McpSchema.ElicitFormRequest.builder(message, requestedSchema).build()).block(), "elicitation");
    }

    @Override
    public McpSchema.CreateMessageResult sample(McpSchema.CreateMessageRequest request) {
        Objects.requireNonNull(request, "request == null");
        requireExchange("sample");
        McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
        if (caps == null || caps.sampling() == null) {
            throw new IllegalStateException("The client did not declare the sampling capability; "
                    + "check ctx.clientCapabilities() before calling sample()");
        }
        return awaitClient(exchange.createMessage(request).block(), "sampling");
    }

    @Override
    public void closeSseStream() {
        scope.closeStream();
    }

    @Override
    public boolean isCancelled() {
        return timedOut || scope.cancelled();
    }

    private void requireExchange(String what) {
        if (exchange == null) {
            throw new IllegalStateException(what + "() needs a session to reach the client, and this server runs "
                    + "in stateless mode; run it with sessions to use " + what + "()");
        }
    }

    private static <T> T awaitClient(T result, String what) {
        if (result == null) {
            throw new McpError(new McpSchema.JSONRPCResponse.JSONRPCError(McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "The client sent no " + what + " result", null));
        }
        return result;
    }

    private static Map<String, Object> withData(String message, Object data) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("message", message);
        map.put("data", data);
        return map;
    }
}
