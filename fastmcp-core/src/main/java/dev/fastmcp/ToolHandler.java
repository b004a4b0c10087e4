package dev.fastmcp;

/**
 * The code of a tool: receives the arguments (a {@code Map} or the parameters record) and the call's
 * {@link Context}, and returns the result.
 *
 * <p>The result may be a {@code String}, one of the SDK's content types (see {@link Content}), a list of
 * them, a {@code CallToolResult}, {@code null} for no content, or, for a tool with an output schema, an
 * object that becomes the structured content. Throw {@link UserError} for errors the model should see.
 *
 * @param <A> the argument type
 */
@FunctionalInterface
public interface ToolHandler<A> {

    /** Runs the tool. */
    Object execute(A arguments, Context ctx) throws Exception;
}
