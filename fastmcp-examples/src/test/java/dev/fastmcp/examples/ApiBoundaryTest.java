package dev.fastmcp.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API exposes no internals. Every public or protected signature of a public type in an API package
 * (supertypes, fields, constructors, methods, their generic arguments and bounds) may name only JDK, dependency
 * and API types: never a type of an internal package, nor one of our types that is not public. A user therefore
 * never needs an internal type to call the API, and an internal type can change without breaking anyone.
 *
 * <p>The jars name their modules ({@code Automatic-Module-Name}) instead of declaring a {@code module-info}:
 * {@code undertow-core} and {@code xnio} have no module name of their own, so a {@code requires} on them would
 * bind to their file names. This test is the check a {@code module-info} would otherwise give.
 */
public class ApiBoundaryTest {

    /** Packages that are not API: public types there serve our own modules only. */
    static final Set<String> INTERNAL_PACKAGES = Set.of("dev.fastmcp.internal", "dev.fastmcp.server",
            "dev.fastmcp.transport", "dev.fastmcp.auth.internal");

    /** Our packages that are scanned; the examples are programs, not API. */
    private static final List<String> MODULES = List.of("fastmcp-core", "fastmcp-testing", "fastmcp-auth",
            "fastmcp-devidp", "fastmcp-redis", "fastmcp-providers");

    @Test
    void noApiSignatureExposesAnInternalType() throws IOException {
        Path root = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
        List<Class<?>> api = new ArrayList<>();
        for (String module : MODULES) {
            for (String name : classNames(root.resolve(module).resolve("src/main/java"))) {
                Class<?> type = load(name);
                if (!INTERNAL_PACKAGES.contains(type.getPackageName())) {
                    api.add(type);
                }
            }
        }
        assertTrue(api.size() > 60, "the scan found the API types (" + api.size() + ")");
        assertEquals(List.of(), leaks(api, ApiBoundaryTest::isInternal), "API signatures naming internal types");
    }

    @Test
    void theCheckFindsEveryKindOfLeak() {
        Predicate<Class<?>> internal = type -> type == Hidden.class || isInternal(type);
        List<String> found = leaks(List.of(Leaky.class), internal);
        String leaky = Leaky.class.getName();
        String hidden = Hidden.class.getName();
        assertEquals(List.of(
                leaky + " implements " + "java.util.function.Supplier<" + hidden + ">",
                leaky + ".field: " + hidden,
                leaky + ".get(): " + hidden,
                leaky + ".list(): java.util.List<? extends " + hidden + ">",
                leaky + ".bounded(): T",
                leaky + ".bounded(..): T",
                leaky + ".take(..): " + hidden + "[]",
                Leaky.Nested.class.getName() + ".of(..): " + hidden,
                leaky + "(..): " + hidden), found.stream().sorted(ApiBoundaryTest::byKind).toList());
        assertEquals(List.of(), leaks(List.of(Clean.class), internal), "private and package-private members are free");
    }

    private static int byKind(String a, String b) {
        List<String> order = List.of(" implements ", ".field", ".get", ".list", ".bounded()", ".bounded(..)", ".take",
                ".Nested", "(..)");
        return Integer.compare(rank(order, a), rank(order, b));
    }

    private static int rank(List<String> order, String s) {
        for (int i = 0; i < order.size(); i++) {
            if (s.contains(order.get(i))) {
                return i;
            }
        }
        return order.size();
    }

    /** Every signature of {@code types} (and their public nested types) that names a type {@code internal} accepts. */
    static List<String> leaks(List<Class<?>> types, Predicate<Class<?>> internal) {
        Set<String> found = new TreeSet<>();
        for (Class<?> type : types) {
            visit(type, internal, found);
        }
        return List.copyOf(found);
    }

