package dev.fastmcp.examples;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;

/** The server on the README's first screen: one tool with typed arguments. */
public final class CalculatorServer {

    private CalculatorServer() {
    }

    record AddArgs(double a, double b) {}

    public static void main(String[] args) {
        FastMCP.builder("calculator", "1.0.0")
                .addTool(Tool.builder("add")
                        .description("Adds two numbers")
                        .parameters(AddArgs.class)
                        .execute((in, ctx) -> String.valueOf(in.a() + in.b()))
                        .build())
                .build()
                .start(); // http://127.0.0.1:8080/mcp
    }
}
