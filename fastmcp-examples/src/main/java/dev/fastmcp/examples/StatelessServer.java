package dev.fastmcp.examples;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;

/**
 * Stateless Streamable HTTP: no session, every request stands alone, so any instance behind a load balancer can
 * answer it. Server-to-client requests (elicitation, sampling) need a session on the session protocol; clients of
 * MCP 2026-07-28 get them as multi-round-trip requests, whose state every instance opens when they share
 * {@code FASTMCP_REQUEST_STATE_SECRET}.
 */
public final class StatelessServer {

    private StatelessServer() {
    }

    record AddArgs(double a, double b) {
    }

    public static FastMCP create() {
        FastMCP.Builder builder = FastMCP.builder("stateless", "1.0.0")
                .http(h -> h.maxRequestBytes(1024 * 1024))
                .execution(e -> e.toolThreads(16));
        String secret = System.getenv("FASTMCP_REQUEST_STATE_SECRET"); // the same on every instance
        if (secret != null) {
            builder.requestState(r -> r.secret(secret));
        }
        return builder.addTool(Tool.builder("add")
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
