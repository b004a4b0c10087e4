package dev.fastmcp.server;

import dev.fastmcp.Context;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** The questions a handler gathers with {@link Context#inputs()}, asked together through its call's channel. */
final class CallInputs implements Context.Inputs {

    private final Function<List<InputRequest>, Map<String, Object>> asker;
    private final List<InputRequest> questions = new ArrayList<>();

    CallInputs(Function<List<InputRequest>, Map<String, Object>> asker) {
        this.asker = asker;
    }

    @Override
    public Context.Inputs elicit(String key, String message, Map<String, Object> requestedSchema) {
        Objects.requireNonNull(message, "message == null");
        Objects.requireNonNull(requestedSchema, "requestedSchema == null");
        return add(InputRequest.elicit(key(key), message, requestedSchema));
    }

    @Override
    public Context.Inputs sample(String key, McpSchema.CreateMessageRequest request) {
        Objects.requireNonNull(request, "request == null");
        return add(InputRequest.sample(key(key), request));
    }

    @Override
    public Context.Inputs listRoots(String key) {
        return add(InputRequest.roots(key(key)));
    }

    @Override
    public Context.Answers await() {
        if (questions.isEmpty()) {
            throw new IllegalStateException("No question to ask: add one with elicit, sample or listRoots first");
        }
        List<InputRequest> asked = List.copyOf(questions);
        questions.clear();
        return new Answers(asker.apply(asked));
    }

    private Context.Inputs add(InputRequest question) {
        for (InputRequest q : questions) {
            if (q.key().equals(question.key())) {
                throw new IllegalArgumentException("The input key '" + question.key() + "' is asked twice");
            }
        }
        questions.add(question);
        return this;
    }

    private static String key(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("An input needs a non-empty key");
        }
        return key;
    }

    private record Answers(Map<String, Object> byKey) implements Context.Answers {

        @Override
        public McpSchema.ElicitResult elicitation(String key) {
            return get(key, McpSchema.ElicitResult.class);
        }

        @Override
        public McpSchema.CreateMessageResult sampling(String key) {
            return get(key, McpSchema.CreateMessageResult.class);
        }

        @Override
        public McpSchema.ListRootsResult roots(String key) {
            return get(key, McpSchema.ListRootsResult.class);
        }

        private <T> T get(String key, Class<T> type) {
            Object answer = byKey.get(key);
            if (!type.isInstance(answer)) {
                throw new IllegalArgumentException(answer == null ? "No input was asked under the key '" + key + "'"
                        : "The input '" + key + "' is not a " + type.getSimpleName());
            }
            return type.cast(answer);
        }
    }
}
