package dev.fastmcp;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * Where tool, resource and prompt code runs, how long it may wait for the client, and what clients learn of its
 * failures: one group of {@link FastMCP.Builder}'s options, immutable, each value checked when it is set.
 *
 * <pre>{@code
 * FastMCP.builder("notes", "1.0.0")
 *         .execution(e -> e.toolExecutor(Executors.newVirtualThreadPerTaskExecutor()))   // Java 21+
 * }</pre>
 *
 * @param toolExecutor the executor user code runs on; null (the default) for a pool of {@code toolThreads}
 *        threads the server owns
 * @param toolThreads the size of the default pool: how many calls run at once; default 64
 * @param clientRequestTimeout how long the server waits for the client to answer its requests (elicitation,
 *        sampling, roots); default 10 minutes, since a person may be typing the answer
 * @param exposeExceptionDetailsInsecurely whether clients get the text of unexpected exceptions thrown by tool,
 *        resource and prompt code; default false: they get only what failed and a correlation id, which the
 *        server log has with the whole exception. For development only
 */
public record ExecutionOptions(ExecutorService toolExecutor, int toolThreads, Duration clientRequestTimeout,
        boolean exposeExceptionDetailsInsecurely) {

    private static final ExecutionOptions DEFAULTS = new ExecutionOptions(null, 64, Duration.ofMinutes(10), false);

    /** Checks every value; each error names the option, the value and what is allowed. */
    public ExecutionOptions {
        if (toolThreads < 1) {
            throw new IllegalArgumentException("execution: toolThreads must be at least 1, was " + toolThreads);
        }
        Objects.requireNonNull(clientRequestTimeout, "execution: clientRequestTimeout == null");
        if (clientRequestTimeout.isNegative() || clientRequestTimeout.isZero()) {
            throw new IllegalArgumentException("execution: clientRequestTimeout must be positive, was "
                    + clientRequestTimeout);
        }
    }

    /** The defaults listed on the record's components. */
    public static ExecutionOptions defaults() {
        return DEFAULTS;
    }

    /**
     * The executor tool, resource and prompt code runs on (for example virtual threads on Java 21+). The server
     * does not shut it down.
     */
    public ExecutionOptions toolExecutor(ExecutorService executor) {
        return new ExecutionOptions(Objects.requireNonNull(executor, "execution: toolExecutor == null"), toolThreads,
                clientRequestTimeout, exposeExceptionDetailsInsecurely);
    }

    /** The size of the default tool executor: how many calls run at once (default 64). */
    public ExecutionOptions toolThreads(int threads) {
        return new ExecutionOptions(toolExecutor, threads, clientRequestTimeout, exposeExceptionDetailsInsecurely);
    }

    /** How long the server waits for the client to answer its requests (default 10 minutes). */
    public ExecutionOptions clientRequestTimeout(Duration timeout) {
        return new ExecutionOptions(toolExecutor, toolThreads, timeout, exposeExceptionDetailsInsecurely);
    }

    /**
     * Sends clients the text of unexpected exceptions (not only what failed and the correlation id), so that a
     * developer sees them in the client: insecure, since exception messages can carry passwords, tokens, paths,
     * queries and other internals. The server warns at start while it is on. {@link UserError} messages reach the
     * client either way.
     */
    public ExecutionOptions exposeExceptionDetailsInsecurely(boolean expose) {
        return new ExecutionOptions(toolExecutor, toolThreads, clientRequestTimeout, expose);
    }
}
