package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Tool;
import dev.fastmcp.providers.DiscordProvider;
import dev.fastmcp.providers.DiscordSession;

/**
 * Sign-in with Discord. In the Discord Developer Portal (your application, OAuth2) add
 * {@code <base URL>/oauth/callback} as a redirect, exactly as the server's public URL spells it, then set
 * {@code DISCORD_CLIENT_ID}, {@code DISCORD_CLIENT_SECRET} and, for keys that survive a restart,
 * {@code OAUTH_PROXY_SECRET}.
 */
public final class DiscordServer {

    private DiscordServer() {
    }

    public static FastMCP create(DiscordProvider discord) {
        return FastMCP.builder("discord", "1.0.0")
                .auth(discord)
                .addTool(Tool.builder("whoami")
                        .description("The Discord account of the caller")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            DiscordSession me = getAuthSession(ctx, DiscordSession.class);
                            String name = me.globalName() != null ? me.globalName() : me.username();
                            return name + " (@" + me.username() + "), avatar " + me.avatarUrl();
                        })
                        .build())
                .build();
    }

    public static void main(String[] args) {
        Env.requireAll("DISCORD_CLIENT_ID", "DISCORD_CLIENT_SECRET");
        DiscordProvider.Builder discord = DiscordProvider.builder(
                System.getenv("DISCORD_CLIENT_ID"), System.getenv("DISCORD_CLIENT_SECRET"));
        discord.proxyOptions(o -> o.keysAndStorage(Env::configure).clients(Env::clients));
        FastMCP server = create(discord.build()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "discord-shutdown"));
        Env.printCallback("discord", server);
    }
}
