package dev.fastmcp.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** The {@link McpTool} needs every one of these scopes: {@link dev.fastmcp.Auth#requireScopes(String...)}. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface RequireScopes {

    /** The scopes, at least one. */
    String[] value();
}
