package dev.fastmcp.server;

import com.github.victools.jsonschema.generator.MemberScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfig;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import dev.fastmcp.Description;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns a tool's parameter record into a JSON Schema 2020-12 input schema, and binds the
 * arguments of a tool call back onto that record.
 *
 * <p>A component is required unless its type is {@link Optional} or it carries an annotation whose
 * simple name is {@code Nullable} (any package, on the component or its type; the annotation must be
 * retained at run time); both accept an explicit {@code null}, which binds as {@code Optional.empty()} or
 * {@code null}. {@link Description} on a component or record becomes {@code description}.
 *
 * <p>Schema and binding agree on the Jackson annotations they honour ({@link JacksonAnnotations}): a component
 * renamed with {@code @JsonProperty} has that name in both, as does an enum constant renamed with
 * {@code @JsonProperty} or {@code @JsonValue}; any other Jackson annotation is refused when the schema is made.
 * Results written from a record leave out empty optionals and nulls, as its schema allows.
 */
public final class RecordSchemas {

    private static final Map<Class<?>, Map<String, Object>> CACHE = new ConcurrentHashMap<>();

    private RecordSchemas() {}

    /**
     * The strict mapper arguments are bound with; built on first use (a tool call, or the warm-up), not when the
     * first schema is generated at start-up, which does not need it.
     */
    private static final class Binding {
        static final JsonMapper MAPPER = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .build();
    }

    /**
     * The one schema generator, configured once: its configuration, and the object mapper the library makes for
     * it, are too costly to build for every parameter record.
     */
    private static final class Generator {
        static final SchemaGenerator INSTANCE = new SchemaGenerator(config());
    }

