package dev.fastmcp.server;

import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The components of a server, kept in step with the SDK server while one runs: a change reaches both, and the
 * SDK tells the connected sessions ({@code list_changed}); the listeners of MCP 2026-07-28 learn of it from
 * {@link Components#changes()}.
 */
public final class LiveComponents {

    private final Components components;
    private volatile SdkServer sdk;

    public LiveComponents(Components components) {
        this.components = components;
    }

    public Components components() {
        return components;
    }

    /** From now on, changes reach {@code running} too. */
    public void attach(SdkServer running) {
        this.sdk = running;
    }

    /** From now on, changes reach the components only. */
    public void detach() {
        this.sdk = null;
    }

    public void add(Tool tool) {
        components.put(Objects.requireNonNull(tool, "tool == null"));
        whileRunning(s -> s.addTool(tool), ChangeFeed.TOOLS);
    }

    public boolean removeTool(String name) {
        return removed(components.removeTool(name), s -> s.removeTool(name), ChangeFeed.TOOLS);
    }

    public void add(Resource resource) {
        components.put(Objects.requireNonNull(resource, "resource == null"));
        whileRunning(s -> s.addResource(resource), ChangeFeed.RESOURCES);
    }

    public boolean removeResource(String uri) {
        return removed(components.removeResource(uri), s -> s.removeResource(uri), ChangeFeed.RESOURCES);
    }

    public void add(ResourceTemplate template) {
        components.put(Objects.requireNonNull(template, "template == null"));
        whileRunning(s -> s.addTemplate(template), ChangeFeed.RESOURCES);
    }

    public boolean removeTemplate(String uriTemplate) {
        return removed(components.removeTemplate(uriTemplate), s -> s.removeTemplate(uriTemplate),
                ChangeFeed.RESOURCES);
    }

    public void add(Prompt prompt) {
        components.put(Objects.requireNonNull(prompt, "prompt == null"));
        whileRunning(s -> s.addPrompt(prompt), ChangeFeed.PROMPTS);
    }

    public boolean removePrompt(String name) {
        return removed(components.removePrompt(name), s -> s.removePrompt(name), ChangeFeed.PROMPTS);
    }

    /** Tells the sessions and listeners subscribed to {@code uri} that the resource changed; nothing when stopped. */
    public void notifyResourceUpdated(String uri) {
        SdkServer s = sdk;
        if (s != null) {
            s.notifyResourceUpdated(uri);
            components.changes().resourceUpdated(uri);
        }
    }

    /** Passes a change on to the SDK server and to the listeners of the components, if the server runs. */
    private void whileRunning(Consumer<SdkServer> change, ChangeFeed.Change announced) {
        SdkServer s = sdk;
        if (s != null) {
            change.accept(s);
            components.changes().publish(announced);
        }
    }

    /** Passes a removal on when the components had the component. */
    private boolean removed(boolean removed, Consumer<SdkServer> change, ChangeFeed.Change announced) {
        if (removed) {
            whileRunning(change, announced);
        }
        return removed;
    }
}
