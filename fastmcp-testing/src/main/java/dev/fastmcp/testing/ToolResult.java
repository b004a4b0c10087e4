package dev.fastmcp.testing;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;

/**
 * What a {@code tools/call} gave: the tool's result, or the JSON-RPC error the server answered instead, with the
 * progress and log messages the call received. The {@code assert} methods throw {@link AssertionError} with what
 * was expected and what came, and return this result, so that they chain:
 *
 * <pre>{@code
 * client.callTool("add", Map.of("a", 1, "b", 2)).assertText("3");
 * client.callTool("divide", Map.of("a", 1, "b", 0)).assertToolError("Cannot divide by zero");
 * }</pre>
 */
public final class ToolResult {

    private final String tool;
    private final McpSchema.CallToolResult result;
    private final ProtocolError protocolError;
    private final HttpRefusal refusal;
    private final List<Progress> progress;
    private final List<LogEntry> logs;

    ToolResult(String tool, McpSchema.CallToolResult result, ProtocolError protocolError, HttpRefusal refusal,
            List<Progress> progress, List<LogEntry> logs) {
        this.tool = tool;
        this.result = result;
        this.protocolError = protocolError;
        this.refusal = refusal;
        this.progress = progress;
        this.logs = logs;
    }

    /** Whether the tool ran and reported an error ({@code isError}: a {@code UserError}, or a masked failure). */
    public boolean isError() {
        return result != null && Boolean.TRUE.equals(result.isError());
    }

    /** The JSON-RPC error the server answered with instead of a result; null when there was a result. */
    public ProtocolError protocolError() {
        return protocolError;
    }

    /** The HTTP refusal of the call (a 403 step-up for a missing scope, over HTTP); null when it was answered. */
    public HttpRefusal httpRefusal() {
        return refusal;
    }

    /** The result's content. */
    public List<McpSchema.Content> content() {
        checkResult();
        return result.content();
    }

    /** The text of the result's text content, one line per item. */
    public String text() {
        return Checks.texts(content());
    }

    /** The result's structured content (a tool returning a record gives one); null when none. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> structured() {
        checkResult();
        return (Map<String, Object>) Checks.asJson(result.structuredContent());
    }

    /** The result's structured content read as {@code type}, such as the record the tool returned. */
    public <T> T structured(Class<T> type) {
        Map<String, Object> structured = structured();
        if (structured == null) {
            throw new AssertionError("The result of tool '" + tool + "' has no structured content");
        }
        return Checks.JSON.convertValue(structured, type);
    }

    /** The progress the tool reported during the call, in order. */
    public List<Progress> progress() {
        return progress;
    }

    /** The log messages the client received while the call ran, in order. */
    public List<LogEntry> logs() {
        return logs;
    }

    /** The result as the SDK gives it; null when the server answered with an error. */
    public McpSchema.CallToolResult raw() {
        return result;
    }

    /** Fails unless the tool ran and did not report an error. */
    public ToolResult assertSuccess() {
        checkResult();
        if (isError()) {
            throw new AssertionError("Tool '" + tool + "' reported an error: " + text());
        }
        return this;
    }

    /** Fails unless the tool succeeded with exactly this text. */
    public ToolResult assertText(String expected) {
        assertSuccess();
        Checks.equal("Text of tool '" + tool + "'", expected, text());
        return this;
    }

    /** Fails unless the tool succeeded with a text containing {@code part}. */
    public ToolResult assertTextContains(String part) {
        assertSuccess();
        if (!Checks.contains(text(), part)) {
            throw new AssertionError("Text of tool '" + tool + "' does not contain '" + part + "': " + text());
        }
        return this;
    }

    /**
     * Fails unless the tool succeeded with this structured content; {@code expected} is a record or a map,
     * compared as JSON.
     */
    public ToolResult assertStructured(Object expected) {
        assertSuccess();
        Checks.equal("Structured content of tool '" + tool + "'", Checks.asJson(expected), structured());
        return this;
    }

    /** Fails unless the tool ran and reported an error whose text contains {@code part}. */
    public ToolResult assertToolError(String part) {
        checkResult();
        if (!isError()) {
            throw new AssertionError("Expected tool '" + tool + "' to report an error containing '" + part
                    + "', but it succeeded: " + text());
        }
        if (!Checks.contains(text(), part)) {
            throw new AssertionError("The error of tool '" + tool + "' does not contain '" + part + "': " + text());
        }
        return this;
    }

    /** Fails unless the server answered with this JSON-RPC error code (such as {@code -32602}, invalid params). */
    public ToolResult assertProtocolError(int code) {
        Checks.protocolErrorIs("the call of tool '" + tool + "'", protocolError, code, null);
        return this;
    }

    /** Fails unless the server answered with this JSON-RPC error code and a message containing {@code part}. */
    public ToolResult assertProtocolError(int code, String part) {
        Checks.protocolErrorIs("the call of tool '" + tool + "'", protocolError, code, part);
        return this;
    }

    /**
     * Fails unless the server refused the call over HTTP with {@code status}: 403 when the caller lacks a scope the
     * tool requires (its challenge names {@code insufficient_scope} and the scopes to ask for), 401 when the
     * caller's token is no longer accepted.
     */
    public ToolResult assertRefused(int status) {
        if (refusal == null || refusal.status() != status) {
            throw new AssertionError("Expected the call of tool '" + tool + "' to be refused with HTTP " + status
                    + ", but it was " + (refusal != null ? refusal : protocolError != null ? protocolError
                    : "answered: " + text()));
        }
        return this;
    }

    /** Fails unless the tool reported progress with exactly these values, in this order. */
    public ToolResult assertProgress(double... values) {
        double[] actual = progress.stream().mapToDouble(Progress::progress).toArray();
        if (!java.util.Arrays.equals(values, actual)) {
            throw new AssertionError("Progress of tool '" + tool + "': expected " + java.util.Arrays.toString(values)
                    + " but was " + java.util.Arrays.toString(actual));
        }
        return this;
    }

    /** Fails unless a log message received during the call, at {@code level}, contains {@code part}. */
    public ToolResult assertLogged(McpSchema.LoggingLevel level, String part) {
        if (logs.stream().noneMatch(l -> l.level() == level && Checks.contains(l.data(), part))) {
            throw new AssertionError("Tool '" + tool + "' logged nothing at " + level + " containing '" + part
                    + "'; it logged: " + logs);
        }
        return this;
    }

    private void checkResult() {
        if (refusal != null) {
            throw new AssertionError("The call of tool '" + tool + "' was refused: " + refusal);
        }
        Checks.noProtocolError("The call of tool '" + tool + "'", protocolError);
    }

    @Override
    public String toString() {
        return refusal != null ? "ToolResult[" + tool + ", " + refusal + "]"
                : protocolError != null ? "ToolResult[" + tool + ", " + protocolError + "]"
                : "ToolResult[" + tool + (isError() ? ", error: " : ": ") + text() + "]";
    }
}
