package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions of the 2025 revisions known to every instance of a deployment through a {@link SessionStore}: a request
 * reaching another instance than the one that created its session is served there, for the same user only; a session
 * the client deleted ends everywhere; its log level follows it.
 */
@Timeout(30)
class SharedSessionsTest {

    /** A store shared by the instances of one JVM, as Redis is by processes. */
    static final class MapStore implements SessionStore {
        final Map<String, SharedSession> map = new ConcurrentHashMap<>();

        @Override
        public void save(SharedSession session, Duration ttl) {
            map.put(session.id(), session);
        }

        @Override
        public SharedSession find(String id) {
            return map.get(id);
        }

        @Override
        public void delete(String id) {
            map.remove(id);
        }

        final List<java.util.function.BiConsumer<String, String>> receivers =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void forward(String sessionId, String message) {
            receivers.forEach(r -> r.accept(sessionId, message));
        }

        @Override
        public void onForwarded(java.util.function.BiConsumer<String, String> receiver) {
            receivers.add(receiver);
        }
    }

    private static final AuthProvider BEARER = new AuthProvider() {
        @Override
        public TokenVerifier tokenVerifier() {
            return token -> switch (token) {
                case "alice" -> TokenVerification.valid(AuthSession.of("alice", List.of()));
                case "bob" -> TokenVerification.valid(AuthSession.of("bob", List.of()));
                default -> TokenVerification.invalid("unknown token");
            };
        }

        @Override
        public List<String> authorizationServers() {
            return List.of("https://as.example.com");
        }
    };

    private static FastMCP instance(SessionStore store, boolean auth) {
        FastMCP.Builder b = FastMCP.builder("shared", "1.0.0")
                .addTool(Tool.builder("hello").execute((args, ctx) -> "hi").build())
                .addTool(Tool.builder("ask").execute((args, ctx) -> {
                    var answer = ctx.elicit("Your name?", Map.of("type", "object", "properties",
                            Map.of("name", Map.of("type", "string"))));
                    return "hello " + answer.content().get("name");
                }).build());
        if (store != null) {
            b.sessions(s -> s.store(store));
        }
        if (auth) {
            b.auth(BEARER);
        }
        return b.build().start(StartOptions.http().port(0));
    }

    /** The same session (its id) sent to another instance. */
    private static RawMcp at(FastMCP server, RawMcp session) {
        RawMcp other = new RawMcp(server);
        other.sessionId = session.sessionId;
        return other;
    }

    @Test
    void aSessionCreatedAtOneInstanceIsServedAtAnother() throws Exception {
        MapStore store = new MapStore();
        try (FastMCP a = instance(store, false); FastMCP b = instance(store, false)) {
            RawMcp atA = new RawMcp(a);
            assertEquals(200, atA.initialize().statusCode());
            assertNotNull(store.find(atA.sessionId), "stored when created");
            assertEquals("2025-11-25", store.find(atA.sessionId).protocolVersion());
            RawMcp atB = at(b, atA);
            HttpResponse<String> list = atB.call(1, "tools/list", "{}");
            assertEquals(200, list.statusCode(), list.body());
            assertTrue(list.body().contains("\"hello\""), list.body());
            HttpResponse<String> call = atB.call(2, "tools/call", "{\"name\":\"hello\",\"arguments\":{}}");
            assertEquals(200, call.statusCode(), call.body());
            assertTrue(call.body().contains("\"hi\""), call.body());
            assertEquals(200, atA.call(3, "tools/list", "{}").statusCode(), "and still at the first");
        }
    }

    @Test
    void withoutAStoreAnotherInstanceAnswers404() throws Exception {
        try (FastMCP a = instance(null, false); FastMCP b = instance(null, false)) {
            RawMcp atA = new RawMcp(a);
            atA.initialize();
            assertEquals(404, at(b, atA).call(1, "tools/list", "{}").statusCode());
        }
    }

