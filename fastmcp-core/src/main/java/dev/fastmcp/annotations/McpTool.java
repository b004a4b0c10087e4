package dev.fastmcp.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a public method a tool when its object is given to {@link dev.fastmcp.FastMCP.Builder#addTools(Object)}:
 *
 * <pre>{@code
 * class Notes {
 *     @McpTool(description = "Adds a note")
 *     public String addNote(@Description("The text") String text, Optional<String> tag, Context ctx) { ... }
 * }
 * FastMCP.builder("notes", "1.0.0").addTools(new Notes())
 * }</pre>
 *
 * <p>Each parameter is an argument named as in the source (compile with {@code -parameters}, or name it with
 * {@link Arg}), required unless it is {@code Optional} or {@code @Nullable}, described by
 * {@link dev.fastmcp.Description}; its type gives its schema as a record component's would. A parameter of type
 * {@link dev.fastmcp.Context} is the call's context, not an argument. The return value is the result as for
 * {@link dev.fastmcp.Tool.Builder#execute}; a record return type is also the output schema.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface McpTool {

    /** The tool's name; default the method's. */
    String name() default "";

    /** What the tool does, for the model; default {@link dev.fastmcp.Description} on the method, if any. */
    String description() default "";

    /** A title for people; default none. */
    String title() default "";
}
