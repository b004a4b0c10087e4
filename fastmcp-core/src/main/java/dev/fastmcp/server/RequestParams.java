package dev.fastmcp.server;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;

/**
 * The shape of each request's params, checked before the request reaches the SDK (whose handlers assume it and
 * would answer a missing field with an internal error quoting a Java exception). A request that does not fit
 * gets {@code -32602} invalid params naming what is missing or wrong, and never reaches a handler. The checks
 * follow the MCP schema; values are not quoted back.
 */
public final class RequestParams {

    static final List<String> LOGGING_LEVELS = List.of("debug", "info", "notice", "warning", "error", "critical",
            "alert", "emergency");

    private RequestParams() {
    }

    /** Null when the params of {@code method} have the expected shape; otherwise the error to answer with. */
    public static McpError check(String method, Object params) {
        String problem = problem(method, params instanceof Map<?, ?> m ? m : null);
        return problem == null ? null
                : McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS)
                        .message("Invalid params for " + method + ": " + problem).build();
    }

    /**
     * The params of {@code initialize}, decoded, with control characters escaped in their strings.
     *
     * @throws JsonRpcException 400 with {@code -32602} when they do not have the expected shape
     */
    public static McpSchema.InitializeRequest initialize(Object id, Object params) {
        McpSchema.InitializeRequest init;
        try {
            // The SDK logs the client's name, version and capabilities as they are: no line breaks from clients.
            init = Json.MAPPER.convertValue(LogValues.scrubbed(params), McpSchema.InitializeRequest.class);
        } catch (RuntimeException e) {
            throw new JsonRpcException(400, id, McpSchema.ErrorCodes.INVALID_PARAMS,
                    "Invalid initialize params: expected protocolVersion, capabilities and clientInfo");
        }
        if (init == null || init.protocolVersion() == null) {
            throw new JsonRpcException(400, id, McpSchema.ErrorCodes.INVALID_PARAMS,
                    "Invalid initialize params: protocolVersion is required");
        }
        return init;
    }

    private static String problem(String method, Map<?, ?> p) {
        String meta = meta(p);
        if (meta != null) {
            return meta;
        }
        return switch (method) {
            case McpSchema.METHOD_TOOLS_CALL -> firstOf(requiredString(p, "name"), optionalObject(p, "arguments"));
            case McpSchema.METHOD_PROMPT_GET -> firstOf(requiredString(p, "name"), optionalObject(p, "arguments"));
            case McpSchema.METHOD_RESOURCES_READ, McpSchema.METHOD_RESOURCES_SUBSCRIBE,
                    McpSchema.METHOD_RESOURCES_UNSUBSCRIBE -> requiredString(p, "uri");
            case McpSchema.METHOD_LOGGING_SET_LEVEL -> p != null && p.get("level") instanceof String level
                    && LOGGING_LEVELS.contains(level) ? null
                    : "\"level\" is required, one of " + String.join(", ", LOGGING_LEVELS);
            case McpSchema.METHOD_COMPLETION_COMPLETE -> completion(p);
            case McpSchema.METHOD_TOOLS_LIST, McpSchema.METHOD_PROMPT_LIST, McpSchema.METHOD_RESOURCES_LIST,
                    McpSchema.METHOD_RESOURCES_TEMPLATES_LIST -> optionalString(p, "cursor");
            default -> null;
        };
    }

    /** {@code _meta}, when present, is an object whose progress token is a string or a number. */
    private static String meta(Map<?, ?> p) {
        if (p == null || p.get("_meta") == null) {
            return null;
        }
        if (!(p.get("_meta") instanceof Map<?, ?> meta)) {
            return "\"_meta\" must be an object";
        }
        Object token = meta.get("progressToken");
        return token == null || token instanceof String || token instanceof Number ? null
                : "\"_meta.progressToken\" must be a string or a number";
    }

    private static String completion(Map<?, ?> p) {
        if (p == null || !(p.get("ref") instanceof Map<?, ?> ref)) {
            return "\"ref\" is required: {\"type\":\"ref/prompt\",\"name\":...}"
                    + " or {\"type\":\"ref/resource\",\"uri\":...}";
        }
        String refProblem;
        if ("ref/prompt".equals(ref.get("type"))) {
            refProblem = requiredString(ref, "name");
        } else if ("ref/resource".equals(ref.get("type"))) {
            refProblem = requiredString(ref, "uri");
        } else {
            return "\"ref.type\" must be \"ref/prompt\" or \"ref/resource\"";
        }
        if (refProblem != null) {
            return "in \"ref\", " + refProblem;
        }
        if (!(p.get("argument") instanceof Map<?, ?> argument)) {
            return "\"argument\" is required: {\"name\":...,\"value\":...}";
        }
        String argumentProblem = firstOf(requiredString(argument, "name"), optionalString(argument, "value"));
        if (argumentProblem != null) {
            return "in \"argument\", " + argumentProblem;
        }
        Object context = p.get("context");
        if (context == null) {
            return null;
        }
        if (!(context instanceof Map<?, ?> c)) {
            return "\"context\" must be an object";
        }
        String contextProblem = stringMap(c, "arguments");
        return contextProblem == null ? null : "in \"context\", " + contextProblem;
    }

    private static String requiredString(Map<?, ?> p, String name) {
        return p != null && p.get(name) instanceof String ? null : "\"" + name + "\" is required, a string";
    }

    private static String optionalString(Map<?, ?> p, String name) {
        return p == null || p.get(name) == null || p.get(name) instanceof String ? null
                : "\"" + name + "\" must be a string";
    }

    private static String optionalObject(Map<?, ?> p, String name) {
        return p == null || p.get(name) == null || p.get(name) instanceof Map ? null
                : "\"" + name + "\" must be an object";
    }

    /** An optional object whose values are strings (the arguments of a completion's context). */
    private static String stringMap(Map<?, ?> p, String name) {
        Object value = p == null ? null : p.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> map && map.values().stream().allMatch(v -> v == null || v instanceof String)) {
            return null;
        }
        return "\"" + name + "\" must be an object of strings";
    }

    private static String firstOf(String... problems) {
        for (String p : problems) {
            if (p != null) {
                return p;
            }
        }
        return null;
    }
}
