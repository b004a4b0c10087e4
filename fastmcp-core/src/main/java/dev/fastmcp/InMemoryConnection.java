package dev.fastmcp;

/**
 * A client's connection to a server running in memory ({@link FastMCP#connectInMemory}): JSON-RPC messages in both
 * directions, as lines of stdio would carry them, with no port and no process in between.
 */
public interface InMemoryConnection extends AutoCloseable {

    /**
     * Hands the server one JSON-RPC message (a request, a notification, or the answer to a request of the server).
     * It returns at once; the server answers through the connection's receiver.
     *
     * @throws IllegalStateException when the connection is closed
     */
    void send(String message);

    /** Ends the connection's session: requests in progress are cancelled. Idempotent. */
    @Override
    void close();
}
