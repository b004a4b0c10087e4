package dev.fastmcp.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The {@link McpTool} needs one of these roles: {@link dev.fastmcp.Auth#requireRole(String...)}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequireRole {

    /** The roles, at least one. */
    String[] value();
}
