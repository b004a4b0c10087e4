package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.testsupport.ChildJvm;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The identity of a stdio session ({@link StdioIdentityServer} in a JVM of its own, driven by the SDK's stdio
 * client): given in code, or a token from the environment that the server verifies; without one, the server warns
 * that what checks who calls is hidden; a token it refuses stops it.
 */
@Timeout(90)
class StdioIdentityTest {

    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private McpSyncClient client;

    @AfterEach
    void close() {
        if (client != null) {
            client.closeGracefully();
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private McpSyncClient connect(String mode, Map<String, String> env) {
        ServerParameters.Builder params = ServerParameters.builder(java())
                .args("-cp", ChildJvm.classPath(), StdioIdentityServer.class.getName(), mode);
        env.forEach(params::addEnvVar);
        StdioClientTransport transport = new StdioClientTransport(params.build(), McpJsonDefaults.getMapper());
        transport.setStdErrorHandler(stderr::add);
        client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(20))
                .initializationTimeout(Duration.ofSeconds(60)).build();
        client.initialize();
        return client;
    }

    private static List<String> tools(McpSyncClient c) {
        return c.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    private static String call(McpSyncClient c, String tool) {
        McpSchema.CallToolResult result = c.callTool(new McpSchema.CallToolRequest(tool, Map.of()));
        assertFalse(Boolean.TRUE.equals(result.isError()), result::toString);
        return assertInstanceOf(McpSchema.TextContent.class, result.content().get(0)).text();
    }

    @Test
    void anIdentityGivenInCodeIsTheCallerOfTheStdioSession() {
        McpSyncClient c = connect("code", Map.of());
        assertEquals(List.of("open", "whoami", "reader"), tools(c));
        assertEquals("local-user [notes:read]", call(c, "whoami"));
        assertEquals("reads", call(c, "reader"));
    }

    @Test
    void aTokenFromTheEnvironmentIsVerifiedByTheAuthenticateHook() {
        McpSyncClient c = connect("hook", Map.of("FASTMCP_STDIO_TOKEN", StdioIdentityServer.HOOK_TOKEN));
        assertEquals("hook-user [notes:read]", call(c, "whoami"));
        assertFalse(String.join("\n", stderr).contains(StdioIdentityServer.HOOK_TOKEN), "the token is never logged");
    }

    @Test
    void aTokenFromTheEnvironmentIsVerifiedByTheAuthProvider() {
        McpSyncClient c = connect("provider", Map.of("FASTMCP_STDIO_TOKEN", StdioIdentityServer.PROVIDER_TOKEN));
        assertEquals(List.of("open", "whoami", "reader"), tools(c));
        assertEquals("provider-user [notes:read]", call(c, "whoami"));
    }

    @Test
    void withoutAnIdentityGuardedToolsAreHiddenAndTheServerSaysSoAtStart() throws Exception {
        McpSyncClient c = connect("none", Map.of());
        assertEquals(List.of("open"), tools(c));
        assertEquals("open to null", call(c, "open"));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (stderr.stream().noneMatch(l -> l.contains("without an identity")) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String warning = stderr.stream().filter(l -> l.contains("without an identity")).findFirst()
                .orElseThrow(() -> new AssertionError("no warning: " + stderr));
        assertTrue(warning.contains("WARN") && warning.contains("tool 'whoami'") && warning.contains("tool 'reader'")
                && warning.contains("identity(...)") && warning.contains("FASTMCP_STDIO_TOKEN"), warning);
    }

    @Test
    void aTokenTheServerRefusesStopsItWithoutShowingTheToken() throws Exception {
        try (ChildJvm server = ChildJvm.start(ChildJvm.classPath(), List.of(),
                Map.of("FASTMCP_STDIO_TOKEN", "forged-subject-alice"), StdioIdentityServer.class, "hook")) {
            String refused = server.await(Pattern.compile("FASTMCP_STDIO_TOKEN was refused"), 60);
            assertFalse(String.join("\n", server.stderr()).contains("forged-subject-alice"), server.stderr()::toString);
            assertTrue(refused.contains("stdio-identity"), refused);
        }
    }

    @Test
    void aTokenWithNothingToVerifyItStopsTheServer() throws Exception {
        try (ChildJvm server = ChildJvm.start(ChildJvm.classPath(), List.of(),
                Map.of("FASTMCP_STDIO_TOKEN", "anything"), StdioIdentityServer.class, "none")) {
            String line = server.await(Pattern.compile("has no authentication to verify it with"), 60);
            assertTrue(line.contains("FASTMCP_STDIO_TOKEN"), line);
        }
    }

    @Test
    void anIdentityIsForStdioOnly() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StartOptions.http().identity(AuthSession.of("x", List.of())).resolve(Map.of()));
        assertTrue(e.getMessage().contains("stdio"), e.getMessage());
        assertEquals(null, StartOptions.http().resolve(Map.of("FASTMCP_STDIO_TOKEN", "t")).stdioToken(),
                "the variable is read for stdio only");
    }
}