    @Test
    void anotherUsersRequestForASharedSessionIsNotFoundAtEveryInstance() throws Exception {
        MapStore store = new MapStore();
        try (FastMCP a = instance(store, true); FastMCP b = instance(store, true)) {
            RawMcp atA = new RawMcp(a);
            HttpResponse<String> init = atA.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
                    + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":"
                    + "\"raw\",\"version\":\"1\"}}}", "Authorization", "Bearer alice");
            assertEquals(200, init.statusCode(), init.body());
            atA.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            assertEquals("alice", store.find(atA.sessionId).subject());
            RawMcp atB = at(b, atA);
            String list = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{}}";
            assertEquals(404, atB.post(list, "Authorization", "Bearer bob", "MCP-Protocol-Version", "2025-11-25")
                    .statusCode(), "bob cannot use alice's session at another instance");
            assertEquals(200, atB.post(list, "Authorization", "Bearer alice", "MCP-Protocol-Version", "2025-11-25")
                    .statusCode());
            assertEquals(404, atB.post(list, "Authorization", "Bearer bob", "MCP-Protocol-Version", "2025-11-25")
                    .statusCode(), "nor once it is served there");
        }
    }

    @Test
    void aSessionDeletedAtOneInstanceEndsAtAll() throws Exception {
        MapStore store = new MapStore();
        try (FastMCP a = instance(store, false); FastMCP b = instance(store, false)) {
            RawMcp atA = new RawMcp(a);
            atA.initialize();
            RawMcp atB = at(b, atA);
            assertEquals(200, atB.call(1, "tools/list", "{}").statusCode());
            HttpResponse<String> deleted = atA.http.send(atA.request().DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, deleted.statusCode());
            assertNull(store.find(atA.sessionId));
            assertEquals(404, atB.call(2, "tools/list", "{}").statusCode(), "ended at the other instance too");
            assertEquals(404, atA.call(3, "tools/list", "{}").statusCode());
        }
    }

    @Test
    void anAnswerToAnElicitationReachingAnotherInstanceReachesTheToolThatAsked() throws Exception {
        MapStore store = new MapStore();
        try (FastMCP a = instance(store, false); FastMCP b = instance(store, false)) {
            RawMcp atA = new RawMcp(a);
            HttpResponse<String> init = atA.post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
                    + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"elicitation\":{}},"
                    + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}");
            atA.sessionId = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
            atA.post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
            // the call at A: its answer streams back on this response, the elicitation first
            var call = atA.http.sendAsync(atA.request("Content-Type", "application/json", "Accept",
                    RawMcp.ACCEPT_BOTH, "MCP-Protocol-Version", "2025-11-25").POST(java.net.http.HttpRequest
                    .BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\","
                            + "\"params\":{\"name\":\"ask\",\"arguments\":{}}}")).build(),
                    HttpResponse.BodyHandlers.ofLines()).get(10, java.util.concurrent.TimeUnit.SECONDS);
            var lines = call.body().iterator();
            Map<String, Object> elicitation = null;
            while (elicitation == null && lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data:") && line.contains("elicitation/create")) {
                    elicitation = dev.fastmcp.server.Json.parseObject(line.substring(5).trim(), "event");
                }
            }
            assertNotNull(elicitation, "A asked");
            // the client answers through the load balancer, which picks B
            RawMcp atB = at(b, atA);
            HttpResponse<String> answered = atB.post("{\"jsonrpc\":\"2.0\",\"id\":"
                    + dev.fastmcp.server.Json.string(String.valueOf(elicitation.get("id")))
                    + ",\"result\":{\"action\":\"accept\",\"content\":{\"name\":\"Ada\"}}}");
            assertEquals(202, answered.statusCode(), answered.body());
            String result = null;
            while (result == null && lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data:") && line.contains("\"id\":7")) {
                    result = line;
                }
            }
            assertNotNull(result, "the call at A completed");
            assertTrue(result.contains("hello Ada"), result);
        }
    }

    @Test
    void theLogLevelSetAtOneInstanceFollowsTheSession() throws Exception {
        MapStore store = new MapStore();
        try (FastMCP a = instance(store, false); FastMCP b = instance(store, false)) {
            RawMcp atA = new RawMcp(a);
            atA.initialize();
            assertEquals(200, atA.call(1, "logging/setLevel", "{\"level\":\"error\"}").statusCode());
            assertEquals("error", store.find(atA.sessionId).logLevel());
            assertEquals(200, at(b, atA).call(2, "tools/list", "{}").statusCode());
        }
    }

}
