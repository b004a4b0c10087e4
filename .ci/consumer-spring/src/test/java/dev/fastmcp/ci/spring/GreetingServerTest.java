package dev.fastmcp.ci.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fastmcp.FastMCP;
import dev.fastmcp.StartOptions;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The server on port 0, called over HTTP by the SDK's client, with Spring Boot's Jackson 2 on the class path. */
class GreetingServerTest {

    @Test
    void theToolTakesARecordOverHttp() {
        FastMCP server = GreetingServer.create().start(StartOptions.http().port(0));
        try {
            McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
                    .builder("http://127.0.0.1:" + server.port()).endpoint("/mcp").build())
                    .requestTimeout(Duration.ofSeconds(20)).build();
            try {
                client.initialize();
                McpSchema.CallToolResult result = client.callTool(new McpSchema.CallToolRequest("greet",
                        Map.of("person", Map.of("name", "Ada", "first_visit", true))));
                assertFalse(Boolean.TRUE.equals(result.isError()), result.toString());
                assertEquals(Map.of("text", "Welcome, Ada"), result.structuredContent());
            } finally {
                client.closeGracefully();
            }
        } finally {
            server.close();
        }
    }

    @Test
    void springsJackson2ReadsTheSameAnnotations() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        assertEquals("{\"name\":\"Ada\",\"first_visit\":false}",
                mapper.writeValueAsString(new GreetingServer.Person("Ada", false)));
        assertEquals(new GreetingServer.Person("Ada", true),
                mapper.readValue("{\"name\":\"Ada\",\"first_visit\":true}", GreetingServer.Person.class));
    }
}
