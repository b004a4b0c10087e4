package dev.fastmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CheckedSchemas} answers as the SDK's validator does, remembering only the schemas that conform. */
class CheckedSchemasTest {

    private static final JsonSchemaValidator SDK = McpJsonDefaults.getSchemaValidator();
    private final CheckedSchemas checked = new CheckedSchemas();

    record Point(int x, int y, String label) {
    }

    @Test
    void answersAsTheSdksValidatorForSchemasGoodAndBad() {
        List<Map<String, Object>> schemas = List.of(
                Map.of("type", "object", "properties", Map.of("a", Map.of("type", "number"))),
                Map.of("type", 5),
                Map.of("type", "object", "required", "a"),
                Map.of("type", "object", "properties", Map.of("a", Map.of("minimum", "zero"))));
        for (Map<String, Object> schema : schemas) {
            boolean expected = SDK.validateSchema(schema).valid();
            for (int round = 0; round < 2; round++) { // the second answer comes from memory when it conformed
                assertEquals(expected, checked.validateSchema(schema).valid(), schema + ", round " + round);
            }
        }
    }

    @Test
    void aSchemaThatFailedIsCheckedAgainNotRemembered() {
        Map<String, Object> schema = new HashMap<>(Map.of("type", 5));
        assertFalse(checked.validateSchema(schema).valid());
        schema.put("type", "object");
        assertTrue(checked.validateSchema(schema).valid());
    }

    @Test
    void theSchemaOfAScalarRecordConformsAndSoDoesAnEqualCopy() {
        Map<String, Object> schema = RecordSchemas.schemaFor(Point.class);
        assertTrue(SDK.validateSchema(schema).valid());
        assertTrue(checked.validateSchema(schema).valid());
        assertTrue(checked.validateSchema(new HashMap<>(schema)).valid());
    }
}
