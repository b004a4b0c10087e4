package dev.fastmcp.server;

import dev.fastmcp.AuthSession;
import dev.fastmcp.Context;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
    private final AtomicInteger unkeyed = new AtomicInteger();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

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
    public Map<String, String> headers() {
        return scope.headers();
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
        if (isCancelled()) {
            return;
        }
        try {
            if (message != null) {
                channel.status(message);
            }
            if (progressToken != null) {
                channel.progress(new McpSchema.ProgressNotification(progressToken, progress, total, message, null));
            }
        } catch (RuntimeException e) {
            LOG.debug("Could not send progress to the client: {}", e.toString());
        }
    }

    @Override
    public McpSchema.ElicitResult elicit(String message, Map<String, Object> requestedSchema) {
        String key = nextKey();
        return inputs().elicit(key, message, requestedSchema).await().elicitation(key);
    }

    @Override
    public McpSchema.CreateMessageResult sample(McpSchema.CreateMessageRequest request) {
        String key = nextKey();
        return inputs().sample(key, request).await().sampling(key);
    }

    @Override
    public McpSchema.ListRootsResult listRoots() {
        String key = nextKey();
        return inputs().listRoots(key).await().roots(key);
    }

    @Override
    public Inputs inputs() {
        return new CallInputs(this::ask);
    }

    /** The key of the next unkeyed question: its place among them, the same at every retry of the request. */
    private String nextKey() {
        return "input_" + unkeyed.incrementAndGet();
    }

    private Map<String, Object> ask(List<InputRequest> questions) {
        for (InputRequest question : questions) {
            if (!keys.add(question.key())) {
                throw new IllegalArgumentException("The input key '" + question.key() + "' is already asked in "
                        + "this call; give each question its own key");
            }
        }
        return channel.ask(questions);
    }

    @Override
    public void runAsTask() {
        channel.runAsTask();
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
