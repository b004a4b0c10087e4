package dev.fastmcp.server;

import dev.fastmcp.FastMCP;
import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The SDK server behind a running {@link FastMCP}: session-based (Streamable HTTP, stdio) or stateless.
 * Keeps the SDK's registries in step with ours; the SDK sends the {@code list_changed} notifications.
 */
public final class SdkServer {

    private static final Logger LOG = LoggerFactory.getLogger(SdkServer.class);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final McpSchema.ServerCapabilities CAPABILITIES = McpSchema.ServerCapabilities.builder()
            .tools(true)
            .resources(true, true)
            .prompts(true)
            .logging()
            .completions()
            .build();

    // Stateless servers cannot push anything: no list_changed, subscriptions or log messages.
    private static final McpSchema.ServerCapabilities STATELESS_CAPABILITIES = McpSchema.ServerCapabilities.builder()
            .tools(false)
            .resources(false, false)
            .prompts(false)
            .completions()
            .build();

    private final Components components;
    private final McpAsyncServer sessions;
    private final McpStatelessAsyncServer stateless;

    private SdkServer(Components components, McpAsyncServer sessions, McpStatelessAsyncServer stateless) {
        this.components = components;
        this.sessions = sessions;
        this.stateless = stateless;
    }

    public static SdkServer withSessions(Settings s, Components c, McpStreamableServerTransportProvider transport) {
        McpAsyncServer server = McpServer.async(transport)
                .serverInfo(s.name(), s.version())
                .instructions(s.instructions())
                .capabilities(CAPABILITIES)
                .requestTimeout(s.clientRequestTimeout())
                .jsonMapper(Json.MAPPER)
                .jsonSchemaValidator(Json.SCHEMAS)
                .validateToolInputs(false) // validated after canAccess, see Invocations
                .tools(c.tools().stream().map(c::toolSpec).toList())
                .resources(c.resources().stream().map(c::resourceSpec).toList())
                .resourceTemplates(c.templates().stream().map(c::templateSpec).toList())
                .prompts(c.prompts().stream().map(c::promptSpec).toList())
                .build();
        return new SdkServer(c, server, null);
    }

    public static SdkServer stateless(Settings s, Components c, McpStatelessServerTransport transport) {
        McpStatelessAsyncServer server = McpServer.async(transport)
                .serverInfo(s.name(), s.version())
                .instructions(s.instructions())
                .capabilities(STATELESS_CAPABILITIES)
                .jsonMapper(Json.MAPPER)
                .jsonSchemaValidator(Json.SCHEMAS)
                .validateToolInputs(false)
                .tools(c.tools().stream().map(c::statelessToolSpec).toList())
                .resources(c.resources().stream().map(c::statelessResourceSpec).toList())
                .resourceTemplates(c.templates().stream().map(c::statelessTemplateSpec).toList())
                .prompts(c.prompts().stream().map(c::statelessPromptSpec).toList())
                .build();
        return new SdkServer(c, null, server);
    }

    public void addTool(Tool tool) {
        change(() -> sessions.addTool(components.toolSpec(tool)),
                () -> stateless.addTool(components.statelessToolSpec(tool)));
    }

    public void removeTool(String name) {
        change(() -> sessions.removeTool(name), () -> stateless.removeTool(name));
    }

    public void addResource(Resource resource) {
        change(() -> sessions.addResource(components.resourceSpec(resource)),
                () -> stateless.addResource(components.statelessResourceSpec(resource)));
    }

    public void removeResource(String uri) {
        change(() -> sessions.removeResource(uri), () -> stateless.removeResource(uri));
    }

    public void addTemplate(ResourceTemplate template) {
        change(() -> sessions.addResourceTemplate(components.templateSpec(template)),
                () -> stateless.addResourceTemplate(components.statelessTemplateSpec(template)));
    }

    public void removeTemplate(String uriTemplate) {
        change(() -> sessions.removeResourceTemplate(uriTemplate),
                () -> stateless.removeResourceTemplate(uriTemplate));
    }

    public void addPrompt(Prompt prompt) {
        change(() -> sessions.addPrompt(components.promptSpec(prompt)),
                () -> stateless.addPrompt(components.statelessPromptSpec(prompt)));
    }

    public void removePrompt(String name) {
        change(() -> sessions.removePrompt(name), () -> stateless.removePrompt(name));
    }

    public void notifyResourceUpdated(String uri) {
        if (sessions != null) {
            sessions.notifyResourcesUpdated(new McpSchema.ResourcesUpdatedNotification(uri))
                    .onErrorResume(e -> {
                        LOG.debug("resources/updated for {} not delivered: {}", uri, e.toString());
                        return Mono.empty();
                    }).block(WAIT);
        }
    }

    public void close() {
        change(() -> sessions.closeGracefully().onErrorComplete(),
                () -> stateless.closeGracefully().onErrorComplete());
    }

    /** Makes the change on the SDK server this is, with or without sessions, and waits for it. */
    private void change(Supplier<Mono<Void>> withSessions, Supplier<Mono<Void>> withoutSessions) {
        (sessions != null ? withSessions : withoutSessions).get().block(WAIT);
    }
}
