/**
 * API. Tools written as annotated methods, for {@link dev.fastmcp.FastMCP.Builder#addTools(Object)}: a public method
 * marked {@link dev.fastmcp.annotations.McpTool} is a tool, its parameters its arguments, and
 * {@link dev.fastmcp.annotations.RequireAuth}, {@link dev.fastmcp.annotations.RequireScopes} and
 * {@link dev.fastmcp.annotations.RequireRole} its access rules. The builder reads the object it is given; nothing
 * is scanned.
 */
package dev.fastmcp.annotations;
