package dev.fastmcp.server;

import dev.fastmcp.Prompt;
import dev.fastmcp.Resource;
import dev.fastmcp.ResourceTemplate;
import dev.fastmcp.Tool;
import java.util.Objects;

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
        SdkServer s = sdk;
        if (s != null) {
            s.addTool(tool);
        }
    }

    public boolean removeTool(String name) {
        boolean removed = components.removeTool(name);
        SdkServer s = sdk;
        if (removed && s != null) {
            s.removeTool(name);
        }
        return removed;
    }

    public void add(Resource resource) {
        components.put(Objects.requireNonNull(resource, "resource == null"));
        SdkServer s = sdk;
        if (s != null) {
            s.addResource(resource);
        }
    }

    public boolean removeResource(String uri) {
        boolean removed = components.removeResource(uri);
        SdkServer s = sdk;
        if (removed && s != null) {
            s.removeResource(uri);
        }
        return removed;
    }

    public void add(ResourceTemplate template) {
        components.put(Objects.requireNonNull(template, "template == null"));
        SdkServer s = sdk;
        if (s != null) {
            s.addTemplate(template);
        }
    }

    public boolean removeTemplate(String uriTemplate) {
        boolean removed = components.removeTemplate(uriTemplate);
        SdkServer s = sdk;
        if (removed && s != null) {
            s.removeTemplate(uriTemplate);
        }
        return removed;
    }

    public void add(Prompt prompt) {
        components.put(Objects.requireNonNull(prompt, "prompt == null"));
        SdkServer s = sdk;
        if (s != null) {
            s.addPrompt(prompt);
        }
    }

    public boolean removePrompt(String name) {
        boolean removed = components.removePrompt(name);
        SdkServer s = sdk;
        if (removed && s != null) {
            s.removePrompt(name);
        }
        return removed;
    }

    /** Tells the sessions subscribed to {@code uri} that the resource changed; nothing while not running. */
    public void notifyResourceUpdated(String uri) {
        SdkServer s = sdk;
        if (s != null) {
            s.notifyResourceUpdated(uri);
        }
    }
}
