package dev.fastmcp.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Jackson annotations a tool's records may carry: those on which the schema (victools' Jackson module) and the
 * binding (Jackson itself) agree. A component keeps its name unless {@code @JsonProperty} gives another;
 * {@code @JsonIgnore} leaves it out of both; {@code @JsonPropertyDescription} and {@code @JsonClassDescription}
 * describe; {@code @JsonInclude} only shapes results. An enum constant is written as its {@code @JsonProperty} name
 * or its {@code @JsonValue}. Any other Jackson annotation (an alias, a custom format, unwrapping, polymorphism, a
 * custom (de)serializer...) would let one accept what the other refuses, so it is refused, naming where it is.
 */
final class JacksonAnnotations {

    private static final Set<String> SUPPORTED = Set.of("JsonProperty", "JsonIgnore", "JsonPropertyDescription",
            "JsonClassDescription", "JsonInclude");
    private static final List<String> JACKSON_PACKAGES = List.of("com.fasterxml.jackson.annotation",
            "tools.jackson.databind.annotation", "com.fasterxml.jackson.databind.annotation");

    private JacksonAnnotations() {
    }

    /**
     * Refuses {@code type}, or a record or enum it holds, when it carries a Jackson annotation on which schema and
     * binding would disagree.
     */
    static void check(Class<?> type) {
        visit(type, new HashSet<>(), type);
    }

    /** The JSON name of a component: its {@code @JsonProperty} name, else its own; null when {@code @JsonIgnore}d. */
    static String jsonName(RecordComponent c) {
        for (AnnotatedElement e : elements(c)) {
            if (e.isAnnotationPresent(com.fasterxml.jackson.annotation.JsonIgnore.class)
                    && e.getAnnotation(com.fasterxml.jackson.annotation.JsonIgnore.class).value()) {
                return null;
            }
        }
        for (AnnotatedElement e : elements(c)) {
            JsonProperty p = e.getAnnotation(JsonProperty.class);
            if (p != null && !p.value().isEmpty()) {
                return p.value();
            }
        }
        return c.getName();
    }

    /** The values an enum is written and read as, for messages: {@code [low, high]}. */
    static List<String> enumValues(Class<?> type) {
        List<String> out = new ArrayList<>();
        Method valueMethod = null;
        for (Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(JsonValue.class) && m.getParameterCount() == 0) {
                valueMethod = m;
            }
        }
        for (Object constant : type.getEnumConstants()) {
            Enum<?> e = (Enum<?>) constant;
            String value = e.name();
            try {
                if (valueMethod != null) {
                    valueMethod.setAccessible(true);
                    value = String.valueOf(valueMethod.invoke(e));
                } else {
                    JsonProperty p = type.getField(e.name()).getAnnotation(JsonProperty.class);
                    if (p != null && !p.value().isEmpty()) {
                        value = p.value();
                    }
                }
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // the plain name, as Jackson would fall back to
            }
            out.add(value);
        }
        return out;
    }

    private static void visit(Type type, Set<Type> seen, Class<?> root) {
        if (!seen.add(type)) {
            return;
        }
        if (type instanceof ParameterizedType p) {
            visit(p.getRawType(), seen, root);
            for (Type argument : p.getActualTypeArguments()) {
                visit(argument, seen, root);
            }
        } else if (type instanceof GenericArrayType g) {
            visit(g.getGenericComponentType(), seen, root);
        } else if (type instanceof WildcardType w) {
            for (Type bound : w.getUpperBounds()) {
                visit(bound, seen, root);
            }
        } else if (type instanceof Class<?> c) {
            if (c.isArray()) {
                visit(c.getComponentType(), seen, root);
            } else if (c.isRecord()) {
                refuseOn(c, "record " + c.getSimpleName(), root, Set.of("JsonClassDescription", "JsonInclude"));
                for (RecordComponent component : c.getRecordComponents()) {
                    for (AnnotatedElement e : elements(component)) {
                        refuseOn(e, "component '" + component.getName() + "' of " + c.getSimpleName(), root,
                                SUPPORTED);
                    }
                    JsonProperty p = component.getAnnotation(JsonProperty.class);
                    if (p == null) {
                        p = component.getAccessor().getAnnotation(JsonProperty.class);
                    }
                    if (p != null && p.access() != JsonProperty.Access.AUTO) {
                        throw refused(root, "component '" + component.getName() + "' of " + c.getSimpleName()
                                + " sets @JsonProperty(access = " + p.access() + ")");
                    }
                    visit(component.getGenericType(), seen, root);
                }
            } else if (c.isEnum()) {
                refuseOn(c, "enum " + c.getSimpleName(), root, Set.of());
                for (Field f : c.getDeclaredFields()) {
                    if (f.isEnumConstant()) {
                        refuseOn(f, "constant " + f.getName() + " of " + c.getSimpleName(), root,
                                Set.of("JsonProperty"));
                    }
                }
                for (Method m : c.getDeclaredMethods()) {
                    refuseOn(m, "method " + m.getName() + " of " + c.getSimpleName(), root, Set.of("JsonValue"));
                    if (m.isAnnotationPresent(JsonValue.class) && m.getReturnType() != String.class) {
                        throw refused(root, "@JsonValue method " + m.getName() + " of " + c.getSimpleName()
                                + " returns " + m.getReturnType().getSimpleName() + ", not a String");
                    }
                }
            }
        }
    }

    private static void refuseOn(AnnotatedElement element, String where, Class<?> root, Set<String> allowed) {
        for (Annotation a : element.getAnnotations()) {
            Class<? extends Annotation> kind = a.annotationType();
            if (JACKSON_PACKAGES.contains(kind.getPackageName()) && !allowed.contains(kind.getSimpleName())) {
                throw refused(root, where + " carries @" + kind.getSimpleName());
            }
        }
    }

    private static IllegalArgumentException refused(Class<?> root, String what) {
        return new IllegalArgumentException("Record " + root.getName() + ": " + what + ", which the tool's JSON "
                + "Schema cannot express the way Jackson binds it, so clients would send what the server refuses. "
                + "Supported: @JsonProperty (a name), @JsonIgnore, @JsonPropertyDescription, @JsonClassDescription "
                + "and @JsonInclude on records; @JsonProperty on enum constants and @JsonValue on an enum method "
                + "returning a String. "
                + "Remove it, or give the tool its JSON Schema (parameters(String)) and read the arguments as a Map");
    }

    private static List<AnnotatedElement> elements(RecordComponent c) {
        List<AnnotatedElement> out = new ArrayList<>(List.of(c, c.getAccessor()));
        try {
            out.add(c.getDeclaringRecord().getDeclaredField(c.getName()));
        } catch (NoSuchFieldException e) {
            // every component has its field
        }
        return out;
    }
}
