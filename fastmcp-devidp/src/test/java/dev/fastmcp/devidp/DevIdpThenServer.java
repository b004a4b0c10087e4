package dev.fastmcp.devidp;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;

/**
 * For {@link DevIdpLogTest}, in a JVM of its own: the development identity provider first, as the quickstart starts
 * it, so that its Undertow is the first of the process, then an MCP server.
 */
public final class DevIdpThenServer {

    private DevIdpThenServer() {
    }

    public static void main(String[] args) {
        DevIdentityProvider.builder().redirectUri("http://127.0.0.1/oauth/callback").build().start();
        FastMCP.builder("after-the-idp", "1.0.0")
                .addTool(Tool.builder("echo").execute((a, ctx) -> "echo").build())
                .build()
                .start(StartOptions.http().port(0));
    }
}
