package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One question of a call to its client, under the key the answer comes back with.
 *
 * @param key      unique within the call
 * @param method   {@code elicitation/create}, {@code sampling/createMessage} or {@code roots/list}
 * @param message  the form's message (elicitation only)
 * @param schema   the form's requested schema (elicitation only)
 * @param sampling the sampling request (sampling only)
 */
record InputRequest(String key, String method, String message, Map<String, Object> schema,
        McpSchema.CreateMessageRequest sampling) {

    private static final Set<String> ACTIONS = Set.of("accept", "decline", "cancel");

    static InputRequest elicit(String key, String message, Map<String, Object> schema) {
        return new InputRequest(key, McpSchema.METHOD_ELICITATION_CREATE, message, schema, null);
    }

    static InputRequest sample(String key, McpSchema.CreateMessageRequest sampling) {
        return new InputRequest(key, McpSchema.METHOD_SAMPLING_CREATE_MESSAGE, null, null, sampling);
    }

    static InputRequest roots(String key) {
        return new InputRequest(key, McpSchema.METHOD_ROOTS_LIST, null, null, null);
    }

    /** The client capability that answers it. */
    String capability() {
        return switch (method) {
            case McpSchema.METHOD_ELICITATION_CREATE -> "elicitation";
            case McpSchema.METHOD_SAMPLING_CREATE_MESSAGE -> "sampling";
            default -> "roots";
        };
    }

    /** The question as an entry of {@code inputRequests}: {@code {method, params}}. */
    Map<String, Object> wire() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", method);
        if (McpSchema.METHOD_ELICITATION_CREATE.equals(method)) {
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("mode", "form");
            params.put("message", message);
            params.put("requestedSchema", schema);
            out.put("params", params);
        } else if (McpSchema.METHOD_SAMPLING_CREATE_MESSAGE.equals(method)) {
            out.put("params", Json.MAPPER.convertValue(sampling, Json.MAP));
        }
        return out;
    }

    /**
     * The answer as its type ({@link McpSchema.ElicitResult}, {@link McpSchema.CreateMessageResult},
     * {@link McpSchema.ListRootsResult}).
     *
     * @throws IllegalArgumentException when {@code raw} does not have the shape of an answer to this question
     */
    Object decode(Object raw) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("it is not an object");
        }
        switch (method) {
            case McpSchema.METHOD_ELICITATION_CREATE -> {
                if (!(map.get("action") instanceof String action) || !ACTIONS.contains(action)) {
                    throw new IllegalArgumentException("an answer to a form needs an action: accept, decline or cancel");
                }
                if (map.get("content") != null && !(map.get("content") instanceof Map)) {
                    throw new IllegalArgumentException("the content of an answer to a form must be an object");
                }
                return convert(map, McpSchema.ElicitResult.class);
            }
            case McpSchema.METHOD_SAMPLING_CREATE_MESSAGE -> {
                if (!(map.get("role") instanceof String) || !(map.get("content") instanceof Map<?, ?> content)
                        || !(content.get("type") instanceof String)) {
                    throw new IllegalArgumentException("a sampling answer needs a role and a content block");
                }
                return convert(map, McpSchema.CreateMessageResult.class);
            }
            default -> {
                if (!(map.get("roots") instanceof List<?> roots)
                        || !roots.stream().allMatch(r -> r instanceof Map<?, ?> m && m.get("uri") instanceof String)) {
                    throw new IllegalArgumentException("a roots answer needs a list of roots, each with a uri");
                }
                return convert(map, McpSchema.ListRootsResult.class);
            }
        }
    }

    private static <T> T convert(Map<?, ?> map, Class<T> type) {
        try {
            return Json.MAPPER.convertValue(map, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("it does not have the shape of " + type.getSimpleName());
        }
    }
}
