package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.server.Json;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One user (or one OAuth client) cannot take every session of the server: each has a share of the cap, and opening
 * sessions beyond it closes its own least recently used idle ones, not anybody else's.
 */
@Timeout(60)
class SessionSharesTest {

    /** Bearer tokens "user@client" name the subject and the OAuth client. */
    private static FastMCP.Builder server(int maxSessions) {
        return FastMCP.builder("shares", "1.0.0")
                .addTool(Tool.builder("whoami").description("who").execute((a, c) -> c.auth().subject()).build())
                .sessions(s -> s.max(maxSessions))
                .authenticate(request -> {
                    String header = request.header("authorization");
                    if (header == null || !header.startsWith("Bearer ")) {
                        return null;
                    }
                    String[] token = header.substring(7).split("@", 2);
                    return AuthSession.of(token[0], token.length > 1 ? token[1] : null, List.of(), Map.of(), null);
                });
    }

    /** An MCP client holding the token of {@code user} through {@code client}. */
    private static final class Client {
        final RawMcp raw;
        final String token;

        Client(FastMCP server, String user, String client) {
            raw = new RawMcp(server);
            token = "Bearer " + user + "@" + client;
        }

        int initialize() throws Exception {
            HttpResponse<String> r = raw.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{"
                    + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"c\","
                    + "\"version\":\"1\"}}}", "Authorization", token);
            raw.sessionId = r.headers().firstValue("Mcp-Session-Id").orElse(null);
            return r.statusCode();
        }

        HttpResponse<String> call(int id, String method, String params) throws Exception {
            return raw.post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":"
                    + params + "}", "Authorization", token, "MCP-Protocol-Version", "2025-06-18");
        }

        int ping() throws Exception {
            return call(1, "ping", "{}").statusCode();
        }

        /** Opens the session's GET listening stream (which makes the session busy) and waits for its headers. */
        HttpResponse<InputStream> listen() throws Exception {
            HttpResponse<InputStream> r = raw.http.sendAsync(raw.request("Accept", "text/event-stream",
                    "Authorization", token, "MCP-Protocol-Version", "2025-06-18").GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream()).get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            return r;
        }
    }

    private static int live(List<Client> clients) throws Exception {
        int n = 0;
        for (Client c : clients) {
            int status = c.ping();
            assertTrue(status == 200 || status == 404, "ping: " + status);
            n += status == 200 ? 1 : 0;
        }
        return n;
    }

    @Test
    void oneUserCannotTakeEverySession() throws Exception {
        // maxSessions 20: the default share of a user is a tenth, 2.
        try (FastMCP s = server(20).build().start(StartOptions.http().port(0))) {
            List<Client> mallory = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                Client c = new Client(s, "mallory", "cli");
                assertEquals(200, c.initialize(), "mallory's initialize " + i + " evicts one of her own sessions");
                mallory.add(c);
            }
            assertEquals(2, live(mallory), "mallory holds her share of the sessions, no more");
            Client bob = new Client(s, "bob", "cli2");
            assertEquals(200, bob.initialize());
            HttpResponse<String> call = bob.call(2, "tools/call", "{\"name\":\"whoami\",\"arguments\":{}}");
            assertEquals(200, call.statusCode());
            assertTrue(call.body().contains("bob"), call.body());
        }
    }

    @Test
    void aSubjectAtItsShareLosesItsOldestIdleSessionFirst() throws Exception {
        try (FastMCP s = server(100).sessions(o -> o.perSubject(3)).build().start(StartOptions.http().port(0))) {
            Client first = new Client(s, "alice", "cli");
            Client second = new Client(s, "alice", "cli");
            Client third = new Client(s, "alice", "cli");
            assertEquals(200, first.initialize());
            assertEquals(200, second.initialize());
            assertEquals(200, third.initialize());
            try (InputStream busy = first.listen().body()) {
                // first is the oldest but busy (its stream is open); second is then the least recently used idle one
                assertEquals(200, third.ping());
                Client fourth = new Client(s, "alice", "cli");
                assertEquals(200, fourth.initialize());
                assertEquals(404, second.ping(), "the oldest idle session was closed");
                assertTrue(second.call(3, "ping", "{}").body().contains("Session not found"));
                assertEquals(200, first.ping(), "a busy session is not evicted");
                assertEquals(200, third.ping());
                assertEquals(200, fourth.ping());
            }
        }
    }

    @Test
    void aSubjectWhoseSessionsAreAllBusyIsRefusedAndOthersAreNot() throws Exception {
        try (FastMCP s = server(100).sessions(o -> o.perSubject(2)).build().start(StartOptions.http().port(0))) {
            Client a = new Client(s, "alice", "cli");
            Client b = new Client(s, "alice", "cli");
            assertEquals(200, a.initialize());
            assertEquals(200, b.initialize());
            try (InputStream sa = a.listen().body(); InputStream sb = b.listen().body()) {
                Client c = new Client(s, "alice", "cli");
                HttpResponse<String> refused = c.raw.post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":"
                        + "{\"name\":\"c\",\"version\":\"1\"}}}", "Authorization", c.token);
                assertEquals(503, refused.statusCode());
                Map<String, Object> error = castMap(Json.parseObject(refused.body(), "error").get("error"));
                assertEquals(-32000, ((Number) error.get("code")).intValue());
                assertTrue(String.valueOf(error.get("message")).contains("too many open sessions"), refused.body());
                assertEquals(200, new Client(s, "bob", "cli").initialize(), "other users still get sessions");
            }
        }
    }

    @Test
    void oneClientCannotTakeEverySession() throws Exception {
        // maxSessions 20: the default share of an OAuth client is half, 10; of a user, 2.
        try (FastMCP s = server(20).build().start(StartOptions.http().port(0))) {
            List<Client> viaOneClient = new ArrayList<>();
            for (int user = 0; user < 9; user++) {
                for (int i = 0; i < 2; i++) {
                    Client c = new Client(s, "user" + user, "shared-client");
                    assertEquals(200, c.initialize());
                    viaOneClient.add(c);
                }
            }
            assertEquals(10, live(viaOneClient), "one client holds its share of the sessions, no more");
            Client other = new Client(s, "carol", "another-client");
            assertEquals(200, other.initialize());
            assertEquals(200, other.ping());
        }
    }

    @Test
    void aShareMustLeaveRoomForOthers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> server(10).sessions(s -> s.perSubject(10)).build());
        assertTrue(e.getMessage().contains("sessions: perSubject (10) must be below max (10)"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> server(10).sessions(s -> s.perClient(12)).build());
        assertThrows(IllegalArgumentException.class, () -> server(10).sessions(s -> s.perSubject(0)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
