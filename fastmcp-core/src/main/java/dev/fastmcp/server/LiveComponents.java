package dev.fastmcp.server;

import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The components of a server, kept in step with the SDK server while one runs: a change reaches both, and the
 * SDK tells the connected clients ({@code list_changed}).
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
        whileRunning(s -> s.addTool(tool));
    }

    public boolean removeTool(String name) {
        return removed(components.removeTool(name), s -> s.removeTool(name));
    }

    public void add(Resource resource) {
        components.put(Objects.requireNonNull(resource, "resource == null"));
        whileRunning(s -> s.addResource(resource));
    }

    public boolean removeResource(String uri) {
        return removed(components.removeResource(uri), s -> s.removeResource(uri));
    }

    public void add(ResourceTemplate template) {
        components.put(Objects.requireNonNull(template, "template == null"));
        whileRunning(s -> s.addTemplate(template));
    }

    public boolean removeTemplate(String uriTemplate) {
        return removed(components.removeTemplate(uriTemplate), s -> s.removeTemplate(uriTemplate));
    }

    public void add(Prompt prompt) {
        components.put(Objects.requireNonNull(prompt, "prompt == null"));
        whileRunning(s -> s.addPrompt(prompt));
    }

    public boolean removePrompt(String name) {
        return removed(components.removePrompt(name), s -> s.removePrompt(name));
    }

    /** Tells the sessions subscribed to {@code uri} that the resource changed; nothing while not running. */
    public void notifyResourceUpdated(String uri) {
        whileRunning(s -> s.notifyResourceUpdated(uri));
    }

    /** Passes a change on to the SDK server, if one runs. */
    private void whileRunning(Consumer<SdkServer> change) {
        SdkServer s = sdk;
        if (s != null) {
            change.accept(s);
        }
    }

    /** Passes a removal on to the SDK server when the components had the component. */
    private boolean removed(boolean removed, Consumer<SdkServer> change) {
        if (removed) {
            whileRunning(change);
        }
        return removed;
    }
}
