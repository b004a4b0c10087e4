package dev.fastmcp.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The name of an {@link McpTool} method's parameter in the arguments: needed when the code is compiled without
 * {@code -parameters}, or to give an argument another name than the parameter ({@code @Arg("due_date")}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Arg {

    /** The argument's name. */
    String value();
}
