package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.testsupport.ChildJvm;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's own log, in a JVM of its own each time ({@link LoggingTestServer}), since what is tested happens once
 * per process: which backend JBoss Logging (Undertow's and XNIO's) picks, and what SLF4J finds on the class path.
 */
@Timeout(90)
class ServerLogTest {

    private static final Pattern LISTENING = Pattern.compile("MCP server '(\\S+)' listening at (http://\\S+/mcp)");
    private static final Pattern XNIO_GREETING = Pattern.compile("XNIO version ");
    /** Two processors at least, so that the warm-up thread initializes Undertow's classes while start() runs. */
    private static final String RACE = "-XX:ActiveProcessorCount=2";

    @Test
    void withoutAnSlf4jBackendTheServerStillSaysWhereItListens() throws Exception {
        try (ChildJvm server = ChildJvm.start(ChildJvm.classPath(entry -> entry.contains("slf4j-simple")),
                List.of(), Map.of(), LoggingTestServer.class, "silent")) {
            String line = server.await(LISTENING, 60);
            assertTrue(line.startsWith("MCP server 'silent' listening at http://127.0.0.1:"), line);
            assertTrue(line.contains("slf4j-simple") && line.contains("logback"), "says which backend to add: " + line);
            Matcher m = LISTENING.matcher(line);
            assertTrue(m.find());
            HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(m.group(2).replace("/mcp", "/health"))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), "the URL printed is the server's");
        }
    }

    @Test
    void undertowAndXnioLogThroughSlf4jInTheFormatOfTheRest() throws Exception {
        try (ChildJvm server = ChildJvm.start(ChildJvm.classPath(), List.of(RACE,
                "-Dorg.slf4j.simpleLogger.log.org.xnio=info"), Map.of(), LoggingTestServer.class, "one-format")) {
            String listening = server.await(LISTENING, 60);
            assertTrue(listening.contains("INFO dev.fastmcp.FastMCP - "), listening);
            String greeting = server.await(XNIO_GREETING, 10);
            assertTrue(greeting.contains("INFO org.xnio - "), "XNIO's greeting goes through SLF4J: " + greeting);
            assertEquals(List.of(), server.julLines(), "lines in java.util.logging's format: " + server.stderr());
            assertEquals(1, server.stderr().stream().filter(l -> LISTENING.matcher(l).find()).count(),
                    "with a backend, the line is logged, not printed a second time: " + server.stderr());
        }
    }

    @Test
    void aProviderTheDeveloperChoseForJBossLoggingIsKept() throws Exception {
        try (ChildJvm server = ChildJvm.start(ChildJvm.classPath(), List.of(RACE, "-Dorg.jboss.logging.provider=jdk"),
                Map.of(), LoggingTestServer.class, "jdk-logging")) {
            server.await(LISTENING, 60);
            String greeting = server.await(XNIO_GREETING, 10);
            assertTrue(ChildJvm.JUL_LINE.matcher(greeting).matches(),
                    "XNIO logs through java.util.logging as told: " + greeting);
            assertFalse(server.stderr().stream().anyMatch(l -> l.contains("INFO org.xnio - ")), server.stderr()::toString);
        }
    }
}
