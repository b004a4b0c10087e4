package dev.fastmcp;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tool's input schema, compiled once when the tool is first called, then checked against the arguments of
 * every call. The SDK's validator would find the compiled schema again on each call by hashing the whole schema
 * map and then write the arguments back out as a string; this skips both. A refusal is described by the SDK's
 * validator, so the messages clients see are the same either way.
 */
final class InputSchema {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(Dialects.getDraft202012());

    private final Map<String, Object> schema;
    private final Schema compiled;

    private InputSchema(Map<String, Object> schema) {
        this.schema = schema;
        Schema s;
        try {
            s = REGISTRY.getSchema(JsonMapper.shared().valueToTree(schema));
        } catch (RuntimeException e) {
            s = null; // the SDK's validator reports it on each call
        }
        this.compiled = s;
    }

    static InputSchema of(Map<String, Object> schema) {
        return new InputSchema(schema);
    }

    /** Null when {@code arguments} are valid, else why not (for the client). */
    String problems(Map<String, Object> arguments) {
        if (compiled != null) {
            try {
                JsonNode node = JsonMapper.shared().valueToTree(arguments);
                if (compiled.validate(node).isEmpty()) {
                    return null;
                }
            } catch (RuntimeException e) {
                // fall through: the SDK's validator explains it
            }
        }
        JsonSchemaValidator.ValidationResponse response = Json.SCHEMAS.validate(schema, arguments);
        return response.valid() ? null : response.errorMessage();
    }
}
