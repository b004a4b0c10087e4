package dev.fastmcp.providers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small server shaped like Discord's user API: {@code GET /api/v10/users/@me} answers the user object (id as a
 * string snowflake, {@code username}, {@code global_name}, {@code discriminator} "0" as for migrated accounts,
 * {@code avatar} hash, and {@code email} with {@code verified}) for any bearer token, and 401 without one. It records
 * the tokens it received.
 */
final class FakeDiscord implements AutoCloseable {

    static final String USER = "{\"id\":\"80351110224678912\",\"username\":\"nelly\",\"global_name\":\"Nelly\","
            + "\"discriminator\":\"0\",\"avatar\":\"8342729096ea3675442027381ff50dfe\",\"email\":\"nelly@example.com\","
            + "\"verified\":true,\"mfa_enabled\":false,\"locale\":\"en-US\"}";

    final List<String> tokens = new CopyOnWriteArrayList<>();
    /** When not 0, {@code /users/@me} answers this status (with a body that must not reach clients). */
    volatile int userStatus;
    private final HttpServer server;

    FakeDiscord() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v10/users/@me", this::me);
        server.start();
    }

    /** The API base URL, as {@code DiscordProvider} names it. */
    String api() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v10";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void me(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (userStatus != 0) {
            send(ex, userStatus, "{\"message\":\"Internal error at discord-internal-7\",\"code\":0}");
            return;
        }
        if (auth == null || !auth.startsWith("Bearer ") || auth.length() == 7) {
            send(ex, 401, "{\"message\":\"401: Unauthorized\",\"code\":0}");
            return;
        }
        tokens.add(auth.substring(7));
        send(ex, 200, USER);
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }
}
