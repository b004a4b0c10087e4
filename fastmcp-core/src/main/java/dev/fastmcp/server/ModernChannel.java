package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The client of one 2026-07-28 request: what it declared in the request's {@code _meta}, and the request's
 * response for progress and log messages. Log messages go only when the request asked for a level, from that level
 * up. There is no session.
 */
final class ModernChannel implements ClientChannel {

    private final ModernRequest request;
    private final ModernStream stream;
    private final ClientInput input;

    ModernChannel(ModernRequest request, ModernStream stream, ClientInput input) {
        this.request = request;
        this.stream = stream;
        this.input = input;
    }

    @Override
    public String sessionId() {
        return null;
    }

    @Override
    public McpSchema.Implementation clientInfo() {
        return request.clientInfo();
    }

    @Override
    public McpSchema.ClientCapabilities clientCapabilities() {
        return request.clientCapabilities();
    }

    @Override
    public boolean logs(McpSchema.LoggingLevel level) {
        return request.logLevel() != null && level.level() >= request.logLevel().level();
    }

    @Override
    public void log(McpSchema.LoggingMessageNotification message) {
        if (!logs(message.level())) {
            return;
        }
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("level", Json.MAPPER.convertValue(message.level(), String.class));
        if (message.logger() != null) {
            params.put("logger", message.logger());
        }
        params.put("data", message.data());
        stream.notify("notifications/message", params);
    }

    @Override
    public void progress(McpSchema.ProgressNotification progress) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("progressToken", progress.progressToken());
        params.put("progress", progress.progress());
        if (progress.total() != null) {
            params.put("total", progress.total());
        }
        if (progress.message() != null) {
            params.put("message", progress.message());
        }
        stream.notify("notifications/progress", params);
    }

    @Override
    public McpSchema.ElicitResult elicit(String message, Map<String, Object> requestedSchema) {
        require("elicitation", "elicit");
        return input.elicit(request, message, requestedSchema);
    }

    @Override
    public McpSchema.CreateMessageResult sample(McpSchema.CreateMessageRequest sampling) {
        require("sampling", "sample");
        return input.sample(request, sampling);
    }

    private void require(String capability, String what) {
        if (!request.declares(capability)) {
            throw new ClientRequestError(ModernProtocol.MISSING_CAPABILITY, "Missing required client capability: "
                    + what + "() needs the client to declare " + capability,
                    Map.of("requiredCapabilities", ModernProtocol.capabilities(List.of(capability))));
        }
    }
}
