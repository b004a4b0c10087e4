package dev.fastmcp.server;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The SDK's JSON Schema validator, made on first use, and asked once per schema whether it conforms to the
 * meta-schema: a schema checked when its tool was built is not checked again when the SDK registers the tool, and
 * the schemas {@link ScalarRecords} writes, whose shape always conforms, are not checked at all. The validator and
 * the meta-schemas it loads took about a third of a small server's start-up on its main thread; a server whose
 * tools take scalar records now starts without them, and loads them when something needs them.
 */
final class CheckedSchemas implements JsonSchemaValidator {

    /**
     * Schemas known to conform. Conforming is a property of the content, so an equal schema counts too; held
     * weakly, so that the schema of a tool removed from a long-running server is not kept for ever.
     */
    private static final Set<Map<String, Object>> CONFORMING =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    private static final class Validator {
        static final JsonSchemaValidator INSTANCE = McpJsonDefaults.getSchemaValidator();
    }

    /** Records that {@code schema} conforms without asking the validator. */
    static Map<String, Object> conforming(Map<String, Object> schema) {
        CONFORMING.add(schema);
        return schema;
    }

    @Override
    public ValidationResponse validate(Map<String, Object> schema, Object instance) {
        return Validator.INSTANCE.validate(schema, instance);
    }

    @Override
    public ValidationResponse validateSchema(Map<String, Object> schema) {
        if (schema != null && CONFORMING.contains(schema)) {
            return ValidationResponse.asValid(null);
        }
        ValidationResponse response = Validator.INSTANCE.validateSchema(schema);
        if (response.valid() && schema != null) {
            CONFORMING.add(schema);
        }
        return response;
    }
}
