package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The client of one 2026-07-28 request: what it declared in the request's {@code _meta}, and the request's
 * response for progress and log messages. Log messages go only when the request asked for a level, from that level
 * up. There is no session.
 */
final class ModernChannel implements ClientChannel {

    private final ModernRequest request;
    private final ModernStream stream;
    private final InputRound round;
    private final boolean mayBecomeTask;

    /** @param mayBecomeTask whether {@link #runAsTask()} turns the call into a task */
    ModernChannel(ModernRequest request, ModernStream stream, InputRound round, boolean mayBecomeTask) {
        this.request = request;
        this.stream = stream;
        this.round = round;
        this.mayBecomeTask = mayBecomeTask;
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
    public Map<String, Object> ask(List<InputRequest> questions) {
        requireDeclared(request, questions);
        return round.answer(questions);
    }

    @Override
    public void runAsTask() {
        if (mayBecomeTask) {
            throw new Tasks.Escalation(round.answered());
        }
    }

    /** Refuses questions needing capabilities {@code request} does not declare, with -32021 naming them. */
    static void requireDeclared(ModernRequest request, List<InputRequest> questions) {
        Set<String> missing = new LinkedHashSet<>();
        for (InputRequest question : questions) {
            if (!request.declares(question.capability())) {
                missing.add(question.capability());
            }
        }
        if (!missing.isEmpty()) {
            throw new ClientRequestError(ModernProtocol.MISSING_CAPABILITY, "Missing required client capability: "
                    + "the call asks for input that needs the client to declare " + String.join(", ", missing),
                    Map.of("requiredCapabilities", ModernProtocol.capabilities(missing)));
        }
    }
}
