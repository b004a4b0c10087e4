package dev.fastmcp.testing;

import io.modelcontextprotocol.spec.McpSchema;

/**
 * One log message the server sent the client ({@code notifications/message}, from {@code ctx.info(...)} and the
 * like).
 *
 * @param level  its level
 * @param logger the logger named, or null
 * @param data   what was logged
 */
public record LogEntry(McpSchema.LoggingLevel level, String logger, String data) {
}
