package dev.fastmcp.server;

import dev.fastmcp.AuthSession;
import dev.fastmcp.Context;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Context} of one call, on whichever revision it came: {@code channel} reaches its client. */
final class CallContext implements Context, Context.Log {

    private static final Logger LOG = LoggerFactory.getLogger(CallContext.class);

    private final RequestScope scope;
    private final ClientChannel channel;
    private final Object progressToken;
    private final String loggerName;
    private volatile boolean timedOut;

    CallContext(McpTransportContext transportContext, ClientChannel channel, Map<String, Object> meta,
            String loggerName) {
        this.scope = RequestScope.of(transportContext);
        this.channel = channel;
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
        return channel.sessionId();
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
        return channel.clientInfo();
    }

    @Override
    public McpSchema.ClientCapabilities clientCapabilities() {
        return channel.clientCapabilities();
    }

    @Override
    public Log log() {
        return this;
    }

    @Override
    public void log(McpSchema.LoggingLevel level, String message, Object data) {
        Objects.requireNonNull(level, "level == null");
        if (!channel.logs(level) || isCancelled()) {
            return;
        }
        String text = data == null ? message : Json.string(withData(message, data));
        try {
            channel.log(McpSchema.LoggingMessageNotification.builder(level, text).logger(loggerName).build());
        } catch (RuntimeException e) {
            LOG.debug("Could not send a log message to the client: {}", e.toString());
        }
    }

    @Override
    public void reportProgress(double progress, Double total, String message) {
        if (progressToken == null || isCancelled()) {
            return;
        }
        try {
            channel.progress(new McpSchema.ProgressNotification(progressToken, progress, total, message, null));
        } catch (RuntimeException e) {
            LOG.debug("Could not send progress to the client: {}", e.toString());
        }
    }

    @Override
    public McpSchema.ElicitResult elicit(String message, Map<String, Object> requestedSchema) {
        Objects.requireNonNull(message, "message == null");
        Objects.requireNonNull(requestedSchema, "requestedSchema == null");
        return channel.elicit(message, requestedSchema);
    }

    @Override
    public McpSchema.CreateMessageResult sample(McpSchema.CreateMessageRequest request) {
        Objects.requireNonNull(request, "request == null");
        return channel.sample(request);
    }

    @Override
    public void closeSseStream() {
        scope.closeStream();
    }

    @Override
    public boolean isCancelled() {
        return timedOut || scope.cancelled();
    }

    private static Map<String, Object> withData(String message, Object data) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("message", message);
        map.put("data", data);
        return map;
    }
}
