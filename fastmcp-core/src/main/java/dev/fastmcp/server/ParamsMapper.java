package dev.fastmcp.server;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.util.Map;

/**
 * The SDK's JSON mapper, except that the params of {@code tools/call}, {@code prompts/get} and
 * {@code resources/read} become the SDK's request records directly when they are the plain JSON values these
 * records hold (a string name or URI, object arguments and {@code _meta}, nothing else). The SDK converts the
 * params of every such request with {@link #convertValue}, which in Jackson writes them out to a token buffer and
 * reads them back, and resolves the target type again each time: a tenth of a trivial tool call's CPU in profiles.
 * Anything else (another key, a value of another type, a missing name) goes to Jackson as before, so what clients
 * see is unchanged. In the other direction, a {@code tools/call} result of text content is written by
 * {@link ToolReplies}, byte for byte what Jackson writes.
 */
final class ParamsMapper implements McpJsonMapper {

    private final McpJsonMapper delegate;

    ParamsMapper(McpJsonMapper delegate) {
        this.delegate = delegate;
    }

    @Override
    public <T> T readValue(String content, Class<T> type) throws IOException {
        return delegate.readValue(content, type);
    }

    @Override
    public <T> T readValue(byte[] content, Class<T> type) throws IOException {
        return delegate.readValue(content, type);
    }

    @Override
    public <T> T readValue(String content, TypeRef<T> type) throws IOException {
        return delegate.readValue(content, type);
    }

    @Override
    public <T> T readValue(byte[] content, TypeRef<T> type) throws IOException {
        return delegate.readValue(content, type);
    }

    @Override
    public <T> T convertValue(Object fromValue, Class<T> type) {
        Object direct = direct(fromValue, type);
        return direct != null ? type.cast(direct) : delegate.convertValue(fromValue, type);
    }

    @Override
    @SuppressWarnings("unchecked") // direct(...) returns an instance of the very class the TypeRef names
    public <T> T convertValue(Object fromValue, TypeRef<T> type) {
        Object direct = type.getType() instanceof Class<?> c ? direct(fromValue, c) : null;
        return direct != null ? (T) direct : delegate.convertValue(fromValue, type);
    }

    @Override
    public String writeValueAsString(Object value) throws IOException {
        return delegate.writeValueAsString(value);
    }

    @Override
    public byte[] writeValueAsBytes(Object value) throws IOException {
        byte[] direct = ToolReplies.bytes(value);
        return direct != null ? direct : delegate.writeValueAsBytes(value);
    }

    /** The request record {@code params} make without Jackson, or null when Jackson should make it. */
    static Object direct(Object params, Class<?> type) {
        if (!(params instanceof Map<?, ?> map)) {
            return null;
        }
        if (type == McpSchema.CallToolRequest.class) {
            return onlyKeys(map, "name", "arguments") && map.get("name") instanceof String name
                    && isObject(map.get("arguments")) && isObject(map.get("_meta"))
                    ? new McpSchema.CallToolRequest(name, object(map.get("arguments")), object(map.get("_meta"))) : null;
        }
        if (type == McpSchema.GetPromptRequest.class) {
            return onlyKeys(map, "name", "arguments") && map.get("name") instanceof String name
                    && isObject(map.get("arguments")) && isObject(map.get("_meta"))
                    ? new McpSchema.GetPromptRequest(name, object(map.get("arguments")), object(map.get("_meta"))) : null;
        }
        if (type == McpSchema.ReadResourceRequest.class) {
            return onlyKeys(map, "uri", "uri") && map.get("uri") instanceof String uri && isObject(map.get("_meta"))
                    ? new McpSchema.ReadResourceRequest(uri, object(map.get("_meta"))) : null;
        }
        return null;
    }

    /** Whether every key of {@code map} is {@code a}, {@code b} or {@code _meta}. */
    private static boolean onlyKeys(Map<?, ?> map, String a, String b) {
        for (Object key : map.keySet()) {
            if (!a.equals(key) && !b.equals(key) && !"_meta".equals(key)) {
                return false;
            }
        }
        return true;
    }

    /** Null or a JSON object whose keys are strings, as the parser makes them. */
    private static boolean isObject(Object value) {
        if (value == null) {
            return true;
        }
        if (!(value instanceof Map<?, ?> map)) {
            return false;
        }
        for (Object key : map.keySet()) {
            if (!(key instanceof String)) {
                return false;
            }
        }
        return true;
    }

    @SuppressWarnings("unchecked") // checked by isObject
    private static Map<String, Object> object(Object value) {
        return (Map<String, Object>) value;
    }
}