    /**
     * The mapper results are written with: a record's empty optionals and nulls left out, not written null (a map's
     * entries are written as they are).
     */
    private static final class Output {
        static final JsonMapper MAPPER = JsonMapper.builder()
                .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_ABSENT))
                .build();
    }

    /**
     * A tool's result as JSON values (maps, lists, strings, numbers): a record as its schema describes it, with no
     * member for an empty optional or a null.
     */
    public static Object structured(Object value) {
        return Output.MAPPER.convertValue(value, Object.class);
    }

    /** Builds the binding mapper now, so that the first tool call does not: the warm-up calls it. */
    static void prepareBinding() {
        Objects.requireNonNull(Binding.MAPPER);
    }

    /** The input schema of a parameter record; generated once per class, deeply unmodifiable. */
    public static Map<String, Object> schemaFor(Class<?> type) {
        return CACHE.computeIfAbsent(requireRecord(type), RecordSchemas::generate);
    }

    /**
     * One parameter of a tool method, as its schema describes it.
     *
     * @param name        its name in the arguments
     * @param type        its Java type; an {@link Optional} is the type it wraps, not required, and may be null
     * @param nullable    whether an explicit null is accepted (and the parameter not required)
     * @param description its description; null for none
     */
    record Parameter(String name, Type type, boolean nullable, String description) {
    }

    /**
     * The input schema of a tool method's parameters: an object with a property per parameter, in their order, the
     * records among them defined once under {@code $defs}, as a record's components would be.
     */
    static Map<String, Object> schemaFor(List<Parameter> parameters) {
        ObjectNode root;
        synchronized (Generator.INSTANCE) {
            com.github.victools.jsonschema.generator.SchemaBuilder builder =
                    Generator.INSTANCE.buildMultipleSchemaDefinitions();
            root = Generator.INSTANCE.getConfig().createObjectNode();
            root.put("$schema", SchemaVersion.DRAFT_2020_12.getIdentifier());
            root.put("type", "object");
            ObjectNode properties = root.putObject("properties");
            tools.jackson.databind.node.ArrayNode required = Generator.INSTANCE.getConfig().createArrayNode();
            for (Parameter p : parameters) {
                JacksonAnnotations.check(raw(p.type()));
                Type target = raw(p.type()) == Optional.class ? typeArgument(p.type(), 0) : p.type();
                ObjectNode property = builder.createSchemaReference(target);
                if (p.nullable()) {
                    property = orNull(property);
                } else {
                    required.add(p.name());
                }
                if (p.description() != null) {
                    property.put("description", p.description());
                }
                properties.set(p.name(), property);
            }
            if (!required.isEmpty()) {
                root.set("required", required);
            }
            root.put("additionalProperties", false);
            ObjectNode definitions = builder.collectDefinitions("$defs");
            if (definitions != null && !definitions.isEmpty()) {
                root.set("$defs", definitions);
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) plain(root);
        return result;
    }

    /** {@code schema}, or null: a type list gains "null", anything else becomes one of the two. */
    private static ObjectNode orNull(ObjectNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isString() && !schema.has("$ref")) {
            ObjectNode out = schema.deepCopy();
            tools.jackson.databind.node.ArrayNode types = out.putArray("type");
            types.add(type.asString());
            types.add("null");
            return out;
        }
        ObjectNode out = Generator.INSTANCE.getConfig().createObjectNode();
        tools.jackson.databind.node.ArrayNode anyOf = out.putArray("anyOf");
        anyOf.addObject().put("type", "null");
        anyOf.add(schema);
        return out;
    }

    /**
     * Binds one argument of a tool method; a missing or null one is empty or null when the parameter allows it.
     *
     * @throws InvalidArgumentsException when it is missing though required, or not of its type
     */
    static Object bindParameter(Map<String, Object> arguments, Parameter p) {
        Object value = arguments.get(p.name());
        boolean optional = raw(p.type()) == Optional.class;
        if (value == null) {
            if (!p.nullable()) {
                throw new InvalidArgumentsException(arguments.containsKey(p.name())
                        ? "Invalid argument '" + p.name() + "': expected " + ArgumentErrors.expected(raw(p.type())) + " but got null"
                        : "Missing required argument '" + p.name() + "'");
            }
            return optional ? Optional.empty() : null;
        }
        checkPresent(value, p.type(), p.name());
        try {
            return Binding.MAPPER.convertValue(value, Binding.MAPPER.constructType(p.type()));
        } catch (JacksonException e) {
            throw new InvalidArgumentsException(ArgumentErrors.explain(e, value, p.name()), e);
        }
    }

    /** Binds tool-call arguments ({@code null} means none) to a parameter record. */
    static <T> T bind(Map<String, Object> arguments, Class<T> type) {
        requireRecord(type);
        Map<String, Object> args = arguments == null ? Map.of() : arguments;
        T direct = ScalarRecords.bind(args, type);
        return direct != null ? direct : bindWithJackson(args, type);
    }

    /** {@link #bind} without the direct path of {@link ScalarRecords}: what that path must agree with. */
    static <T> T bindWithJackson(Map<String, Object> args, Class<T> type) {
        checkPresent(args, type, "");
        try {
            return Binding.MAPPER.convertValue(args, type);
        } catch (JacksonException e) {
            throw new InvalidArgumentsException(ArgumentErrors.explain(e, args, ""), e);
        }
    }

    private static <T> Class<T> requireRecord(Class<T> type) {
        Objects.requireNonNull(type, "type == null");
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName()
                    + " is not a record: tool parameters must be declared as a Java record or given as a JSON Schema");
        }
        return type;
    }

    private static Map<String, Object> generate(Class<?> type) {
        JacksonAnnotations.check(type);
        Map<String, Object> direct = ScalarRecords.schema(type);
        if (direct != null) {
            return CheckedSchemas.conforming(direct);
        }
        return generated(type);
    }

    /** Whether {@code schema} is the one {@link #schemaFor(Class)} made for {@code type} (not one given instead). */
    static boolean isSchemaFor(Class<?> type, Map<String, Object> schema) {
        return type != null && CACHE.get(type) == schema;
    }

    /** {@link #schemaFor(Class)} as the schema generator makes it: what {@link ScalarRecords#schema} must agree with. */
    static Map<String, Object> generated(Class<?> type) {
        ObjectNode schema;
        synchronized (Generator.INSTANCE) { // one generation at a time: the library does not promise more
            schema = Generator.INSTANCE.generateSchema(type);
        }
        if (!schema.has("properties")) {
            schema.putObject("properties"); // a record without components: some clients insist on the key
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) plain(schema);
        return result;
    }

    private static SchemaGeneratorConfig config() {
        SchemaGeneratorConfigBuilder config = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(Option.SCHEMA_VERSION_INDICATOR, Option.ADDITIONAL_FIXED_TYPES, Option.STANDARD_FORMATS,
                        Option.FLATTENED_ENUMS, Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES, Option.INLINE_NULLABLE_SCHEMAS,
                        Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
                .without(Option.FLATTENED_OPTIONALS); // its module would make every Optional<X> "X or null"
        // The names Jackson binds with (@JsonProperty on components and enum constants, @JsonValue) are the
        // schema's too; JacksonAnnotations refuses the annotations on which the two would part.
        config.with(new JacksonModule(JacksonOption.SKIP_SUBTYPE_LOOKUP, JacksonOption.IGNORE_TYPE_INFO_TRANSFORM));
        // An enum's values as Jackson writes and reads them, whether or not the enum is public.
        config.forTypesInGeneral().withCustomDefinitionProvider((javaType, context) -> {
            Class<?> raw = javaType.getErasedType();
            if (!raw.isEnum()) {
                return null;
            }
            ObjectNode node = context.getGeneratorConfig().createObjectNode();
            node.put("type", "string");
            tools.jackson.databind.node.ArrayNode values = node.putArray("enum");
            JacksonAnnotations.enumValues(raw).forEach(values::add);
            return new com.github.victools.jsonschema.generator.CustomDefinition(node,
                    com.github.victools.jsonschema.generator.CustomDefinition.DefinitionType.INLINE,
                    com.github.victools.jsonschema.generator.CustomDefinition.AttributeInclusion.YES);
        });
        config.forFields().withTargetTypeOverridesResolver(field -> field.getType().isInstanceOf(Optional.class)
                ? List.of(field.getTypeParameterFor(Optional.class, 0)) : null);
        // An Optional accepts an explicit null as a @Nullable does (models send null often): "X or null".
        config.forFields().withNullableCheck(field -> field.getRawMember().getType().equals(Optional.class)
                || nullable(field.getDeclaringType().getErasedType(), field.getDeclaredName()));
        config.forFields().withRequiredCheck(field -> !field.getRawMember().getType().equals(Optional.class)
                && !nullable(field.getDeclaringType().getErasedType(), field.getDeclaredName()));
        // On the member only: a list's description is not its items'.
        config.forFields().withDescriptionResolver(field -> field.isFakeContainerItemScope() ? null
                : text(field.getAnnotationConsideringFieldAndGetter(Description.class)));
        config.forTypesInGeneral().withDescriptionResolver(scope -> text(scope.getType().getErasedType().getAnnotation(Description.class)));
        config.forTypesInGeneral().withPropertySorter(Comparator.comparingInt(RecordSchemas::declarationIndex));
        return config.build();
    }

    private static String text(Description d) {
        return d == null ? null : d.value();
    }

    private static int declarationIndex(MemberScope<?, ?> member) {
        RecordComponent[] components = member.getDeclaringType().getErasedType().getRecordComponents();
        for (int i = 0; components != null && i < components.length; i++) {
            if (components[i].getName().equals(member.getDeclaredName())) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private static Object plain(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.properties().forEach(e -> map.put(e.getKey(), plain(e.getValue())));
            return Collections.unmodifiableMap(map);
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> list.add(plain(item)));
            return Collections.unmodifiableList(list);
        }
        return node.isNumber() ? node.numberValue() : node.isBoolean() ? Boolean.valueOf(node.booleanValue())
                : node.isNull() ? null : node.asString();
    }

    /** Whether a member carries any {@code Nullable} on its field, record component, accessor or their types. */
    static boolean nullable(Class<?> owner, String name) {
        List<AnnotatedElement> elements = new ArrayList<>();
        Arrays.stream(owner.getDeclaredFields()).filter(f -> f.getName().equals(name))
                .forEach(f -> elements.addAll(List.of(f, f.getAnnotatedType())));
        Arrays.stream(owner.isRecord() ? owner.getRecordComponents() : new RecordComponent[0]).filter(c -> c.getName().equals(name))
                .forEach(c -> elements.addAll(List.of(c, c.getAnnotatedType(), c.getAccessor())));
        return elements.stream().flatMap(e -> Arrays.stream(e.getAnnotations()))
                .anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
    }

    /** A record component as binding checks it: its JSON name, its type, and whether it may be absent or null. */
    private record Slot(String json, Type type, Class<?> raw, boolean optional) {
    }

    /**
     * The bound components of each record (those not {@code @JsonIgnore}d), read once per class: binding checks them
     * on every call, and reading annotations by reflection each time showed in profiles.
     */
    private static final ClassValue<List<Slot>> SLOTS = new ClassValue<>() {
        @Override
        protected List<Slot> computeValue(Class<?> record) {
            List<Slot> slots = new ArrayList<>();
            for (RecordComponent c : record.getRecordComponents()) {
                String name = JacksonAnnotations.jsonName(c);
                if (name != null) {
                    slots.add(new Slot(name, c.getGenericType(), c.getType(),
                            c.getType() == Optional.class || nullable(record, c.getName())));
                }
            }
            return List.copyOf(slots);
        }
    };

    /** Reports absent or null required components, which Jackson would silently bind as null. */
    private static void checkPresent(Object value, Type type, String path) {
        Class<?> raw = raw(type);
        if (value instanceof Map<?, ?> map && raw.isRecord()) {
            for (Slot c : SLOTS.get(raw)) {
                String name = c.json();
                String at = path.isEmpty() ? name : path + "." + name;
                Object v = map.get(name);
                if (v != null) {
                    checkPresent(v, c.type(), at);
                } else if (!c.optional()) {
                    throw new InvalidArgumentsException(map.containsKey(name)
                            ? "Invalid argument '" + at + "': expected " + ArgumentErrors.expected(c.raw()) + " but got null"
                            : "Missing required argument '" + at + "'");
                }
            }
        } else if (value instanceof List<?> list && (raw.isArray() || Collection.class.isAssignableFrom(raw))) {
            Type item = raw.isArray() ? (type instanceof GenericArrayType g ? g.getGenericComponentType() : raw.getComponentType())
                    : typeArgument(type, 0);
            for (int i = 0; i < list.size(); i++) {
                checkPresent(list.get(i), item, path + "[" + i + "]");
            }
        } else if (value instanceof Map<?, ?> map && Map.class.isAssignableFrom(raw)) {
            map.forEach((k, v) -> checkPresent(v, typeArgument(type, 1), path.isEmpty() ? "" + k : path + "." + k));
        } else if (raw == Optional.class) {
            checkPresent(value, typeArgument(type, 0), path);
        }
    }

    private static Type typeArgument(Type type, int index) {
        return type instanceof ParameterizedType p && p.getActualTypeArguments().length > index
                ? p.getActualTypeArguments()[index] : Object.class;
    }

    private static Class<?> raw(Type type) {
        return type instanceof Class<?> c ? c
                : type instanceof ParameterizedType p ? raw(p.getRawType())
                : type instanceof WildcardType w ? raw(w.getUpperBounds()[0])
                : type instanceof GenericArrayType ? Object[].class : Object.class;
    }

}
