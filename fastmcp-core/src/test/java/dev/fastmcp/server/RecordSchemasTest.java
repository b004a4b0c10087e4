package dev.fastmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.Description;
import io.modelcontextprotocol.json.McpJsonDefaults;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecordSchemasTest {

    /** Matched by simple name, like jakarta.annotation.Nullable or javax.annotation.Nullable. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    @interface Nullable {
    }

    /** A type-use flavour, like org.jspecify.annotations.Nullable. */
    static final class TypeUse {
        @Retention(RetentionPolicy.RUNTIME)
        @Target(ElementType.TYPE_USE)
        @interface Nullable {
        }
    }

    enum Size { SMALL, LARGE }

    @Description("A postal address")
    record Address(@Description("City name") String city, Optional<String> zip) {
    }

    record Order(
            @Description("Who placed the order") String customer,
            int quantity,
            Optional<String> note,
            @Nullable String coupon,
            @TypeUse.Nullable Integer priority,
            Address shipTo,
            List<String> tags,
            Map<String, Integer> extras,
            Size size,
            BigDecimal price,
            Instant placedAt,
            LocalDate deliverBy,
            Optional<Address> billTo,
            boolean gift) {
    }

    record Query(String q) {
    }

    record NoArgs() {
    }

    record Tree(String name, List<Tree> children) {
    }

    record Adult(int age) {
        Adult {
            if (age < 18) {
                throw new IllegalArgumentException("age must be at least 18");
            }
        }
    }

    static final class NotARecord {
    }

    private static Map<String, Object> validOrder() {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("customer", "Ada");
        args.put("quantity", 3);
        args.put("shipTo", Map.of("city", "London"));
        args.put("tags", List.of("gift", "fragile"));
        args.put("extras", Map.of("wrapping", 2));
        args.put("size", "LARGE");
        args.put("price", 12.50);
        args.put("placedAt", "2024-01-31T12:00:00Z");
        args.put("deliverBy", "2024-02-03");
        args.put("gift", true);
        return args;
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    private static Map<String, Object> property(Class<?> type, String name) {
        return map(map(RecordSchemas.schemaFor(type).get("properties")).get(name));
    }

    private static String bindError(Map<String, Object> args, Class<?> type) {
        String message = assertThrows(InvalidArgumentsException.class, () -> RecordSchemas.bind(args, type)).getMessage();
        String lower = message.toLowerCase(Locale.ROOT);
        assertFalse(lower.contains("jackson") || lower.contains("exception") || lower.contains("\n\tat "), message);
        return message;
    }

    @Test
    void requiredListsOnlyComponentsThatAreNeitherOptionalNorNullable() {
        assertEquals(List.of("customer", "quantity", "shipTo", "tags", "extras", "size", "price", "placedAt",
                "deliverBy", "gift"), RecordSchemas.schemaFor(Order.class).get("required"));
    }

    @Test
    void optionalComponentIsDescribedAsItsWrappedTypeOrNull() {
        assertEquals(Map.of("type", List.of("string", "null")), property(Order.class, "note"));
        assertEquals(Map.of("anyOf", List.of(Map.of("type", "null"), Map.of("$ref", "#/$defs/Address"))),
                property(Order.class, "billTo"));
    }

    @Test
    void nullableComponentsAllowNullWhetherAnnotatedOnTheComponentOrTheType() {
        assertEquals(List.of("string", "null"), property(Order.class, "coupon").get("type"));
        assertEquals(List.of("integer", "null"), property(Order.class, "priority").get("type"));
    }

    @Test
    void nestedRecordIsAClosedObjectDefinitionWithItsOwnRequiredList() {
        assertEquals(Map.of("$ref", "#/$defs/Address"), property(Order.class, "shipTo"));
        Map<String, Object> address = map(map(RecordSchemas.schemaFor(Order.class).get("$defs")).get("Address"));
        assertEquals("object", address.get("type"));
        assertEquals(List.of("city"), address.get("required"));
        assertEquals(false, address.get("additionalProperties"));
        assertEquals(Map.of("type", List.of("string", "null")), map(map(address.get("properties")).get("zip")));
    }

    @Test
    void scalarEnumListAndMapComponentsGetMatchingJsonTypes() {
        assertEquals(Map.of("type", "integer"), property(Order.class, "quantity"));
        assertEquals(Map.of("type", "boolean"), property(Order.class, "gift"));
        assertEquals(Map.of("type", "number"), property(Order.class, "price"));
        assertEquals(Map.of("type", "string", "format", "date-time"), property(Order.class, "placedAt"));
        assertEquals(Map.of("type", "string", "format", "date"), property(Order.class, "deliverBy"));
        assertEquals(Map.of("type", "string", "enum", List.of("SMALL", "LARGE")), property(Order.class, "size"));
        assertEquals(Map.of("type", "array", "items", Map.of("type", "string")), property(Order.class, "tags"));
        assertEquals(Map.of("type", "object", "additionalProperties", Map.of("type", "integer")),
                property(Order.class, "extras"));
    }

    @Test
    void descriptionAnnotationBecomesTheSchemaDescription() {
        assertEquals("Who placed the order", property(Order.class, "customer").get("description"));
        Map<String, Object> address = map(map(RecordSchemas.schemaFor(Order.class).get("$defs")).get("Address"));
        assertEquals("A postal address", address.get("description"));
        assertEquals("City name", map(map(address.get("properties")).get("city")).get("description"));
        assertNull(property(Order.class, "quantity").get("description"));
    }

    @Test
    void topLevelIsAClosedObjectInDeclarationOrderUnderThe2020_12Dialect() {
        Map<String, Object> schema = RecordSchemas.schemaFor(Order.class);
        assertEquals("https://json-schema.org/draft/2020-12/schema", schema.get("$schema"));
        assertEquals("object", schema.get("type"));
        assertEquals(false, schema.get("additionalProperties"));
        List<String> declared = Arrays.stream(Order.class.getRecordComponents()).map(c -> c.getName()).toList();
        assertEquals(declared, List.copyOf(map(schema.get("properties")).keySet()));
    }

    @Test
    void recordWithoutComponentsStillDeclaresEmptyProperties() {
        assertEquals(Map.of(), RecordSchemas.schemaFor(NoArgs.class).get("properties"));
    }

    @Test
    void schemasPassTheSdkMetaSchemaCheck() {
        var validator = McpJsonDefaults.getSchemaValidator();
        for (Class<?> type : List.of(Order.class, Query.class, NoArgs.class, Tree.class, Address.class)) {
            validator.assertConforms(type.getSimpleName(), RecordSchemas.schemaFor(type));
        }
        // The check is not a no-op: a broken schema is refused.
        assertThrows(IllegalArgumentException.class, () -> validator.assertConforms("broken", Map.of("type", 5)));
    }

    @Test
    void schemaIsCachedAndCannotBeModified() {
        Map<String, Object> schema = RecordSchemas.schemaFor(Order.class);
        assertSame(schema, RecordSchemas.schemaFor(Order.class));
        assertThrows(UnsupportedOperationException.class, () -> schema.put("title", "x"));
        assertThrows(UnsupportedOperationException.class, () -> map(schema.get("properties")).remove("customer"));
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) schema.get("required")).clear());
    }

    @Test
    void nonRecordIsRejectedWithAMessageNamingTheClass() {
        var e = assertThrows(IllegalArgumentException.class, () -> RecordSchemas.schemaFor(NotARecord.class));
        assertTrue(e.getMessage().contains(NotARecord.class.getName()), e.getMessage());
        assertTrue(e.getMessage().contains("record") && e.getMessage().contains("JSON Schema"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RecordSchemas.bind(Map.of(), NotARecord.class));
    }

    @Test
    void bindsEveryComponentKindAndLeavesAbsentOptionalsEmpty() {
        Order order = RecordSchemas.bind(validOrder(), Order.class);
        assertEquals(new Order("Ada", 3, Optional.empty(), null, null, new Address("London", Optional.empty()),
                List.of("gift", "fragile"), Map.of("wrapping", 2), Size.LARGE, new BigDecimal("12.5"),
                Instant.parse("2024-01-31T12:00:00Z"), LocalDate.of(2024, 2, 3), Optional.empty(), true), order);
    }

    @Test
    void bindsPresentOptionalsNullablesAndNestedOptionalRecords() {
        Map<String, Object> args = with(with(with(with(validOrder(), "note", "ring twice"), "coupon", "SAVE10"),
                "priority", 2), "billTo", Map.of("city", "Paris", "zip", "75001"));
        Order order = RecordSchemas.bind(args, Order.class);
        assertEquals(Optional.of("ring twice"), order.note());
        assertEquals("SAVE10", order.coupon());
        assertEquals(2, order.priority());
        assertEquals(Optional.of(new Address("Paris", Optional.of("75001"))), order.billTo());
    }

    @Test
    void explicitNullIsAcceptedForNullableAndOptionalComponents() {
        Map<String, Object> args = new HashMap<>(validOrder());
        args.put("coupon", null);
        args.put("note", null);
        Order order = RecordSchemas.bind(args, Order.class);
        assertNull(order.coupon());
        assertEquals(Optional.empty(), order.note());
    }

    @Test
    void nullArgumentsBindLikeAnEmptyObject() {
        assertEquals(new NoArgs(), RecordSchemas.bind(null, NoArgs.class));
        assertEquals("Missing required argument 'q'", bindError(null, Query.class));
    }

    @Test
    void bindsSingleComponentAndRecursiveRecords() {
        assertEquals(new Query("java"), RecordSchemas.bind(Map.of("q", "java"), Query.class));
        Tree tree = RecordSchemas.bind(Map.of("name", "root",
                "children", List.of(Map.of("name", "leaf", "children", List.of()))), Tree.class);
        assertEquals(new Tree("root", List.of(new Tree("leaf", List.of()))), tree);
    }

    @Test
    void missingRequiredComponentIsReportedByName() {
        Map<String, Object> args = validOrder();
        args.remove("customer");
        assertEquals("Missing required argument 'customer'", bindError(args, Order.class));
    }

    @Test
    void missingPrimitiveIsReportedInsteadOfDefaultingToZero() {
        Map<String, Object> args = validOrder();
        args.remove("quantity");
        assertEquals("Missing required argument 'quantity'", bindError(args, Order.class));
    }

    @Test
    void missingRequiredComponentOfNestedRecordIsReportedWithItsPath() {
        assertEquals("Missing required argument 'shipTo.city'",
                bindError(with(validOrder(), "shipTo", Map.of("zip", "N1")), Order.class));
        assertEquals("Missing required argument 'children[0].name'",
                bindError(Map.of("name", "root", "children", List.of(Map.of("children", List.of()))), Tree.class));
    }

    @Test
    void explicitNullForRequiredComponentIsRejected() {
        assertEquals("Invalid argument 'customer': expected a string but got null",
                bindError(with(validOrder(), "customer", null), Order.class));
    }

    @Test
    void wrongTypeNamesTheArgumentTheExpectationAndTheValue() {
        assertEquals("Invalid argument 'quantity': expected an integer but got \"abc\"",
                bindError(with(validOrder(), "quantity", "abc"), Order.class));
        assertEquals("Invalid argument 'customer': expected a string but got an object",
                bindError(with(validOrder(), "customer", Map.of("first", "Ada")), Order.class));
        assertEquals("Invalid argument 'shipTo': expected an object but got \"London\"",
                bindError(with(validOrder(), "shipTo", "London"), Order.class));
    }

    @Test
    void fractionalNumberIsNotTruncatedIntoAnInteger() {
        assertEquals("Invalid argument 'quantity': expected an integer but got 1.5",
                bindError(with(validOrder(), "quantity", 1.5), Order.class));
    }

    @Test
    void wrongTypeInsideListOrMapNamesTheElement() {
        assertEquals("Invalid argument 'tags[1]': expected a string but got an object",
                bindError(with(validOrder(), "tags", List.of("ok", Map.of())), Order.class));
        assertEquals("Invalid argument 'extras.wrapping': expected an integer but got \"two\"",
                bindError(with(validOrder(), "extras", Map.of("wrapping", "two")), Order.class));
    }

    @Test
    void unknownEnumConstantListsTheAllowedValues() {
        assertEquals("Invalid argument 'size': expected one of [SMALL, LARGE] but got \"HUGE\"",
                bindError(with(validOrder(), "size", "HUGE"), Order.class));
    }

    @Test
    void unparseableDateSaysWhatFormatIsExpected() {
        String message = bindError(with(validOrder(), "deliverBy", "next tuesday"), Order.class);
        assertTrue(message.startsWith("Invalid argument 'deliverBy': expected a date like \"2024-01-31\""), message);
        assertTrue(message.endsWith("but got \"next tuesday\""), message);
    }

    @Test
    void unknownArgumentIsRejectedAndTheKnownOnesAreListed() {
        String message = bindError(with(validOrder(), "colour", "red"), Order.class);
        assertTrue(message.startsWith("Unknown argument 'colour' (expected one of: "), message);
        assertTrue(message.contains("customer") && message.contains("shipTo"), message);
    }

    @Test
    void unknownArgumentInNestedRecordIsReportedWithItsPath() {
        assertEquals("Unknown argument 'shipTo.street' (expected one of: city, zip)",
                bindError(with(validOrder(), "shipTo", Map.of("city", "Leeds", "street", "Main St")), Order.class));
    }

    @Test
    void validationInTheRecordConstructorIsReportedInItsOwnWords() {
        assertEquals("Invalid arguments: age must be at least 18", bindError(Map.of("age", 12), Adult.class));
        assertEquals(new Adult(30), RecordSchemas.bind(Map.of("age", 30), Adult.class));
    }
}
