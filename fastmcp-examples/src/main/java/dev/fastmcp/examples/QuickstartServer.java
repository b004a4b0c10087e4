package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.proxy.OAuthProxy;
import dev.fastmcp.devidp.DevIdentityProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An OAuth-protected MCP server in one command, with no application to create anywhere: an {@link OAuthProxy}
 * in front of the {@link DevIdentityProvider}, a local sign-in page (development only) where you type any user
 * name and tick roles.
 *
 * <p>Tools: {@code add} (no guard), {@code whoami} ({@code requireAuth}), {@code read_notes} and {@code add_note}
 * ({@code requireScopes("notes:read")} and {@code "notes:write"}), {@code admin_report} ({@code requireRole("admin")}).
 *
 * <p>Environment: {@code FASTMCP_PORT} (default 8080) and {@code FASTMCP_HOST}; {@code FASTMCP_BASE_URL}, the
 * public URL when it is not {@code http://127.0.0.1:<port>}; {@code FASTMCP_DEV_IDP_PORT}, the sign-in page's
 * port (default: a free one).
 */
public final class QuickstartServer {

    private QuickstartServer() {
    }

    record AddArgs(double a, double b) {
    }

    record NoteArgs(String text) {
    }

    record Note(String author, String text) {
    }

    /** The quickstart, running: the development identity provider and the MCP server behind the proxy. */
    public record Running(DevIdentityProvider idp, FastMCP server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
            idp.stop();
        }
    }

    /**
     * Starts the development identity provider on {@code idpPort} (0 for a free one), then the MCP server with
     * {@code options}, at the public URL {@code baseUrl} (null for the loopback default).
     */
    public static Running start(StartOptions options, String baseUrl, int idpPort) {
        // The proxy's callback: loopback redirect URIs match on any port, so these cover every local port.
        String[] callbacks = baseUrl == null
                ? new String[] {"http://127.0.0.1/oauth/callback", "http://localhost/oauth/callback"}
                : new String[] {baseUrl.replaceAll("/+$", "") + "/oauth/callback"};
        DevIdentityProvider idp = DevIdentityProvider.builder()
                .port(idpPort)
                .redirectUri(callbacks)
                .scopes("openid", "profile", "notes:read", "notes:write")
                .roles("admin", "user")
                .build()
                .start();
        try {
            OAuthProxy.Builder proxy = idp.proxyBuilder();
            // Keys, storage and the clients' policy from the environment, as every example with a proxy reads them.
            OAuthProxy auth = proxy.clients(Env::clients).keysAndStorage(Env::configure).build();
            FastMCP.Builder server = FastMCP.builder("quickstart", "1.0.0")
                    .sessions(Env::sessions)
                    .tasks(Env::tasks)
                    .requestState(Env::requestState)
                    .instructions("A demo of OAuth-guarded tools: add numbers, see who you are, read and write "
                            + "notes, and an admin-only report.")
                    .auth(auth);
            if (baseUrl != null) {
                server.baseUrl(baseUrl);
            }
            return new Running(idp, addTools(server).build().start(options));
        } catch (RuntimeException e) {
            idp.stop();
            throw e;
        }
    }

    private static FastMCP.Builder addTools(FastMCP.Builder server) {
        List<Note> notes = new CopyOnWriteArrayList<>();
        return server
                .addTool(Tool.builder("add")
                        .description("Adds two numbers; open to every signed-in client")
                        .parameters(AddArgs.class)
                        .execute((in, ctx) -> String.valueOf(in.a() + in.b()))
                        .build())
                .addTool(Tool.builder("whoami")
                        .description("Who you signed in as, with your roles and scopes")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> ctx.auth().subject() + " (roles: " + ctx.auth().roles()
                                + ", scopes: " + ctx.auth().scopes() + ")")
                        .build())
                .addTool(Tool.builder("read_notes")
                        .description("Lists the notes; needs the notes:read scope")
                        .canAccess(requireScopes("notes:read"))
                        .execute((args, ctx) -> notes.isEmpty() ? "No notes yet." : notes.stream()
                                .map(n -> n.author() + ": " + n.text()).collect(Collectors.joining("\n")))
                        .build())
                .addTool(Tool.builder("add_note")
                        .description("Adds a note; needs the notes:write scope")
                        .parameters(NoteArgs.class)
                        .canAccess(requireScopes("notes:write"))
                        .execute((in, ctx) -> {
                            if (notes.size() >= 100) {
                                return "The notebook is full (100 notes).";
                            }
                            notes.add(new Note(ctx.auth().subject(), in.text()));
                            return "Saved note " + notes.size() + ".";
                        })
                        .build())
                .addTool(Tool.builder("admin_report")
                        .description("How many notes each user wrote; only for the admin role")
                        .canAccess(requireRole("admin"))
                        .execute((args, ctx) -> notes.size() + " notes; by user: " + notes.stream()
                                .collect(Collectors.groupingBy(Note::author, java.util.TreeMap::new,
                                        Collectors.counting())))
                        .build());
    }

    public static void main(String[] args) {
        String idpPort = System.getenv("FASTMCP_DEV_IDP_PORT");
        String baseUrl = System.getenv("FASTMCP_BASE_URL");
        Running running = start(StartOptions.http(), baseUrl == null || baseUrl.isBlank() ? null : baseUrl,
                idpPort == null || idpPort.isBlank() ? 0 : Integer.parseInt(idpPort.trim()));
        Runtime.getRuntime().addShutdownHook(new Thread(running::close, "quickstart-shutdown"));
        String url = running.server().url();
        System.err.println("""

                quickstart: an MCP server protected by OAuth, signing in through a development identity provider.

                  MCP endpoint:  %1$s
                  Sign-in page:  %2$s   (development only: any user name, any role)

                Connect with
                  MCP Inspector:  npx @modelcontextprotocol/inspector
                                  then Transport "Streamable HTTP", URL %1$s, Connect
                  Claude Code:    claude mcp add --transport http quickstart %1$s
                                  then /mcp in Claude Code to sign in

                Your browser shows the consent page, then the sign-in page: type any user name, and tick
                "admin" to be allowed admin_report. Ctrl-C stops the server.
                """.formatted(url, running.idp().issuer()));
    }
}
