/**
 * The FastMCP API: a server ({@link dev.fastmcp.FastMCP}) with its tools, resources, resource templates and
 * prompts, the {@link dev.fastmcp.Context} their code runs with, custom HTTP routes, and the authentication SPI
 * with the {@code canAccess} helpers of {@link dev.fastmcp.Auth}.
 */
package dev.fastmcp;
