package dev.fastmcp.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ToolReplies} writes what Jackson writes, for the replies it takes, and leaves every other to Jackson. */
class ToolRepliesTest {

    private static final McpJsonMapper JACKSON = McpJsonDefaults.getMapper();
    private static final ParamsMapper MAPPER = new ParamsMapper(JACKSON);

    private static McpSchema.JSONRPCResponse reply(Object id, Boolean isError, String... texts) {
        List<McpSchema.Content> content = new ArrayList<>();
        for (String t : texts) {
            content.add(new McpSchema.TextContent(t));
        }
        return new McpSchema.JSONRPCResponse("2.0", id, new McpSchema.CallToolResult(content, isError, null, null), null);
    }

    private static void sameAsJackson(Object value) throws Exception {
        assertNotNull(ToolReplies.bytes(value), "written directly: " + value);
        byte[] jackson = JACKSON.writeValueAsBytes(value);
        assertArrayEquals(jackson, MAPPER.writeValueAsBytes(value), () -> new String(jackson, StandardCharsets.UTF_8));
    }

    @Test
    void textResultsAreJacksonsBytes() throws Exception {
        sameAsJackson(reply(1, false, "3.0"));
        sameAsJackson(reply(Long.MAX_VALUE, true, "failed: \"x\""));
        sameAsJackson(reply(-7, null, "a", "b", ""));
        sameAsJackson(reply("req-\u00e9\u4e2d", false));
        sameAsJackson(reply(0, false, "tab\t nl\n cr\r bs\\ quote\" nul\u0000 bell\u0007 del\u007f ff\f b\b / \u2028"));
        sameAsJackson(reply(2, false, "x".repeat(10_000)));
    }

    @Test
    void randomTextsAreJacksonsBytes() throws Exception {
        Random random = new Random(20261208);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                int kind = random.nextInt(4);
                char c = switch (kind) {
                    case 0 -> (char) random.nextInt(0x80);
                    case 1 -> (char) (0x80 + random.nextInt(0x780));
                    case 2 -> (char) (0x800 + random.nextInt(0xD000));
                    default -> (char) (0xE000 + random.nextInt(0x2000));
                };
                s.append(c);
            }
            sameAsJackson(reply(n % 2 == 0 ? (Object) n : "id" + n, n % 3 == 0 ? null : n % 3 == 1, s.toString()));
        }
    }

    @Test
    void everyOtherReplyGoesToJackson() throws Exception {
        List<Object> others = List.of(
                new McpSchema.JSONRPCResponse("2.0", 1, new McpSchema.CallToolResult(
                        List.of(new McpSchema.TextContent("x")), false, Map.of("sum", 3), null), null),
                new McpSchema.JSONRPCResponse("2.0", 1, new McpSchema.CallToolResult(
                        List.of(new McpSchema.TextContent("x")), false, null, Map.of("k", "v")), null),
                new McpSchema.JSONRPCResponse("2.0", 1, McpSchema.CallToolResult.builder()
                        .content(List.of(new McpSchema.ImageContent(null, "aGk=", "image/png"))).build(), null),
                new McpSchema.JSONRPCResponse("2.0", 1, McpSchema.CallToolResult.builder()
                        .content(List.of(new McpSchema.TextContent(
                                new McpSchema.Annotations(List.of(McpSchema.Role.USER), 0.5), "x"))).build(), null),
                reply(1, false, "a surrogate pair \ud83d\ude00"),
                reply("\ud83d\ude00", false, "a surrogate in the id"),
                new McpSchema.JSONRPCResponse("2.0", 1, new McpSchema.ListToolsResult(List.of(), null), null),
                new McpSchema.JSONRPCResponse("2.0", 1, null,
                        new McpSchema.JSONRPCResponse.JSONRPCError(-32602, "bad", null)),
                Map.of("jsonrpc", "2.0"));
        for (Object other : others) {
            assertNull(ToolReplies.bytes(other), "left to Jackson: " + other);
            assertArrayEquals(JACKSON.writeValueAsBytes(other), MAPPER.writeValueAsBytes(other));
        }
    }

    /** A component the SDK adds to these records would be dropped by the direct writer: this fails first. */
    @Test
    void theRecordsHoldOnlyWhatItChecksOrWrites() {
        assertEquals(List.of("jsonrpc", "id", "result", "error"), components(McpSchema.JSONRPCResponse.class));
        assertEquals(List.of("content", "isError", "structuredContent", "meta"),
                components(McpSchema.CallToolResult.class));
        assertEquals(List.of("annotations", "text", "meta"), components(McpSchema.TextContent.class));
    }

    private static List<String> components(Class<?> record) {
        return Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList();
    }
}
