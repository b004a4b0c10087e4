package dev.fastmcp.server;

import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The client of an SDK session (Streamable HTTP, stdio); without an exchange (stateless mode) nothing reaches it. */
final class SessionChannel implements ClientChannel {

    private final McpAsyncServerExchange exchange;

    SessionChannel(McpAsyncServerExchange exchange) {
        this.exchange = exchange;
    }

    @Override
    public String sessionId() {
        if (exchange == null) {
            return null;
        }
        String shared = RequestScope.of(exchange.transportContext()).sessionId();
        return shared != null ? shared : exchange.sessionId();
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
    public boolean logs(McpSchema.LoggingLevel level) {
        return exchange != null; // the SDK drops what is below the session's logging/setLevel
    }

    @Override
    public void log(McpSchema.LoggingMessageNotification message) {
        if (exchange != null) {
            exchange.loggingNotification(message).block();
        }
    }

    @Override
    public void progress(McpSchema.ProgressNotification progress) {
        if (exchange != null) {
            exchange.progressNotification(progress).block();
        }
    }

    @Override
    public Map<String, Object> ask(List<InputRequest> questions) {
        Map<String, Object> answers = new LinkedHashMap<>();
        for (InputRequest question : questions) {
            answers.put(question.key(), switch (question.method()) {
                case McpSchema.METHOD_ELICITATION_CREATE -> elicit(question.message(), question.schema());
                case McpSchema.METHOD_SAMPLING_CREATE_MESSAGE -> sample(question.sampling());
                default -> listRoots();
            });
        }
        return answers;
    }

    private McpSchema.ElicitResult elicit(String message, Map<String, Object> requestedSchema) {
        requireExchange("elicit");
        McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
        if (caps == null || caps.elicitation() == null) {
            throw new CallerFacingException("The client did not declare the elicitation capability; "
                    + "check ctx.clientCapabilities() before calling elicit()");
        }
        return awaitClient(exchange.createElicitation(
                McpSchema.ElicitFormRequest.builder(message, requestedSchema).build()).block(), "elicitation");
    }

    private McpSchema.CreateMessageResult sample(McpSchema.CreateMessageRequest request) {
        requireExchange("sample");
        McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
        if (caps == null || caps.sampling() == null) {
            throw new CallerFacingException("The client did not declare the sampling capability; "
                    + "check ctx.clientCapabilities() before calling sample()");
        }
        return awaitClient(exchange.createMessage(request).block(), "sampling");
    }

    private McpSchema.ListRootsResult listRoots() {
        requireExchange("listRoots");
        McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
        if (caps == null || caps.roots() == null) {
            throw new CallerFacingException("The client did not declare the roots capability; "
                    + "check ctx.clientCapabilities() before calling listRoots()");
        }
        return awaitClient(exchange.listRoots().block(), "roots");
    }

    private void requireExchange(String what) {
        if (exchange == null) {
            throw new CallerFacingException(what + "() needs a session to reach the client, and this server runs "
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
}
