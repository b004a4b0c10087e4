package dev.fastmcp.server;

import dev.fastmcp.AccessCheck;
import dev.fastmcp.Auth;
import dev.fastmcp.Context;
import dev.fastmcp.Description;
import dev.fastmcp.Tool;
import dev.fastmcp.annotations.Arg;
import dev.fastmcp.annotations.McpTool;
import dev.fastmcp.annotations.RequireAuth;
import dev.fastmcp.annotations.RequireRole;
import dev.fastmcp.annotations.RequireScopes;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tools of an object's {@link McpTool} methods: each a {@link Tool} as the builder makes it, its input schema
 * from the method's parameters, its access from the method's annotations, its handler a call of the method. What
 * the annotations get wrong is refused here, when the server is built, naming the method.
 */
public final class AnnotatedTools {

    private AnnotatedTools() {
    }

    /**
     * The tools of {@code target}'s public {@link McpTool} methods (its class's and inherited ones), in name order.
     *
     * @throws IllegalArgumentException when it has none, or one of them cannot be a tool
     */
    public static List<Tool> of(Object target) {
        Class<?> type = target.getClass();
        for (Method m : type.getDeclaredMethods()) {
            if (m.isAnnotationPresent(McpTool.class) && !Modifier.isPublic(m.getModifiers())) {
                throw refused(m, "is not public; an @McpTool method must be public");
            }
        }
        List<Method> methods = Arrays.stream(type.getMethods()).filter(m -> m.isAnnotationPresent(McpTool.class))
                .sorted(Comparator.comparing(Method::getName)).toList();
        if (methods.isEmpty()) {
            throw new IllegalArgumentException("addTools: " + type.getName() + " has no public method annotated "
                    + "@McpTool; annotate the methods that are tools, or add tools with Tool.builder(...)");
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            methods.forEach(m -> m.setAccessible(true)); // a public method of a class the caller made non-public
        }
        List<Tool> tools = new ArrayList<>();
        for (Method m : methods) {
            tools.add(tool(target, m));
        }
        return tools;
    }

    private static Tool tool(Object target, Method method) {
        if (Modifier.isStatic(method.getModifiers())) {
            throw refused(method, "is static; annotate an instance method of the object given to addTools");
        }
        McpTool annotation = method.getAnnotation(McpTool.class);
        String name = annotation.name().isEmpty() ? method.getName() : annotation.name();
        List<RecordSchemas.Parameter> arguments = new ArrayList<>();
        List<Integer> contextAt = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Parameter[] parameters = method.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            Parameter p = parameters[i];
            if (p.getType() == Context.class) {
                contextAt.add(i);
                continue;
            }
            Arg arg = p.getAnnotation(Arg.class);
            if (arg == null && !p.isNamePresent()) {
                throw refused(method, "parameter " + (i + 1) + " has no name: compile with -parameters "
                        + "(maven-compiler-plugin <parameters>true</parameters>) or annotate it @Arg(\"name\")");
            }
            String argument = arg != null ? arg.value() : p.getName();
            if (argument.isBlank() || !names.add(argument)) {
                throw refused(method, "names the argument '" + argument + "' " + (argument.isBlank() ? "blank"
                        : "twice") + "; give each parameter its own name");
            }
            Description description = p.getAnnotation(Description.class);
            boolean nullable = p.getType() == Optional.class || Arrays.stream(p.getAnnotations())
                    .anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"))
                    || Arrays.stream(p.getAnnotatedType().getAnnotations())
                    .anyMatch(a -> a.annotationType().getSimpleName().equals("Nullable"));
            if (p.getType().isPrimitive() && nullable) {
                throw refused(method, "parameter '" + argument + "' is a primitive marked @Nullable; use its "
                        + "wrapper type or Optional");
            }
            arguments.add(new RecordSchemas.Parameter(argument, p.getParameterizedType(), nullable,
                    description == null ? null : description.value()));
        }
        if (contextAt.size() > 1) {
            throw refused(method, "takes a Context " + contextAt.size() + " times; one is enough");
        }
        Map<String, Object> schema;
        try {
            schema = RecordSchemas.schemaFor(arguments);
        } catch (IllegalArgumentException e) {
            throw refused(method, "cannot describe its parameters: " + e.getMessage());
        }
        Tool.Builder<Map<String, Object>> builder = Tool.builder(name).parameters(schema);
        String description = !annotation.description().isEmpty() ? annotation.description()
                : method.isAnnotationPresent(Description.class) ? method.getAnnotation(Description.class).value()
                : null;
        if (description != null) {
            builder.description(description);
        }
        if (!annotation.title().isEmpty()) {
            builder.title(annotation.title());
        }
        if (method.getReturnType().isRecord()) {
            @SuppressWarnings("unchecked")
            Class<? extends Record> output = (Class<? extends Record>) method.getReturnType();
            builder.outputType(output);
        }
        AccessCheck access = access(method);
        if (access != null) {
            builder.canAccess(access);
        }
        int context = contextAt.isEmpty() ? -1 : contextAt.get(0);
        return builder.execute((args, ctx) -> {
            Object[] values = new Object[parameters.length];
            int next = 0;
            for (int i = 0; i < parameters.length; i++) {
                values[i] = i == context ? ctx : RecordSchemas.bindParameter(args == null ? Map.of() : args,
                        arguments.get(next++));
            }
            try {
                return method.invoke(target, values);
            } catch (InvocationTargetException e) {
                // The method's own exception, as it is: a UserError stays one.
                if (e.getCause() instanceof Exception thrown) {
                    throw thrown;
                }
                throw (Error) e.getCause();
            }
        }).build();
    }

    private static AccessCheck access(Method method) {
        List<AccessCheck> checks = new ArrayList<>();
        if (method.isAnnotationPresent(RequireAuth.class)) {
            checks.add(Auth.requireAuth());
        }
        RequireScopes scopes = method.getAnnotation(RequireScopes.class);
        if (scopes != null) {
            if (scopes.value().length == 0) {
                throw refused(method, "has @RequireScopes without a scope; name at least one");
            }
            checks.add(Auth.requireScopes(scopes.value()));
        }
        RequireRole roles = method.getAnnotation(RequireRole.class);
        if (roles != null) {
            if (roles.value().length == 0) {
                throw refused(method, "has @RequireRole without a role; name at least one");
            }
            checks.add(Auth.requireRole(roles.value()));
        }
        return checks.isEmpty() ? null : checks.size() == 1 ? checks.get(0)
                : Auth.requireAll(checks.toArray(AccessCheck[]::new));
    }

    private static IllegalArgumentException refused(Method method, String what) {
        return new IllegalArgumentException("@McpTool " + method.getDeclaringClass().getSimpleName() + "."
                + method.getName() + " " + what);
    }
}
