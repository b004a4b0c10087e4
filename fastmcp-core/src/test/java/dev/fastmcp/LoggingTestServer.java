package dev.fastmcp;

/**
 * A server over HTTP on a free port for {@link ServerLogTest}, run in its own JVM (with or without an SLF4J backend):
 * it says where it listens only through the server's own log.
 */
public final class LoggingTestServer {

    private LoggingTestServer() {
    }

    public static void main(String[] args) {
        FastMCP.builder(args.length > 0 ? args[0] : "logging-test", "1.0.0")
                .addTool(Tool.builder("echo").execute((a, ctx) -> "echo").build())
                .build()
                .start(StartOptions.http().port(0));
    }
}
