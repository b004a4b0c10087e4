package dev.fastmcp.testing;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.stream.Collectors;

/** What a {@code resources/read} gave: the contents, or the JSON-RPC error the server answered instead. */
public final class ResourceResult {

    private final String uri;
    private final McpSchema.ReadResourceResult result;
    private final ProtocolError protocolError;

    ResourceResult(String uri, McpSchema.ReadResourceResult result, ProtocolError protocolError) {
        this.uri = uri;
        this.result = result;
        this.protocolError = protocolError;
    }

    /** The JSON-RPC error the server answered with; null when it read the resource. */
    public ProtocolError protocolError() {
        return protocolError;
    }

    /** The contents read. */
    public List<McpSchema.ResourceContents> contents() {
        Checks.noProtocolError("Reading '" + uri + "'", protocolError);
        return result.contents();
    }

    /** The text of the text contents, one line per item. */
    public String text() {
        return contents().stream().filter(c -> c instanceof McpSchema.TextResourceContents)
                .map(c -> ((McpSchema.TextResourceContents) c).text()).collect(Collectors.joining("\n"));
    }

    /** Fails unless the resource was read with exactly this text. */
    public ResourceResult assertText(String expected) {
        Checks.equal("Text of resource '" + uri + "'", expected, text());
        return this;
    }

    /** Fails unless the text contains {@code part}. */
    public ResourceResult assertTextContains(String part) {
        if (!Checks.contains(text(), part)) {
            throw new AssertionError("Text of resource '" + uri + "' does not contain '" + part + "': " + text());
        }
        return this;
    }

    /** Fails unless the server answered with this JSON-RPC error code. */
    public ResourceResult assertProtocolError(int code) {
        Checks.protocolErrorIs("reading '" + uri + "'", protocolError, code, null);
        return this;
    }

    /** Fails unless the server answered with this JSON-RPC error code and a message containing {@code part}. */
    public ResourceResult assertProtocolError(int code, String part) {
        Checks.protocolErrorIs("reading '" + uri + "'", protocolError, code, part);
        return this;
    }

    /** The result as the SDK gives it; null when the server answered with an error. */
    public McpSchema.ReadResourceResult raw() {
        return result;
    }
}
