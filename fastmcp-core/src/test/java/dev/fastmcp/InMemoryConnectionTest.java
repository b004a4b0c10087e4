package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A server in memory: connections of their own, each with the caller its credential gave. */
class InMemoryConnectionTest {

    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    private static FastMCP server(Authenticator authenticator) {
        FastMCP.Builder b = FastMCP.builder("memory", "1.0.0")
                .addTool(Tool.builder("whoami").description("Who calls")
                        .execute((args, ctx) -> ctx.auth() == null ? "nobody" : ctx.auth().subject()).build());
        return (authenticator == null ? b : b.authenticate(authenticator)).build();
    }

    private static String call(InMemoryConnection c, BlockingQueue<String> in) throws InterruptedException {
        c.send(INITIALIZE);
        assertTrue(in.poll(10, TimeUnit.SECONDS).contains("\"protocolVersion\":\"2025-11-25\""));
        c.send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        c.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"whoami\"}}");
        String answer = in.poll(10, TimeUnit.SECONDS);
        assertNotNull(answer);
        return answer;
    }

    @Test
    void eachConnectionIsASessionWithItsOwnCaller() throws Exception {
        Authenticator byToken = request -> {
            String auth = request.header("authorization");
            return auth != null && auth.startsWith("Bearer key-") ? AuthSession.of(auth.substring(11), List.of())
                    : null;
        };
        try (FastMCP server = server(byToken).start(StartOptions.inMemory())) {
            BlockingQueue<String> ada = new LinkedBlockingQueue<>();
            BlockingQueue<String> bob = new LinkedBlockingQueue<>();
            try (InMemoryConnection a = server.connectInMemory("key-ada", ada::add);
                    InMemoryConnection b = server.connectInMemory("key-bob", bob::add)) {
                assertTrue(call(a, ada).contains("\"text\":\"ada\""));
                assertTrue(call(b, bob).contains("\"text\":\"bob\""));
            }
            CredentialsRefusedException refused = assertThrows(CredentialsRefusedException.class,
                    () -> server.connectInMemory("wrong", line -> { }));
            assertTrue(refused.getMessage().contains("refused the in-memory connection's credentials"),
                    refused.getMessage());
            assertEquals(401, refused.status());
            server.stop();
            IllegalStateException stopped = assertThrows(IllegalStateException.class,
                    () -> server.connectInMemory("key-ada", line -> { }));
            assertTrue(stopped.getMessage().contains("is not running in memory"), stopped.getMessage());
        }
    }

    @Test
    void aConnectionIsRefusedWhenTheServerIsNotInMemory() throws Exception {
        try (FastMCP server = server(null)) {
            IllegalStateException idle = assertThrows(IllegalStateException.class,
                    () -> server.connectInMemory(null, line -> { }));
            assertEquals("Server 'memory' is not running in memory: start it with start(StartOptions.inMemory()) "
                    + "first", idle.getMessage());
            server.start(StartOptions.inMemory());
            BlockingQueue<String> in = new LinkedBlockingQueue<>();
            InMemoryConnection c = server.connectInMemory(null, in::add);
            assertTrue(call(c, in).contains("\"text\":\"nobody\""));
            c.close();
            assertThrows(IllegalStateException.class, () -> c.send(INITIALIZE));
        }
    }
}
