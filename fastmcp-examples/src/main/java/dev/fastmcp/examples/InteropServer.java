package dev.fastmcp.examples;

import static dev.fastmcp.Auth.*;

import dev.fastmcp.AuthProvider;
import dev.fastmcp.FastMCP;
import dev.fastmcp.TokenVerifier;
import dev.fastmcp.Tool;
import dev.fastmcp.auth.StaticTokenVerifier;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The fixture for the interop test with the official TypeScript SDK client ({@code .ci/interop.sh}): an OAuth
 * protected resource whose bearer tokens are two fixed strings from the environment.
 *
 * <ul>
 *   <li>{@code INTEROP_READ_TOKEN}: subject {@value #READER}, scope {@code notes:read};
 *   <li>{@code INTEROP_WRITE_TOKEN}: subject {@value #WRITER}, scopes {@code notes:read notes:write}.
 * </ul>
 *
 * <p>The protected resource metadata names {@value #AUTHORIZATION_SERVER} as the authorization server; nothing
 * is served there, the test never contacts it. Tools: {@code whoami} (any caller), {@code read-note}
 * ({@code notes:read}), {@code write-note} ({@code notes:write}: listed for a reader, whose call gets the 403
 * step-up challenge) and {@code admin} (role {@code admin}, which no token has: never listed).
 *
 * <p>Listens on {@code FASTMCP_HOST:FASTMCP_PORT} (default {@code 127.0.0.1:8080}) with the default loopback
 * base URL, until killed.
 */
public final class InteropServer {

    /** The authorization server named in the protected resource metadata. */
    public static final String AUTHORIZATION_SERVER = "https://auth.example.com";

    /** The scopes the server knows, as listed in its metadata and 401 challenge. */
    public static final List<String> SCOPES = List.of("notes:read", "notes:write");

    /** The subject of the read token. */
    public static final String READER = "interop-reader";

    /** The subject of the write token. */
    public static final String WRITER = "interop-writer";

    private InteropServer() {
    }

    /** The note's arguments for {@code write-note}. */
    record WriteNote(String text) {
    }

    /** A minimal {@link AuthProvider}: a token verifier and an external authorization server, metadata only. */
    static final class StaticTokenProvider implements AuthProvider {
        private final TokenVerifier verifier;

        StaticTokenProvider(TokenVerifier verifier) {
            this.verifier = verifier;
        }

        @Override
        public TokenVerifier tokenVerifier() {
            return verifier;
        }

        @Override
        public List<String> authorizationServers() {
            return List.of(AUTHORIZATION_SERVER);
        }

        @Override
        public List<String> scopesSupported() {
            return SCOPES;
        }
    }

    /** Describes the fixture (not started) for the given read and write tokens. */
    public static FastMCP create(String readToken, String writeToken) {
        if (readToken.equals(writeToken)) {
            throw new IllegalArgumentException("The read and write tokens must differ");
        }
        Map<String, Map<String, Object>> tokens = new LinkedHashMap<>();
        tokens.put(readToken, Map.of("sub", READER, "client_id", "interop-client", "scope", "notes:read"));
        tokens.put(writeToken, Map.of("sub", WRITER, "client_id", "interop-client",
                "scope", "notes:read notes:write"));
        AuthProvider provider = new StaticTokenProvider(new StaticTokenVerifier(tokens));
        AtomicReference<String> note = new AtomicReference<>("first note");

        return FastMCP.builder("fastmcp-interop", "1.0.0")
                .auth(provider)
                .addTool(Tool.builder("whoami")
                        .description("The subject of the caller's token")
                        .canAccess(requireAuth())
                        .execute((args, ctx) -> getAuthSession(ctx).subject())
                        .build())
                .addTool(Tool.builder("read-note")
                        .description("Reads the note (scope notes:read)")
                        .canAccess(requireScopes("notes:read"))
                        .execute((args, ctx) -> "note: " + note.get())
                        .build())
                .addTool(Tool.builder("write-note")
                        .description("Replaces the note (scope notes:write)")
                        .parameters(WriteNote.class)
                        .canAccess(requireScopes("notes:write"))
                        .execute((in, ctx) -> {
                            note.set(in.text());
                            return "saved by " + getAuthSession(ctx).subject();
                        })
                        .build())
                .addTool(Tool.builder("admin")
                        .description("Only for the role admin, which no interop token has")
                        .canAccess(requireRole("admin"))
                        .execute((args, ctx) -> "admin only")
                        .build())
                .build();
    }

    /** Starts the fixture with the tokens from {@code INTEROP_READ_TOKEN} and {@code INTEROP_WRITE_TOKEN}. */
    public static void main(String[] args) {
        Env.requireAll("INTEROP_READ_TOKEN", "INTEROP_WRITE_TOKEN");
        FastMCP server = create(System.getenv("INTEROP_READ_TOKEN"), System.getenv("INTEROP_WRITE_TOKEN"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "interop-shutdown"));
        server.start();
        System.err.println("interop: MCP server at " + server.url());
    }
}
