package dev.fastmcp.examples;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;

/**
 * The {@code hello} server over stdio, for clients that start the server themselves (Claude Desktop, an IDE):
 * {@code java -jar fastmcp-examples.jar stdio}. Standard output carries only the protocol; anything the code
 * prints with {@code System.out} goes to standard error.
 */
public final class StdioServer {

    private StdioServer() {
    }

    public static void main(String[] args) {
        FastMCP server = HelloServer.create();
        server.start(StartOptions.stdio()); // serves until the client closes stdin
    }
}
