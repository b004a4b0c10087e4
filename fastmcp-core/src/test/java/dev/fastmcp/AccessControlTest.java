package dev.fastmcp;

import static dev.fastmcp.Auth.requireAll;
import static dev.fastmcp.Auth.requireAny;
import static dev.fastmcp.Auth.requireAuth;
import static dev.fastmcp.Auth.requireRole;
import static dev.fastmcp.Auth.requireScopes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** canAccess on tools, resources, templates and prompts, seen through a real MCP client with API keys. */
@Timeout(30)
class AccessControlTest {

    private static final AuthSession READER = AuthSession.of("reader", null, List.of("notes:read"), Map.of(), null);
    private static final AuthSession WRITER = AuthSession.of("writer", null, List.of("notes:read", "notes:write"),
            Map.of(), null);
    private static final AuthSession ADMIN = AuthSession.of("admin-user", null, List.of(),
            Map.of("roles", List.of("admin")), null);
    private static final AuthSession SUPERUSER = AuthSession.of("superuser", "cli-1", List.of("notes:read"),
            Map.of("roles", List.of("admin")), null);

    private static final Map<String, AuthSession> KEYS = Map.of(
            "reader-key", READER,
            "writer-key", WRITER,
            "admin-key", ADMIN,
            "super-key", SUPERUSER);

    record NoteArgs(String text) {
    }