    private static void visit(Class<?> type, Predicate<Class<?>> internal, Set<String> found) {
        if (!isVisible(type)) {
            return;
        }
        String name = type.getName();
        check(type.getGenericSuperclass(), internal, name + " extends ", found);
        for (Type supertype : type.getGenericInterfaces()) {
            check(supertype, internal, name + " implements ", found);
        }
        for (TypeVariable<?> variable : type.getTypeParameters()) {
            check(variable, internal, name + "<" + variable.getName() + ">: ", found);
        }
        for (Field field : type.getDeclaredFields()) {
            if (exposed(field.getModifiers()) && !field.isSynthetic()) {
                check(field.getGenericType(), internal, name + "." + field.getName() + ": ", found);
            }
        }
        for (Constructor<?> constructor : type.getDeclaredConstructors()) {
            if (exposed(constructor.getModifiers()) && !constructor.isSynthetic()) {
                executable(constructor, internal, name + "(..): ", found);
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (exposed(method.getModifiers()) && !method.isSynthetic() && !method.isBridge()) {
                check(method.getGenericReturnType(), internal, name + "." + method.getName() + "(): ", found);
                executable(method, internal, name + "." + method.getName() + "(..): ", found);
            }
        }
        for (Class<?> nested : type.getDeclaredClasses()) {
            visit(nested, internal, found);
        }
    }

    private static void executable(Executable executable, Predicate<Class<?>> internal, String where,
            Set<String> found) {
        for (Type parameter : executable.getGenericParameterTypes()) {
            check(parameter, internal, where, found);
        }
        for (Type thrown : executable.getGenericExceptionTypes()) {
            check(thrown, internal, where, found);
        }
        for (TypeVariable<?> variable : executable.getTypeParameters()) {
            check(variable, internal, where, found);
        }
    }

    private static void check(Type type, Predicate<Class<?>> internal, String where, Set<String> found) {
        if (type != null && mentions(type, internal, new HashSet<>())) {
            found.add(where + type.getTypeName());
        }
    }

    /** Whether {@code type}, any of its arguments, bounds or components is internal. */
    private static boolean mentions(Type type, Predicate<Class<?>> internal, Set<Type> seen) {
        if (!seen.add(type)) {
            return false;
        }
        if (type instanceof Class<?> c) {
            Class<?> base = c;
            while (base.isArray()) {
                base = base.getComponentType();
            }
            return internal.test(base);
        }
        if (type instanceof ParameterizedType p) {
            if (mentions(p.getRawType(), internal, seen)) {
                return true;
            }
            for (Type argument : p.getActualTypeArguments()) {
                if (mentions(argument, internal, seen)) {
                    return true;
                }
            }
            return p.getOwnerType() != null && mentions(p.getOwnerType(), internal, seen);
        }
        if (type instanceof GenericArrayType a) {
            return mentions(a.getGenericComponentType(), internal, seen);
        }
        if (type instanceof WildcardType w) {
            return Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
                    .anyMatch(bound -> mentions(bound, internal, seen));
        }
        if (type instanceof TypeVariable<?> v) {
            return Stream.of(v.getBounds()).anyMatch(bound -> mentions(bound, internal, seen));
        }
        return false;
    }

    /** An internal package's type, or one of our types that a user cannot name. */
    static boolean isInternal(Class<?> type) {
        if (type.isPrimitive() || !type.getPackageName().startsWith("dev.fastmcp")) {
            return false;
        }
        return INTERNAL_PACKAGES.contains(type.getPackageName()) || !isVisible(type);
    }

    /** Public, and nested only in public types. */
    private static boolean isVisible(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getDeclaringClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<String> classNames(Path sources) throws IOException {
        assertTrue(Files.isDirectory(sources), "no sources at " + sources);
        try (Stream<Path> walk = Files.walk(sources)) {
            return walk.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().contains("-"))
                    .map(p -> sources.relativize(p).toString().replace('\\', '/').replace('/', '.'))
                    .map(p -> p.substring(0, p.length() - ".java".length()))
                    .toList();
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApiBoundaryTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("a source file without its class on the test class path: " + name, e);
        }
    }

    /** Stands for an internal type in {@link #theCheckFindsEveryKindOfLeak}. */
    public static final class Hidden {
    }

    /** One leak of each kind. */
    public static class Leaky implements java.util.function.Supplier<Hidden> {
        public Hidden field;

        public Leaky(Hidden hidden) {
        }

        @Override
        public Hidden get() {
            return null;
        }

        public List<? extends Hidden> list() {
            return List.of();
        }

        public <T extends Hidden> T bounded() {
            return null;
        }

        protected void take(Hidden[] many) {
        }

        /** A leak one level down. */
        public static final class Nested {
            public static void of(Hidden hidden) {
            }
        }
    }

    /** Internal types where a user cannot see them. */
    public static class Clean {
        private Hidden field;

        Clean(Hidden hidden) {
        }

        Hidden get() {
            return field;
        }

        private static final class Inner {
            public Hidden visibleOnlyToNobody;
        }
    }
}
