package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The client of one run of a task: what the request that created the task declared, and the answers the task holds.
 * A question it does not hold yet ends the run, and the task waits for it ({@code input_required}); the run after
 * the client answers ({@code tasks/update}) finds it. Log messages and progress notifications have nowhere to go
 * (the extension sends none); a progress message becomes the task's status message.
 */
final class TaskChannel implements ClientChannel {

    private final ModernRequest request;
    private final Map<String, Object> answers;
    private final Consumer<String> statusMessage;

    TaskChannel(TaskState task, Consumer<String> statusMessage) {
        this.request = task.request();
        this.answers = task.answers();
        this.statusMessage = statusMessage;
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
        return false;
    }

    @Override
    public void log(McpSchema.LoggingMessageNotification message) {
    }

    @Override
    public void progress(McpSchema.ProgressNotification progress) {
    }

    @Override
    public void status(String message) {
        statusMessage.accept(message);
    }

    @Override
    public Map<String, Object> ask(List<InputRequest> questions) {
        ModernChannel.requireDeclared(request, questions);
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, InputRequest> missing = new LinkedHashMap<>();
        for (InputRequest question : questions) {
            Object raw = answers.get(question.key());
            if (raw == null) {
                missing.put(question.key(), question);
                continue;
            }
            try {
                out.put(question.key(), question.decode(raw));
            } catch (IllegalArgumentException e) {
                throw new ClientRequestError(McpSchema.ErrorCodes.INVALID_PARAMS, "Invalid params: the answer "
                        + LogValues.safe(question.key()) + " does not answer " + question.method() + ": "
                        + e.getMessage(), null);
            }
        }
        if (!missing.isEmpty()) {
            throw new Tasks.InputNeeded(missing);
        }
        return out;
    }
}
