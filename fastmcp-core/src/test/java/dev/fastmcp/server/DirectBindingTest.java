package dev.fastmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.fastmcp.Description;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The shortcuts of a tool call's hot path ({@link ParamsMapper}, {@link ScalarRecords}, {@link InputSchema#tree})
 * give what Jackson gives, for the values they take, and leave everything else to Jackson; the schemas
 * {@link ScalarRecords} writes are the schema generator's.
 */
class DirectBindingTest {

    private static final McpJsonMapper JACKSON = McpJsonDefaults.getMapper();
    private static final ParamsMapper PARAMS = new ParamsMapper(JACKSON);

    record Add(int a, long b, double c, String label, boolean loud, Integer boxed) {
    }

    record Renamed(@JsonProperty("first_name") String firstName) {
    }

    record Checked(int n) {
        static final AtomicInteger CALLS = new AtomicInteger();

        Checked {
            CALLS.incrementAndGet();
            if (n < 0) {
                throw new IllegalArgumentException("n must not be negative");
            }
        }
    }

    record WithOptional(String a, Optional<String> b) {
    }

    @Description("Adds two numbers")
    record Described(@Description("the first") int a, Long b, @JsonProperty("x_y") String xy, boolean t,
            Boolean u, Integer v, @Description("") Double w) {
    }

