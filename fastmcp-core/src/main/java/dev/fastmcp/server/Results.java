package dev.fastmcp.server;

import dev.fastmcp.Tool;
import dev.fastmcp.UserError;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;

/** Turns what user code returned into MCP results, and says clearly when it returned something unusable. */
final class Results {

    private Results() {
    }

    static McpSchema.CallToolResult toolError(String message) {
        return McpSchema.CallToolResult.builder().addTextContent(message).isError(true).build();
    }

    static McpSchema.CallToolResult userError(UserError e) {
        McpSchema.CallToolResult.Builder b = McpSchema.CallToolResult.builder().addTextContent(e.getMessage())
                .isError(true);
        if (e.structuredContent() != null) {
            b.structuredContent(Json.MAPPER.convertValue(e.structuredContent(), Object.class));
        }
        return b.build();
    }

    static McpSchema.CallToolResult toToolResult(Tool tool, Object value) {
        if (value instanceof McpSchema.CallToolResult result) {
            return result;
        }
        if (value == null) {
            return McpSchema.CallToolResult.builder().content(List.of()).isError(false).build();
        }
        if (value instanceof String text) {
            return McpSchema.CallToolResult.builder().addTextContent(text).isError(false).build();
        }
        if (value instanceof McpSchema.Content content) {
            return McpSchema.CallToolResult.builder().content(List.of(content)).isError(false).build();
        }
        List<McpSchema.Content> contents = contentList(value);
        if (contents != null) {
            return McpSchema.CallToolResult.builder().content(contents).isError(false).build();
        }
        if (tool.definition().outputSchema() != null) {
            // The SDK validates it against the output schema and adds the JSON text copy.
            return McpSchema.CallToolResult.builder().content(List.of())
                    .structuredContent(RecordSchemas.structured(value)).isError(false).build();
        }
        return McpSchema.CallToolResult.builder().addTextContent(Json.string(RecordSchemas.structured(value)))
                .isError(false).build();
    }

    /**
     * A tool's result checked against its output schema, as the SDK checks it on the older revisions (the SDK does
     * not serve 2026-07-28): an error result when the structured content is missing or does not conform, and the
     * content gets the structured content's JSON text when it has none.
     */
    static McpSchema.CallToolResult checkedStructure(Tool tool, McpSchema.CallToolResult result) {
        Map<String, Object> schema = tool.definition().outputSchema();
        if (Boolean.TRUE.equals(result.isError()) || schema == null) {
            return result;
        }
        if (result.structuredContent() == null) {
            return toolError("Response missing structured content which is expected when calling tool with "
                    + "non-empty outputSchema");
        }
        JsonSchemaValidator.ValidationResponse validation = Json.SCHEMAS.validate(schema, result.structuredContent());
        if (!validation.valid()) {
            return toolError("Tool (" + tool.name() + ") output validation failed: " + validation.errorMessage());
        }
        if (result.content() == null || result.content().isEmpty()) {
            return McpSchema.CallToolResult.builder()
                    .content(List.of(new McpSchema.TextContent(validation.jsonStructuredOutput())))
                    .isError(result.isError()).structuredContent(result.structuredContent()).meta(result.meta())
                    .build();
        }
        return result;
    }

    private static List<McpSchema.Content> contentList(Object value) {
        if (!(value instanceof Collection<?> items) || items.isEmpty()) {
            return value instanceof Collection<?> ? List.of() : null;
        }
        List<McpSchema.Content> contents = new ArrayList<>(items.size());
        for (Object item : items) {
            if (item instanceof McpSchema.Content c) {
                contents.add(c);
            } else if (item instanceof String s) {
                contents.add(new McpSchema.TextContent(s));
            } else {
                return null;
            }
        }
        return contents;
    }

    static McpSchema.ReadResourceResult toReadResult(String uri, String mimeType, Object value) {
        if (value instanceof McpSchema.ReadResourceResult result) {
            return result;
        }
        List<McpSchema.ResourceContents> contents = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                contents.add(resourceContents(uri, mimeType, item));
            }
        } else {
            contents.add(resourceContents(uri, mimeType, value));
        }
        return new McpSchema.ReadResourceResult(contents);
    }

    private static McpSchema.ResourceContents resourceContents(String uri, String mimeType, Object value) {
        if (value instanceof McpSchema.ResourceContents contents) {
            return contents;
        }
        if (value instanceof String text) {
            return new McpSchema.TextResourceContents(uri, mimeType == null ? "text/plain" : mimeType, text);
        }
        if (value instanceof byte[] bytes) {
            return new McpSchema.BlobResourceContents(uri,
                    mimeType == null ? "application/octet-stream" : mimeType,
                    Base64.getEncoder().encodeToString(bytes));
        }
        throw new IllegalStateException("Resource '" + uri + "' returned "
                + (value == null ? "null" : "a " + value.getClass().getName())
                + "; return a String, a byte[], ResourceContents or a list of them");
    }

    static McpSchema.GetPromptResult toPromptResult(String description, Object value) {
        if (value instanceof McpSchema.GetPromptResult result) {
            return result;
        }
        if (value instanceof String text) {
            return new McpSchema.GetPromptResult(description, List.of(
                    new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(text))));
        }
        if (value instanceof McpSchema.Content content) {
            return new McpSchema.GetPromptResult(description,
                    List.of(new McpSchema.PromptMessage(McpSchema.Role.USER, content)));
        }
        if (value instanceof McpSchema.PromptMessage message) {
            return new McpSchema.GetPromptResult(description, List.of(message));
        }
        if (value instanceof Collection<?> items) {
            List<McpSchema.PromptMessage> messages = new ArrayList<>();
            for (Object item : items) {
                if (item instanceof McpSchema.PromptMessage m) {
                    messages.add(m);
                } else if (item instanceof McpSchema.Content c) {
                    messages.add(new McpSchema.PromptMessage(McpSchema.Role.USER, c));
                } else if (item instanceof String s) {
                    messages.add(new McpSchema.PromptMessage(McpSchema.Role.USER, new McpSchema.TextContent(s)));
                } else {
                    throw badPrompt(item);
                }
            }
            return new McpSchema.GetPromptResult(description, messages);
        }
        throw badPrompt(value);
    }

    private static IllegalStateException badPrompt(Object value) {
        return new IllegalStateException("A prompt returned " + (value == null ? "null" : "a " + value.getClass().getName())
                + "; return a String, content, PromptMessages or a GetPromptResult");
    }
}
