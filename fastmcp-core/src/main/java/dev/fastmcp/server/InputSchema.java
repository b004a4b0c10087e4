package dev.fastmcp.server;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A tool's input schema, compiled once when the tool is first called (once per registration of the tool), then
 * checked against the arguments of every call. The SDK's validator would find the compiled schema again on each
 * call by hashing the whole schema map and then write the arguments back out as a string; this skips both. A
 * refusal is described by the SDK's validator, so the messages clients see are the same either way.
 */
final class InputSchema {

    // x-mcp-header is an annotation for clients (see ParamHeaders), known here so that it is not warned about.
    private static final class Registry { // loaded on first use: a scalar record's calls may never need it
        static final SchemaRegistry INSTANCE = SchemaRegistry.withDefaultDialect(Dialect.builder(
                Dialects.getDraft202012()).keyword(new AnnotationKeyword(ParamHeaders.KEYWORD)).build());
    }

    private final Map<String, Object> schema;
    private volatile Schema compiled;
    private volatile boolean uncompilable;
    /** The {@code Mcp-Param-*} headers the schema asks for, found on first use: 2026-07-28 checks them per call. */
    private volatile Map<String, List<String>> paramHeaders;

    /**
     * The parameter record this schema was made for, else null: arguments that {@link ScalarRecords#conforms} to it
     * are valid under its schema, whether written directly or by the generator, so the validator is skipped.
     */
    private final Class<?> scalarRecord;

    private InputSchema(Map<String, Object> schema, Class<?> scalarRecord) {
        this.schema = schema;
        this.scalarRecord = scalarRecord;
    }

    /** The schema of {@code tool}, to be compiled on its first use. */
    static InputSchema of(Tool tool) {
        Map<String, Object> schema = tool.definition().inputSchema();
        return new InputSchema(schema, RecordSchemas.isSchemaFor(tool.argumentType(), schema)
                ? tool.argumentType() : null);
    }

    /** {@link ParamHeaders#of} of this schema. */
    Map<String, List<String>> paramHeaders() {
        Map<String, List<String>> h = paramHeaders;
        if (h == null) {
            h = Collections.unmodifiableMap(ParamHeaders.of(schema));
            paramHeaders = h;
        }
        return h;
    }

    /** Null when {@code arguments} are valid, else why not (for the client). */
    String problems(Map<String, Object> arguments) {
        if (scalarRecord != null && ScalarRecords.conforms(arguments, scalarRecord)) {
            return null;
        }
        Schema s = compiled();
        if (s != null) {
            try {
                JsonNode node = tree(arguments);
                if (s.validate(node).isEmpty()) {
                    return null;
                }
            } catch (RuntimeException e) {
                // fall through: the SDK's validator explains it
            }
        }
        JsonSchemaValidator.ValidationResponse response = Json.SCHEMAS.validate(schema, arguments);
        return response.valid() ? null : response.errorMessage();
    }

    /**
     * {@code value}, a JSON value as the parser makes them (maps, lists, strings, numbers, booleans, null), as a
     * tree, built directly: Jackson's {@code valueToTree} writes it out to a token buffer and reads it back.
     */
    static JsonNode tree(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        } else if (value instanceof String s) {
            return nodes.stringNode(s);
        } else if (value instanceof Integer i) {
            return nodes.numberNode(i.intValue());
        } else if (value instanceof Long l) {
            return nodes.numberNode(l.longValue());
        } else if (value instanceof Double d) {
            return nodes.numberNode(d.doubleValue());
        } else if (value instanceof Boolean b) {
            return nodes.booleanNode(b);
        } else if (value instanceof Map<?, ?> map) {
            ObjectNode object = nodes.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                object.set(String.valueOf(e.getKey()), tree(e.getValue()));
            }
            return object;
        } else if (value instanceof List<?> list) {
            ArrayNode array = nodes.arrayNode(list.size());
            for (Object item : list) {
                array.add(tree(item));
            }
            return array;
        }
        return JsonMapper.shared().valueToTree(value);
    }

    /** The compiled schema; null when it does not compile (the SDK's validator then reports it on each call). */
    private Schema compiled() {
        Schema s = compiled;
        if (s == null && !uncompilable) {
            try {
                s = Registry.INSTANCE.getSchema(JsonMapper.shared().valueToTree(schema));
                compiled = s;
            } catch (RuntimeException e) {
                uncompilable = true;
            }
        }
        return s;
    }
}