    record OwnAccessor(String name) {
        @Override
        @Description("on the accessor")
        public String name() {
            return name;
        }
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD})
    @interface Nullable {
    }

    record WithNullable(String a, @Nullable String b) {
    }

    record Empty() {
    }

    enum Size { S, L }

    record WithEnum(Size size) {
    }

    private static Map<String, Object> json(String text) throws Exception {
        return JACKSON.readValue(text.getBytes(StandardCharsets.UTF_8), new TypeRef<Map<String, Object>>() {
        });
    }

    @Test
    void toolCallParamsBecomeTheSameRecordAsThroughJackson() throws Exception {
        for (String params : List.of(
                "{\"name\":\"add\",\"arguments\":{\"a\":1,\"b\":[1,{\"x\":null}],\"c\":2.5}}",
                "{\"name\":\"add\",\"arguments\":{\"a\":1},\"_meta\":{\"progressToken\":7}}",
                "{\"name\":\"add\"}",
                "{\"name\":\"add\",\"arguments\":null}")) {
            Map<String, Object> map = json(params);
            assertNotNull(ParamsMapper.direct(map, McpSchema.CallToolRequest.class), params);
            assertEquals(JACKSON.convertValue(map, McpSchema.CallToolRequest.class),
                    PARAMS.convertValue(map, new TypeRef<McpSchema.CallToolRequest>() {
                    }), params);
        }
        Map<String, Object> prompt = json("{\"name\":\"greet\",\"arguments\":{\"who\":\"Ada\"},\"_meta\":{}}");
        assertEquals(JACKSON.convertValue(prompt, McpSchema.GetPromptRequest.class),
                PARAMS.convertValue(prompt, McpSchema.GetPromptRequest.class));
        Map<String, Object> read = json("{\"uri\":\"file:///a\",\"_meta\":{\"k\":1}}");
        assertEquals(JACKSON.convertValue(read, McpSchema.ReadResourceRequest.class),
                PARAMS.convertValue(read, McpSchema.ReadResourceRequest.class));
    }

    @Test
    void paramsOfAnyOtherShapeGoToJackson() throws Exception {
        for (String params : List.of(
                "{\"name\":\"add\",\"arguments\":{},\"task\":{\"ttl\":5}}",
                "{\"name\":7,\"arguments\":{}}",
                "{\"arguments\":{}}",
                "{\"name\":\"add\",\"arguments\":[1,2]}",
                "{\"name\":\"add\",\"_meta\":\"x\"}")) {
            Map<String, Object> map = json(params);
            assertNull(ParamsMapper.direct(map, McpSchema.CallToolRequest.class), params);
        }
        Map<String, Object> withTask = json("{\"name\":\"add\",\"arguments\":{},\"task\":{\"ttl\":5}}");
        assertEquals(JACKSON.convertValue(withTask, McpSchema.CallToolRequest.class),
                PARAMS.convertValue(withTask, McpSchema.CallToolRequest.class));
        Map<String, Object> numericName = json("{\"name\":7}");
        assertEquals("7", PARAMS.convertValue(numericName, McpSchema.CallToolRequest.class).name());
        assertNull(ParamsMapper.direct(json("{\"uri\":5}"), McpSchema.ReadResourceRequest.class));
        assertNull(ParamsMapper.direct(List.of(), McpSchema.CallToolRequest.class));
        assertNull(ParamsMapper.direct(json("{\"name\":\"x\"}"), McpSchema.InitializeRequest.class));
    }

    @Test
    void scalarRecordsBindAsJacksonBindsThem() throws Exception {
        for (String args : List.of(
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":4}",
                "{\"a\":-7,\"b\":9007199254740993,\"c\":3,\"label\":\"\",\"loud\":false,\"boxed\":0}",
                "{\"boxed\":1,\"loud\":true,\"label\":\"é\",\"c\":-0.0,\"b\":-1,\"a\":2147483647}")) {
            Map<String, Object> map = json(args);
            Add direct = ScalarRecords.bind(map, Add.class);
            assertNotNull(direct, args);
            assertEquals(RecordSchemas.bindWithJackson(map, Add.class), direct, args);
            assertEquals(direct, RecordSchemas.bind(map, Add.class));
        }
        Map<String, Object> renamed = json("{\"first_name\":\"Ada\"}");
        assertEquals(new Renamed("Ada"), ScalarRecords.bind(renamed, Renamed.class));
    }

    @Test
    void scalarRecordsLeaveEverythingElseToJackson() throws Exception {
        for (String args : List.of(
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true}",
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":null}",
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":4,\"extra\":1}",
                "{\"a\":1.5,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":4}",
                "{\"a\":3000000000,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":4}",
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":5,\"loud\":\"yes\",\"boxed\":4}")) {
            Map<String, Object> map = json(args);
            assertNull(ScalarRecords.bind(map, Add.class), args);
            assertThrows(InvalidArgumentsException.class, () -> RecordSchemas.bind(map, Add.class), args);
        }
        // Jackson reads a numeric string as a number (the schema refuses it before binding): not the direct path's job
        Map<String, Object> text = json("{\"a\":\"1\",\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":4}");
        assertNull(ScalarRecords.bind(text, Add.class));
        assertEquals(new Add(1, 2, 3.5, "x", true, 4), RecordSchemas.bind(text, Add.class));
        assertNull(ScalarRecords.bind(json("{\"firstName\":\"Ada\"}"), Renamed.class));
        assertNull(ScalarRecords.bind(json("{\"a\":\"x\",\"b\":\"y\"}"), WithOptional.class));
        assertEquals(new WithOptional("x", Optional.of("y")),
                RecordSchemas.bind(json("{\"a\":\"x\",\"b\":\"y\"}"), WithOptional.class));
    }

    @Test
    void aConstructorThatRefusesIsExplainedByJackson() throws Exception {
        Map<String, Object> map = json("{\"n\":-1}");
        assertNull(ScalarRecords.bind(map, Checked.class));
        InvalidArgumentsException e = assertThrows(InvalidArgumentsException.class,
                () -> RecordSchemas.bind(map, Checked.class));
        assertInstanceOf(InvalidArgumentsException.class, e);
        Checked.CALLS.set(0);
        assertEquals(new Checked(3), RecordSchemas.bind(json("{\"n\":3}"), Checked.class));
        assertEquals(2, Checked.CALLS.get()); // the bound one and the expected one: bound once
    }

    @Test
    void scalarRecordSchemasAreTheGeneratorsSchemas() {
        for (Class<?> type : List.of(Add.class, Described.class, OwnAccessor.class, Renamed.class, Checked.class)) {
            Map<String, Object> direct = ScalarRecords.schema(type);
            assertNotNull(direct, type.getSimpleName());
            assertEquals(RecordSchemas.generated(type), direct, type.getSimpleName());
            assertEquals(Json.string(RecordSchemas.generated(type)), Json.string(direct), type.getSimpleName());
            assertSame(RecordSchemas.schemaFor(type), RecordSchemas.schemaFor(type));
            assertThrows(UnsupportedOperationException.class, () -> direct.put("x", 1));
        }
        assertEquals(Map.of("type", "string"), ((Map<?, ?>) ScalarRecords.schema(OwnAccessor.class)
                .get("properties")).get("name"));
        for (Class<?> type : List.of(WithOptional.class, WithNullable.class, Empty.class, WithEnum.class)) {
            assertNull(ScalarRecords.schema(type), type.getSimpleName());
            assertEquals(RecordSchemas.generated(type), RecordSchemas.schemaFor(type), type.getSimpleName());
        }
    }

    @Test
    void scalarRecordSchemasConformAndTheirArgumentsAreCheckedAsTheValidatorChecksThem() throws Exception {
        io.modelcontextprotocol.json.schema.JsonSchemaValidator validator = McpJsonDefaults.getSchemaValidator();
        for (Class<?> type : List.of(Add.class, Described.class, OwnAccessor.class, Renamed.class, Checked.class)) {
            Map<String, Object> schema = RecordSchemas.schemaFor(type);
            assertEquals(true, validator.validateSchema(schema).valid(), type.getSimpleName());
            assertEquals(true, RecordSchemas.isSchemaFor(type, schema), type.getSimpleName());
            assertEquals(true, Json.SCHEMAS.validateSchema(schema).valid());
        }
        assertEquals(false, RecordSchemas.isSchemaFor(Add.class, RecordSchemas.schemaFor(Described.class)));
        assertEquals(false, ScalarRecords.conforms(json("{\"a\":\"x\",\"b\":\"y\"}"), WithOptional.class));
        Map<String, Object> nullableSchema = RecordSchemas.schemaFor(WithNullable.class);
        for (String args : List.of("{\"a\":\"x\",\"b\":\"y\"}", "{\"a\":\"x\"}", "{\"a\":\"x\",\"b\":null}")) {
            Map<String, Object> map = json(args);
            assertEquals(true, validator.validate(nullableSchema, map).valid(), args);
            // valid under the generator's schema either way; only the fully present form takes the shortcut
            assertEquals(args.contains("\"y\""), ScalarRecords.conforms(map, WithNullable.class), args);
        }
        Map<String, Object> schema = RecordSchemas.schemaFor(Add.class);
        for (String args : List.of(
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":4}",
                "{\"a\":1,\"b\":99999999999999999999,\"c\":3,\"label\":\"x\",\"loud\":false,\"boxed\":4}",
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true}",
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":null}",
                "{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":4,\"more\":1}",
                "{\"a\":\"1\",\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,\"boxed\":4}",
                "{\"a\":1,\"b\":2,\"c\":\"3\",\"label\":\"x\",\"loud\":true,\"boxed\":4}",
                "{\"a\":1,\"b\":2,\"c\":3,\"label\":7,\"loud\":true,\"boxed\":4}",
                "{\"a\":1,\"b\":2,\"c\":3,\"label\":\"x\",\"loud\":1,\"boxed\":4}",
                "{\"a\":[1],\"b\":2,\"c\":3,\"label\":\"x\",\"loud\":true,\"boxed\":4}")) {
            Map<String, Object> map = json(args);
            assertEquals(validator.validate(schema, map).valid(), ScalarRecords.conforms(map, Add.class), args);
        }
        assertEquals(true, ScalarRecords.conforms(json("{\"a\":1,\"b\":2,\"c\":3.5,\"label\":\"x\",\"loud\":true,"
                + "\"boxed\":4}"), Add.class));
    }

    @Test
    void argumentTreesAreTheTreesJacksonMakes() throws Exception {
        Map<String, Object> args = json("{\"s\":\"x\",\"i\":1,\"l\":9007199254740993,\"big\":123456789012345678901234,"
                + "\"d\":1.25,\"t\":true,\"n\":null,\"list\":[1,\"a\",[],{}],\"obj\":{\"k\":{\"deep\":[false]}}}");
        assertEquals(JsonMapper.shared().valueToTree(args), InputSchema.tree(args));
        Map<String, Object> other = new HashMap<>();
        other.put("record", new Renamed("Ada"));
        assertEquals(JsonMapper.shared().valueToTree(other), InputSchema.tree(other));
    }
}
