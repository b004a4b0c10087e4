/**
 * Tests for FastMCP servers: {@link dev.fastmcp.testing.McpTestClient} connects the MCP Java SDK's client to a
 * {@code FastMCP} in memory or over HTTP on a free port, calls read as one line, a {@link
 * dev.fastmcp.testing.TestIdentity} gives a client a caller through the server's own authentication, and results carry
 * assertions on their content, errors, progress and logs. API.
 */
package dev.fastmcp.testing;
