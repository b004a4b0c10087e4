package dev.fastmcp.testing;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.stream.Collectors;

/** What a {@code prompts/get} gave: the messages, or the JSON-RPC error the server answered instead. */
public final class PromptResult {

    private final String prompt;
    private final McpSchema.GetPromptResult result;
    private final ProtocolError protocolError;

    PromptResult(String prompt, McpSchema.GetPromptResult result, ProtocolError protocolError) {
        this.prompt = prompt;
        this.result = result;
        this.protocolError = protocolError;
    }

    /** The JSON-RPC error the server answered with; null when it rendered the prompt. */
    public ProtocolError protocolError() {
        return protocolError;
    }

    /** The prompt's messages. */
    public List<McpSchema.PromptMessage> messages() {
        Checks.noProtocolError("Getting prompt '" + prompt + "'", protocolError);
        return result.messages();
    }

    /** The text of the messages' text content, one line per message. */
    public String text() {
        return messages().stream().filter(m -> m.content() instanceof McpSchema.TextContent)
                .map(m -> ((McpSchema.TextContent) m.content()).text()).collect(Collectors.joining("\n"));
    }

    /** Fails unless the prompt rendered exactly this text. */
    public PromptResult assertText(String expected) {
        Checks.equal("Text of prompt '" + prompt + "'", expected, text());
        return this;
    }

    /** Fails unless the text contains {@code part}. */
    public PromptResult assertTextContains(String part) {
        if (!Checks.contains(text(), part)) {
            throw new AssertionError("Text of prompt '" + prompt + "' does not contain '" + part + "': " + text());
        }
        return this;
    }

    /** Fails unless the server answered with this JSON-RPC error code. */
    public PromptResult assertProtocolError(int code) {
        Checks.protocolErrorIs("getting prompt '" + prompt + "'", protocolError, code, null);
        return this;
    }

    /** Fails unless the server answered with this JSON-RPC error code and a message containing {@code part}. */
    public PromptResult assertProtocolError(int code, String part) {
        Checks.protocolErrorIs("getting prompt '" + prompt + "'", protocolError, code, part);
        return this;
    }

    /** The result as the SDK gives it; null when the server answered with an error. */
    public McpSchema.GetPromptResult raw() {
        return result;
    }
}
