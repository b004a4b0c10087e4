package dev.fastmcp;

/**
 * A server on stdio for {@link StdioTransportTest}, run in its own JVM: one well-behaved tool, and one that
 * writes to {@code System.out} as careless tool code does.
 */
public final class StdioTestServer {

    record EchoArgs(String text) {
    }

    private StdioTestServer() {
    }

    public static void main(String[] args) {
        FastMCP.builder("stdio-test", "1.2.3")
                .addTool(Tool.builder("echo").description("Echoes the text").parameters(EchoArgs.class)
                        .execute((a, ctx) -> "echo: " + a.text()).build())
                .addTool(Tool.builder("noisy").description("Prints to System.out, then answers")
                        .execute((a, ctx) -> {
                            System.out.println("this line is not JSON-RPC");
                            System.out.print("neither is this one\n");
                            System.out.flush();
                            return "still fine";
                        }).build())
                .build()
                .start(StartOptions.stdio());
    }
}
