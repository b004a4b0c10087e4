package dev.fastmcp.examples;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;

/**
 * Stateless Streamable HTTP: no session, every request stands alone, so any instance behind a load balancer can
 * answer it. Server-to-client requests (elicitation, sampling) need a session and are not available here.
 */
public final class StatelessServer {

    private StatelessServer() {
    }

    record AddArgs(double a, double b) {
    }

    public static FastMCP create() {
        return FastMCP.builder("stateless", "1.0.0")
                .addTool(Tool.builder("add")
                        .description("Adds two numbers")
                        .parameters(AddArgs.class)
                        .execute((in, ctx) -> String.valueOf(in.a() + in.b()))
                        .build())
                .build();
    }

    public static void main(String[] args) {
        FastMCP server = create().start(StartOptions.http().stateless(true));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "stateless-shutdown"));
        System.err.println("stateless: MCP server at " + server.url() + " (Ctrl-C to stop)");
    }
}
