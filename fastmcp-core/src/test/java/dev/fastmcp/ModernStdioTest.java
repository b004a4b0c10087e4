package dev.fastmcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fastmcp.transport.StdioPipe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** MCP 2026-07-28 on stdio: lines with modern {@code _meta} need no {@code initialize}, beside a legacy session. */
@Timeout(30)
class ModernStdioTest {

    private static FastMCP.Builder server() {
        return FastMCP.builder("stdio", "1.0.0")
                .addTool(Tool.builder("progress").description("Reports").execute((args, ctx) -> {
                    ctx.reportProgress(1, 2.0, null);
                    ctx.log().info("half way");
                    return "done";
                }).build())
                .addTool(Tool.builder("later").taskSupport(TaskSupport.OPTIONAL).execute((args, ctx) -> "later")
                        .build());
    }

    @Test
    void tasksWorkOnStdioToo() throws Exception {
        try (StdioPipe stdio = new StdioPipe(server().blueprint())) {
            String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
                    + "\"io.modelcontextprotocol/clientCapabilities\":" + TaskClient.ALL + "}";
            Map<String, Object> created = stdio.call(1, "tools/call", "{\"name\":\"later\"," + meta + "}");
            Map<?, ?> task = (Map<?, ?>) created.get("result");
            assertEquals("task", task.get("resultType"), created.toString());
            String get = "{\"taskId\":\"" + task.get("taskId") + "\"," + meta + "}";
            Map<?, ?> done = (Map<?, ?>) stdio.call(2, "tasks/get", get).get("result");
            for (int i = 0; i < 200 && !"completed".equals(done.get("status")); i++) {
                Thread.sleep(10);
                done = (Map<?, ?>) stdio.call(3 + i, "tasks/get", get).get("result");
            }
            assertEquals("later", TaskClient.text(done.get("result")), done.toString());
        }
    }

    @Test
    void listenOnStdioCarriesUpdatesOfTheResourcesTheCallerMayRead() throws Exception {
        FastMCP.Builder builder = server()
                .addResource(Resource.builder("test://open", "open").read(ctx -> "open").build())
                .addResource(Resource.builder("test://hidden", "hidden").canAccess(Auth.requireAuth())
                        .read(ctx -> "hidden").build());
        try (StdioPipe stdio = new StdioPipe(builder.blueprint())) {
            stdio.send("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"subscriptions/listen\",\"params\":{"
                    + "\"notifications\":{\"resourceSubscriptions\":[\"test://open\",\"test://hidden\"]},"
                    + RawModern.META + "}}");
            Map<String, Object> ack = stdio.next(10);
            assertEquals("notifications/subscriptions/acknowledged", ack.get("method"), ack.toString());
            Map<?, ?> params = (Map<?, ?>) ack.get("params");
            assertEquals(Map.of("resourceSubscriptions", List.of("test://open")), params.get("notifications"),
                    "an anonymous caller may not follow a resource it may not read");

            stdio.resourceUpdated("test://hidden");
            stdio.resourceUpdated("test://open");
            Map<String, Object> updated = stdio.next(10);
            assertEquals("notifications/resources/updated", updated.get("method"), updated.toString());
            Map<?, ?> update = (Map<?, ?>) updated.get("params");
            assertEquals("test://open", update.get("uri"), "the hidden resource's update was not sent first");
            assertEquals(9, ((Map<?, ?>) update.get("_meta")).get("io.modelcontextprotocol/subscriptionId"));

            Map<String, Object> bad = stdio.call(10, "subscriptions/listen",
                    "{\"notifications\":{\"resourceSubscriptions\":\"test://open\"}," + RawModern.META + "}");
            assertEquals(-32602, ((Map<?, ?>) bad.get("error")).get("code"), bad.toString());
        }
    }

    @Test
    void modernLinesAreServedWithoutInitialize() throws Exception {
        try (StdioPipe stdio = new StdioPipe(server().blueprint())) {
            Map<String, Object> discover = stdio.call(1, "server/discover", "{" + RawModern.META + "}");
            Map<?, ?> result = (Map<?, ?>) discover.get("result");
            assertEquals("complete", result.get("resultType"), discover.toString());
            assertEquals(List.of("2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"),
                    result.get("supportedVersions"));

            stdio.send("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"progress\","
                    + "\"_meta\":{\"progressToken\":7,\"io.modelcontextprotocol/logLevel\":\"info\","
                    + RawModern.META.substring("\"_meta\":{".length()) + "}}");
            Map<String, Object> progress = stdio.next(10);
            assertEquals("notifications/progress", progress.get("method"), progress.toString());
            assertEquals(7, ((Map<?, ?>) progress.get("params")).get("progressToken"));
            Map<String, Object> log = stdio.next(10);
            assertEquals("notifications/message", log.get("method"), log.toString());
            Map<String, Object> answer = stdio.next(10);
            assertEquals(2, answer.get("id"));
            assertTrue(answer.toString().contains("done"), answer.toString());

            Map<String, Object> refused = stdio.call(3, "tools/list",
                    "{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}");
            assertEquals(-32602, ((Map<?, ?>) refused.get("error")).get("code"), refused.toString());
            Map<String, Object> unknown = stdio.call(4, "ping", "{" + RawModern.META + "}");
            assertEquals(-32601, ((Map<?, ?>) unknown.get("error")).get("code"), unknown.toString());

            Map<String, Object> init = stdio.initialize();
            assertTrue(init.toString().contains("protocolVersion=2025-06-18"), "a legacy session still starts: " + init);
            Map<String, Object> listed = stdio.call(5, "tools/list", "{}");
            assertTrue(listed.toString().contains("progress") && !listed.toString().contains("resultType"),
                    listed.toString());
        }
    }
}
