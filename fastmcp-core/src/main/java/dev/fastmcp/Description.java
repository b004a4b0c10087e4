package dev.fastmcp;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A human-readable description that FastMCP copies into generated JSON Schemas.
 *
 * <p>Put it on a record component of a tool's parameter record to describe that argument to the
 * client (it becomes the property's {@code description}), or on the record type itself to describe
 * the whole object:
 *
 * <pre>{@code
 * @Description("Where to send the greeting")
 * record GreetArgs(@Description("Who to greet") String name,
 *                  @Description("How many times; defaults to 1") Optional<Integer> times) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE})
public @interface Description {

    /**
     * The description text, written for the model or person calling the tool.
     *
     * @return the description; should not be blank
     */
    String value();
}