    private FastMCP server;
    private FastMCP openServer;
    private final List<McpSyncClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        server = FastMCP.builder("access", "1.0.0")
                .authenticate(request -> {
                    String key = request.header("x-api-key");
                    return key == null ? null : KEYS.get(key);
                })
                .addTool(Tool.builder("public_info").execute((args, ctx) -> "public").build())
                .addTool(Tool.builder("read_notes").canAccess(requireScopes("notes:read"))
                        .execute((args, ctx) -> "notes").build())
                .addTool(Tool.builder("write_note").canAccess(requireScopes("notes:write"))
                        .parameters(NoteArgs.class)
                        .execute((args, ctx) -> "wrote " + args.text()).build())
                .addTool(Tool.builder("admin_report").canAccess(requireRole("admin"))
                        .execute((args, ctx) -> "report").build())
                .addTool(Tool.builder("all_check").canAccess(requireAll(requireScopes("notes:read"), requireRole("admin")))
                        .execute((args, ctx) -> "all").build())
                .addTool(Tool.builder("any_check").canAccess(requireAny(requireScopes("notes:write"), requireRole("admin")))
                        .execute((args, ctx) -> "any").build())
                .addTool(Tool.builder("whoami").canAccess(requireAuth())
                        .execute((args, ctx) -> {
                            AuthSession session = Auth.getAuthSession(ctx);
                            return session.subject() + "|" + session.clientId() + "|"
                                    + new java.util.TreeSet<>(session.scopes()) + "|"
                                    + new java.util.TreeSet<>(session.roles()) + "|" + (session == ctx.auth());
                        }).build())
                .addResource(Resource.builder("notes://public", "public-notes")
                        .read(ctx -> "public notes").build())
                .addResource(Resource.builder("notes://secret", "secret-notes").canAccess(requireScopes("notes:write"))
                        .read(ctx -> "secret notes").build())
                .addResourceTemplate(ResourceTemplate.builder("notes://{id}/private", "private-note")
                        .canAccess(requireRole("admin"))
                        .read((uri, vars, ctx) -> "private " + vars.get("id")).build())
                .addResourceTemplate(ResourceTemplate.builder("notes://{id}/open", "open-note")
                        .read((uri, vars, ctx) -> "open " + vars.get("id")).build())
                .addPrompt(Prompt.builder("admin_prompt").canAccess(requireRole("admin"))
                        .argument("topic", "The topic", false)
                        .complete("topic", (value, ctx) -> List.of("secrets"))
                        .render((args, ctx) -> "admin prompt").build())
                .addPrompt(Prompt.builder("open_prompt").render((args, ctx) -> "open prompt").build())
                .build()
                .start(StartOptions.http().port(0));
    }

    @AfterEach
    void stop() {
        for (McpSyncClient client : clients) {
            try {
                client.closeGracefully();
            } catch (RuntimeException ignored) {
                // the server is closed next anyway
            }
        }
        server.close();
        if (openServer != null) {
            openServer.close();
        }
    }

    private McpSyncClient connect(FastMCP target, String apiKey) {
        HttpClientStreamableHttpTransport.Builder transport = HttpClientStreamableHttpTransport
                .builder("http://127.0.0.1:" + target.port())
                .endpoint("/mcp");
        if (apiKey != null) {
            transport.httpRequestCustomizer((request, method, uri, body, context) -> request.header("x-api-key", apiKey));
        }
        McpSyncClient client = McpClient.sync(transport.build()).requestTimeout(Duration.ofSeconds(20)).build();
        clients.add(client);
        client.initialize();
        return client;
    }

    private static List<String> toolNames(McpSyncClient client) {
        return client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    private static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> args) {
        return client.callTool(new McpSchema.CallToolRequest(tool, args));
    }

    private static String text(McpSchema.CallToolResult result) {
        assertEquals(1, result.content().size(), () -> "expected one content item: " + result);
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    private static McpSchema.JSONRPCResponse.JSONRPCError error(Supplier<?> call) {
        McpError e = assertThrows(McpError.class, call::get);
        assertNotNull(e.getJsonRpcError(), () -> "McpError without a JSON-RPC error: " + e);
        return e.getJsonRpcError();
    }

    /**
     * The refusal of {@code refused} must be indistinguishable from the error for a name that does not exist:
     * same code, and the same message and data once the name asked for is swapped (the SDK's own errors echo
     * the name asked for, in the data or, for completions, in the message).
     */
    private static void assertSameError(McpSchema.JSONRPCResponse.JSONRPCError unknown, String unknownName,
            McpSchema.JSONRPCResponse.JSONRPCError refused, String refusedName) {
        assertEquals(unknown.code(), refused.code(), "error code of a refused vs an unknown component");
        assertEquals(unknown.message().replace(unknownName, "<NAME>"), refused.message().replace(refusedName, "<NAME>"),
                "error message of a refused vs an unknown component");
        String unknownData = String.valueOf(unknown.data()).replace(unknownName, "<NAME>");
        String refusedData = String.valueOf(refused.data()).replace(refusedName, "<NAME>");
        assertEquals(unknownData, refusedData, "error data of a refused vs an unknown component");
    }

    // ---- tools ----

    @Test
    void toolNeedingAScopeIsHiddenFromCallersLackingItAndListedForCallersHoldingIt() {
        List<String> readerTools = toolNames(connect(server, "reader-key"));
        assertTrue(readerTools.contains("read_notes"), readerTools::toString);
        assertTrue(readerTools.contains("public_info"), readerTools::toString);
        assertFalse(readerTools.contains("write_note"), readerTools::toString);

        List<String> writerTools = toolNames(connect(server, "writer-key"));
        assertTrue(writerTools.contains("write_note"), writerTools::toString);
        assertTrue(writerTools.contains("read_notes"), writerTools::toString);
    }

    @Test
    void callingARefusedToolGivesTheSameErrorAsCallingAToolThatDoesNotExist() {
        McpSyncClient reader = connect(server, "reader-key");
        var unknown = error(() -> call(reader, "no_such_tool", Map.of("text", "hi")));
        var refused = error(() -> call(reader, "write_note", Map.of("text", "hi")));
        assertEquals(McpSchema.ErrorCodes.INVALID_PARAMS, unknown.code());
        assertSameError(unknown, "no_such_tool", refused, "write_note");

        // and the tool itself works for a caller who has the scope
        assertEquals("wrote hi", text(call(connect(server, "writer-key"), "write_note", Map.of("text", "hi"))));
    }

    @Test
    void callingARefusedToolWithInvalidArgumentsStillSaysUnknownToolAndNeverValidates() {
        McpSyncClient reader = connect(server, "reader-key");
        var unknown = error(() -> call(reader, "no_such_tool", Map.of("text", 42)));
        var wrongType = error(() -> call(reader, "write_note", Map.of("text", 42)));
        var missing = error(() -> call(reader, "write_note", Map.of()));
        for (var refused : List.of(wrongType, missing)) {
            assertTrue(refused.message().contains("Unknown tool"), refused::toString);
            assertSameError(unknown, "no_such_tool", refused, "write_note");
            String all = refused.message() + " " + refused.data();
            assertFalse(all.toLowerCase(java.util.Locale.ROOT).contains("invalid argument"), all);
            assertFalse(all.contains("required"), all);
        }

        // the same invalid call by an allowed caller is a validation failure naming the field
        McpSchema.CallToolResult validation = call(connect(server, "writer-key"), "write_note", Map.of("text", 42));
        assertEquals(Boolean.TRUE, validation.isError());
        assertTrue(text(validation).contains("text"), text(validation));
    }

    @Test
    void requireRoleAllowsOnlyCallersWithTheRoleClaim() {
        McpSyncClient admin = connect(server, "admin-key");
        assertTrue(toolNames(admin).contains("admin_report"));
        assertEquals("report", text(call(admin, "admin_report", Map.of())));

        McpSyncClient writer = connect(server, "writer-key");
        assertFalse(toolNames(writer).contains("admin_report"));
        var refused = error(() -> call(writer, "admin_report", Map.of()));
        assertTrue(refused.message().contains("Unknown tool"), refused::toString);
    }

    @Test
    void requireAllNeedsEveryCheck() {
        // scope but no role, role but no scope: both refused
        for (String key : List.of("reader-key", "admin-key")) {
            McpSyncClient client = connect(server, key);
            assertFalse(toolNames(client).contains("all_check"), key);
            var refused = error(() -> call(client, "all_check", Map.of()));
            assertTrue(refused.message().contains("Unknown tool"), key + ": " + refused);
        }
        McpSyncClient both = connect(server, "super-key");
        assertTrue(toolNames(both).contains("all_check"));
        assertEquals("all", text(call(both, "all_check", Map.of())));
    }

    @Test
    void requireAnyNeedsOneCheck() {
        for (String key : List.of("writer-key", "admin-key")) {
            McpSyncClient client = connect(server, key);
            assertTrue(toolNames(client).contains("any_check"), key);
            assertEquals("any", text(call(client, "any_check", Map.of())), key);
        }
        McpSyncClient reader = connect(server, "reader-key");
        assertFalse(toolNames(reader).contains("any_check"));
        var refused = error(() -> call(reader, "any_check", Map.of()));
        assertTrue(refused.message().contains("Unknown tool"), refused::toString);
    }

    @Test
    void getAuthSessionReturnsTheAuthenticatedSessionInsideATool() {
        McpSyncClient superuser = connect(server, "super-key");
        assertEquals("superuser|cli-1|[notes:read]|[admin]|true", text(call(superuser, "whoami", Map.of())));
        McpSyncClient reader = connect(server, "reader-key");
        assertEquals("reader|null|[notes:read]|[]|true", text(call(reader, "whoami", Map.of())));
    }

    @Test
    void requestWithoutAKeyIsRejectedWith401WhenAuthenticationIsConfigured() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/mcp"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}"))
                .timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode(), response::body);
        assertFalse(response.body().contains("notes"), response::body);
    }

    // ---- resources, templates, prompts ----

    @Test
    void refusedResourceIsHiddenFromTheListAndReadsLikeAnUnknownOne() {
        McpSyncClient reader = connect(server, "reader-key");
        List<String> uris = reader.listResources().resources().stream().map(McpSchema.Resource::uri).toList();
        assertTrue(uris.contains("notes://public"), uris::toString);
        assertFalse(uris.contains("notes://secret"), uris::toString);

        var unknown = error(() -> reader.readResource(new McpSchema.ReadResourceRequest("notes://nothing-here")));
        var refused = error(() -> reader.readResource(new McpSchema.ReadResourceRequest("notes://secret")));
        assertSameError(unknown, "notes://nothing-here", refused, "notes://secret");

        McpSyncClient writer = connect(server, "writer-key");
        List<String> writerUris = writer.listResources().resources().stream().map(McpSchema.Resource::uri).toList();
        assertTrue(writerUris.contains("notes://secret"), writerUris::toString);
        McpSchema.ReadResourceResult read = writer.readResource(new McpSchema.ReadResourceRequest("notes://secret"));
        assertEquals("secret notes", ((McpSchema.TextResourceContents) read.contents().get(0)).text());
    }

    @Test
    void refusedResourceTemplateIsHiddenFromTheListAndReadsLikeAnUnknownResource() {
        McpSyncClient reader = connect(server, "reader-key");
        List<String> templates = reader.listResourceTemplates().resourceTemplates().stream()
                .map(McpSchema.ResourceTemplate::uriTemplate).toList();
        assertTrue(templates.contains("notes://{id}/open"), templates::toString);
        assertFalse(templates.contains("notes://{id}/private"), templates::toString);

        var unknown = error(() -> reader.readResource(new McpSchema.ReadResourceRequest("nothing://7/here")));
        var refused = error(() -> reader.readResource(new McpSchema.ReadResourceRequest("notes://7/private")));
        assertSameError(unknown, "nothing://7/here", refused, "notes://7/private");
        McpSchema.ReadResourceResult open = reader.readResource(new McpSchema.ReadResourceRequest("notes://7/open"));
        assertEquals("open 7", ((McpSchema.TextResourceContents) open.contents().get(0)).text());

        McpSyncClient admin = connect(server, "admin-key");
        assertTrue(admin.listResourceTemplates().resourceTemplates().stream()
                .anyMatch(t -> t.uriTemplate().equals("notes://{id}/private")));
        McpSchema.ReadResourceResult read = admin.readResource(new McpSchema.ReadResourceRequest("notes://7/private"));
        assertEquals("private 7", ((McpSchema.TextResourceContents) read.contents().get(0)).text());
    }

    @Test
    void refusedPromptIsHiddenFromTheListAndGetsLikeAnUnknownOne() {
        McpSyncClient reader = connect(server, "reader-key");
        List<String> prompts = reader.listPrompts().prompts().stream().map(McpSchema.Prompt::name).toList();
        assertTrue(prompts.contains("open_prompt"), prompts::toString);
        assertFalse(prompts.contains("admin_prompt"), prompts::toString);

        var unknown = error(() -> reader.getPrompt(new McpSchema.GetPromptRequest("no_such_prompt", Map.of())));
        var refused = error(() -> reader.getPrompt(new McpSchema.GetPromptRequest("admin_prompt", Map.of())));
        assertSameError(unknown, "no_such_prompt", refused, "admin_prompt");

        McpSyncClient admin = connect(server, "admin-key");
        assertTrue(admin.listPrompts().prompts().stream().anyMatch(p -> p.name().equals("admin_prompt")));
        McpSchema.GetPromptResult got = admin.getPrompt(new McpSchema.GetPromptRequest("admin_prompt", Map.of()));
        assertEquals("admin prompt", ((McpSchema.TextContent) got.messages().get(0).content()).text());
    }

    @Test
    void completionForARefusedPromptGivesTheSameErrorAsForAnUnknownPrompt() {
        McpSyncClient reader = connect(server, "reader-key");
        var unknown = error(() -> reader.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("no_such_prompt"), new McpSchema.CompleteRequest.CompleteArgument("topic", ""))));
        var refused = error(() -> reader.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("admin_prompt"), new McpSchema.CompleteRequest.CompleteArgument("topic", ""))));
        assertSameError(unknown, "no_such_prompt", refused, "admin_prompt");

        McpSyncClient admin = connect(server, "admin-key");
        McpSchema.CompleteResult values = admin.completeCompletion(new McpSchema.CompleteRequest(
                new McpSchema.PromptReference("admin_prompt"), new McpSchema.CompleteRequest.CompleteArgument("topic", "")));
        assertEquals(List.of("secrets"), values.completion().values());
    }

    // ---- no auth configured: fail closed ----

    @Test
    void withNoAuthConfiguredARequireAuthToolIsHiddenAndRefused() {
        openServer = FastMCP.builder("open", "1.0.0")
                .addTool(Tool.builder("guarded").canAccess(requireAuth()).execute((args, ctx) -> "guarded").build())
                .addTool(Tool.builder("scoped").canAccess(requireScopes("notes:read")).execute((args, ctx) -> "scoped")
                        .build())
                .addTool(Tool.builder("lambda").canAccess(auth -> auth != null).execute((args, ctx) -> "lambda").build())
                .addTool(Tool.builder("anyone").execute((args, ctx) -> "auth=" + ctx.auth()).build())
                .addTool(Tool.builder("session").execute((args, ctx) -> Auth.getAuthSession(ctx).subject()).build())
                .build()
                .start(StartOptions.http().port(0));
        McpSyncClient client = connect(openServer, null);
        assertEquals(List.of("anyone", "session"), toolNames(client));
        var unknown = error(() -> call(client, "no_such_tool", Map.of()));
        for (String name : List.of("guarded", "scoped", "lambda")) {
            var refused = error(() -> call(client, name, Map.of()));
            assertSameError(unknown, "no_such_tool", refused, name);
        }
        assertEquals("auth=null", text(call(client, "anyone", Map.of())));

        McpSchema.CallToolResult noSession = call(client, "session", Map.of());
        assertEquals(Boolean.TRUE, noSession.isError());
        assertTrue(text(noSession).contains("not authenticated"), text(noSession));
    }

    // ---- AccessCheck decisions ----

    @Test
    void requireScopesReportsTheMissingScopes() {
        AccessCheck check = requireScopes("notes:read", "notes:write");
        AccessCheck.Decision d = check.evaluate(READER);
        assertFalse(d.allowed());
        assertTrue(d.scopeOnly());
        assertEquals(Set.of("notes:write"), d.missingScopes());
        assertTrue(check.evaluate(WRITER).allowed());
        assertTrue(check.test(WRITER));
        assertFalse(check.test(READER));

        AccessCheck.Decision anonymous = check.evaluate(null);
        assertFalse(anonymous.allowed());
        assertFalse(anonymous.scopeOnly(), "an unauthenticated caller is not refused for scopes only");
    }

    @Test
    void requireAllReportsTheUnionOfMissingScopesWhenOnlyScopesAreMissing() {
        AccessCheck check = requireAll(requireScopes("a"), requireScopes("b", "notes:read"), requireAuth());
        AccessCheck.Decision d = check.evaluate(READER);
        assertFalse(d.allowed());
        assertTrue(d.scopeOnly());
        assertEquals(Set.of("a", "b"), d.missingScopes());

        // the role is there, only the scope is missing: still a scope-only refusal
        AccessCheck.Decision roleOk = requireAll(requireScopes("notes:write"), requireRole("admin")).evaluate(ADMIN);
        assertTrue(roleOk.scopeOnly());
        assertEquals(Set.of("notes:write"), roleOk.missingScopes());

        assertTrue(requireAll(requireScopes("notes:read"), requireRole("admin")).evaluate(SUPERUSER).allowed());
    }

    @Test
    void requireAllDoesNotReportScopesWhenARoleIsMissing() {
        AccessCheck check = requireAll(requireScopes("notes:write"), requireRole("admin"));
        AccessCheck.Decision d = check.evaluate(READER);
        assertFalse(d.allowed());
        assertFalse(d.scopeOnly(), () -> "role refusal reported as scope-only: " + d);
        assertTrue(d.missingScopes().isEmpty(), d::toString);
        assertFalse(check.test(READER));
        assertFalse(check.evaluate(null).scopeOnly());
    }

    @Test
    void requireAnyReportsTheSmallestSetOfMissingScopes() {
        AccessCheck check = requireAny(requireScopes("x", "y"), requireScopes("z"), requireRole("ops"));
        AccessCheck.Decision d = check.evaluate(READER);
        assertFalse(d.allowed());
        assertTrue(d.scopeOnly());
        assertEquals(Set.of("z"), d.missingScopes());
        assertTrue(requireAny(requireScopes("z"), requireScopes("notes:read")).evaluate(READER).allowed());
        assertTrue(requireAny(requireScopes("z"), requireRole("admin")).test(ADMIN));
    }

    @Test
    void requireAnyDoesNotReportScopesWhenOnlyRolesRefuse() {
        AccessCheck check = requireAny(requireRole("admin"), requireRole("ops"));
        AccessCheck.Decision d = check.evaluate(READER);
        assertFalse(d.allowed());
        assertFalse(d.scopeOnly(), d::toString);
        assertTrue(d.missingScopes().isEmpty(), d::toString);

        AccessCheck.Decision role = requireRole("admin").evaluate(READER);
        assertFalse(role.allowed());
        assertFalse(role.scopeOnly());

        AccessCheck lambda = auth -> auth != null && auth.hasScope("never");
        AccessCheck.Decision plain = lambda.evaluate(READER);
        assertFalse(plain.allowed());
        assertFalse(plain.scopeOnly(), "a plain lambda cannot know which scopes were missing");
        assertTrue(Objects.equals(AccessCheck.Decision.DENIED, plain));
    }
}
