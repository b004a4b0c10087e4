package dev.fastmcp.devidp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.testsupport.ChildJvm;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The development identity provider runs an Undertow of its own, usually the first of the process: its log and the
 * MCP server's after it have one format, SLF4J's, and not java.util.logging's.
 */
@Timeout(90)
class DevIdpLogTest {

    @Test
    void undertowStartedByTheIdentityProviderLogsThroughSlf4jLikeTheServer() throws Exception {
        try (ChildJvm process = ChildJvm.start(ChildJvm.classPath(),
                List.of("-Dorg.slf4j.simpleLogger.log.org.xnio=info"), Map.of(), DevIdpThenServer.class)) {
            process.await(Pattern.compile("MCP server 'after-the-idp' listening at "), 60);
            String greeting = process.await(Pattern.compile("XNIO version "), 10);
            assertTrue(greeting.contains("INFO org.xnio - "), "XNIO's greeting goes through SLF4J: " + greeting);
            assertEquals(List.of(), process.julLines(), "lines in java.util.logging's format: " + process.stderr());
        }
    }
}
